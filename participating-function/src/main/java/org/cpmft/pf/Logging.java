package org.cpmft.pf;

import java.net.URL;

import org.apache.log4j.PropertyConfigurator;

/** Log4j 1.2 API (reload4j) for the container and us; a file named by -Dpf.log4j replaces the default. */
final class Logging {

    // Tomcat logs through java.util.logging; JUL keeps only weak references to configured loggers.
    private static final java.util.logging.Logger TOMCAT = java.util.logging.Logger.getLogger("org.apache");
    private static final java.util.logging.Logger DIGESTER =
            java.util.logging.Logger.getLogger("org.apache.catalina.startup.DigesterFactory");

    private Logging() {
    }

    static void configure() {
        TOMCAT.setLevel(java.util.logging.Level.WARNING);
        // It warns about JSP schemas a SIP-only application never uses.
        DIGESTER.setLevel(java.util.logging.Level.OFF);
        String override = System.getProperty("pf.log4j");
        if (override != null) {
            PropertyConfigurator.configure(override);
            return;
        }
        URL defaults = Logging.class.getResource("/org/cpmft/pf/pf-log4j.properties");
        PropertyConfigurator.configure(defaults);
    }
}
