package org.cpmft.pf.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The reference SIP/IP core (deploy/kamailio/kamailio.cfg) as a child process on 127.0.0.1: UDP and
 * TCP on one generated port, its control socket and runtime files in the test's directory.
 */
final class KamailioCore implements AutoCloseable {

    final int port;
    private final ProcessUnderTest process;

    /** Kamailio on 127.0.0.1:port (UDP and TCP) serving the PF at 127.0.0.1:pfSipPort. */
    KamailioCore(Path dir, int port, int pfSipPort) throws IOException, InterruptedException {
        this.port = port;
        Path cfg = PfJar.deployDir().resolve("kamailio/kamailio.cfg");
        Path runtime = Files.createDirectories(dir.resolve("kamailio-run"));
        String listen = "127.0.0.1:" + port;
        process = ProcessUnderTest.start("kamailio", List.of("kamailio", "-f", cfg.toString(), "-DD", "-E",
                "-m", "64", "-M", "8", "-Y", runtime.toString(),
                "-l", "udp:" + listen, "-l", "tcp:" + listen,
                "-A", "PF_URI=\"sip:127.0.0.1:" + pfSipPort + "\"",
                "-A", "PF_VIA=\"127.0.0.1:" + pfSipPort + "\"",
                "-A", "CORE_URI=\"sip:" + listen + "\"",
                "-A", "CTL_SOCKET=\"unix:" + runtime.resolve("ctl") + "\"",
                "-A", "WITH_DEBUG"), Map.of(), dir);
        awaitListening(Duration.ofSeconds(20));
    }

    private void awaitListening(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline && process.isAlive()) {
            if (LocalPorts.isBound(port, false) && LocalPorts.isBound(port, true)) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("Kamailio did not listen on 127.0.0.1:" + port + "\n" + process.output());
    }

    String address() {
        return "127.0.0.1:" + port;
    }

    String log() {
        return process.output();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.terminate(Duration.ofSeconds(10));
        }
    }
}
