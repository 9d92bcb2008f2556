package org.cpmft.pf.it;

import java.net.URL;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import org.apache.log4j.PropertyConfigurator;
import org.cpmft.pf.sip.EmbeddedSipContainer;

/**
 * Runs {@link BareAnswerServlet} in {@link EmbeddedSipContainer}, embedded exactly as the PF embeds
 * its servlet (same stack properties, connectors, concurrency mode). Started by
 * deploy/bench/sip-setup.sh with deploy/bench/bare-servlet first on the class path, whose
 * org/cpmft/pf/sip/sip.xml names this servlet instead of the PF's.
 *
 * <p>Arguments: host port workDir. Prints "ready" once the container is in service; stops on SIGTERM.
 */
public final class BareSipServer {

    private BareSipServer() {
    }

    public static void main(String[] args) throws Exception {
        URL logging = BareSipServer.class.getResource("/org/cpmft/pf/pf-log4j.properties");
        if (logging != null) {
            PropertyConfigurator.configure(logging);
        }
        EmbeddedSipContainer container = new EmbeddedSipContainer(new EmbeddedSipContainer.Settings(
                args[0], Integer.parseInt(args[1]), List.of("udp", "tcp"), null, Path.of(args[2])));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            container.close();
            stopped.countDown();
        }));
        container.start();
        System.out.println("ready");
        stopped.await();
    }
}
