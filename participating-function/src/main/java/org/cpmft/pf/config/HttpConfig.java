package org.cpmft.pf.config;

/** The operations HTTP endpoint (/metrics, /health). */
public record HttpConfig(String host, int port) {

    public HttpConfig {
        Check.host("http.host", host);
        Check.port("http.port", port);
    }
}
