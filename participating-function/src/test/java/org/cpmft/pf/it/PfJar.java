package org.cpmft.pf.it;

import java.nio.file.Files;
import java.nio.file.Path;

/** The runnable PF artifact built by the package phase, which runs before the integration tests. */
final class PfJar {

    private PfJar() {
    }

    static Path path() {
        Path jar = Path.of(System.getProperty("pf.jar", "target/participating-function.jar")).toAbsolutePath();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: run the integration tests with `mvn verify`");
        }
        return jar;
    }

    /** The repository's deploy/ folder (SIPp scenarios, Kamailio config). */
    static Path deployDir() {
        return Path.of(System.getProperty("pf.deploy.dir", "../deploy")).toAbsolutePath().normalize();
    }
}
