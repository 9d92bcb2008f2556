package org.cpmft.pf.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import org.cpmft.pf.PfProcess;
import org.cpmft.pf.config.ConfigException;
import org.cpmft.pf.config.ConfigLoader;
import org.cpmft.pf.config.PfConfig;
import org.cpmft.pf.config.PortUnavailableException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** Runs the PF until SIGTERM/SIGINT. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Run the PF (SIP B2BUA, MSRP relay, deferred store, metrics and health).")
public final class ServeCommand implements Callable<Integer> {

    @Mixin
    ConfigFileOption config;

    @Override
    public Integer call() {
        return serve(config.file());
    }

    static int serve(Path configFile) {
        PfConfig config;
        try {
            config = ConfigLoader.load(configFile, System.getenv());
        } catch (ConfigException e) {
            System.err.println("participating-function: " + e.getMessage());
            return 2;
        }
        PfProcess pf = new PfProcess();
        CountDownLatch stopped = new CountDownLatch(1);
        AtomicInteger exitStatus = new AtomicInteger();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            int status = exitStatus.get();
            try {
                pf.close();
            } catch (Throwable t) {
                System.err.println("participating-function: shutdown failed: " + t);
                status = 1;
            }
            stopped.countDown();
            // The container leaves non-daemon threads behind; a clean stop exits 0, not 143.
            Runtime.getRuntime().halt(status);
        }, "pf-shutdown"));
        try {
            pf.start(config, configFile);
        } catch (ConfigException | PortUnavailableException e) {
            System.err.println("participating-function: " + e.getMessage());
            exitStatus.set(2);
        } catch (Exception e) {
            System.err.println("participating-function: start-up failed: " + e);
            exitStatus.set(1);
        }
        if (exitStatus.get() != 0) {
            return exitStatus.get();
        }
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }
}
