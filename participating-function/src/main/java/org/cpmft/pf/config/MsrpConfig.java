package org.cpmft.pf.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The MSRP relay: listening addresses and the codec limits applied to every peer.
 *
 * @param advertisedHost the host the PF writes in its MSRP URIs (a=path, RFC 4975 section 9);
 *                       differs from {@code host} behind NAT or when listening on a wildcard
 * @param tlsPort        the port for msrps: (RFC 4975 section 14.1), 0 when TLS is off
 * @param idleTimeout    a connection with no traffic for this long is closed
 */
public record MsrpConfig(
        String host,
        int port,
        String advertisedHost,
        int tlsPort,
        Optional<Path> tlsCertificate,
        Optional<Path> tlsPrivateKey,
        int maxHeaderBytes,
        int maxHeaders,
        Duration idleTimeout) {

    public MsrpConfig {
        Check.host("msrp.host", host);
        Check.port("msrp.port", port);
        Check.host("msrp.advertisedHost", advertisedHost);
        if (Hosts.isWildcard(advertisedHost)) {
            throw new ConfigException("msrp.advertisedHost",
                    "'" + advertisedHost + "' is a wildcard address; set the address peers connect to");
        }
        if (tlsPort != 0) {
            Check.port("msrp.tlsPort", tlsPort);
            if (tlsPort == port) {
                throw new ConfigException("msrp.tlsPort", "must differ from msrp.port " + port);
            }
        }
        tlsCertificate = Check.present("msrp.tlsCertificate", tlsCertificate);
        tlsPrivateKey = Check.present("msrp.tlsPrivateKey", tlsPrivateKey);
        if (tlsPort != 0 && tlsCertificate.isEmpty()) {
            throw new ConfigException("msrp.tlsCertificate", "must be set when msrp.tlsPort is not 0");
        }
        if (tlsPort != 0 && tlsPrivateKey.isEmpty()) {
            throw new ConfigException("msrp.tlsPrivateKey", "must be set when msrp.tlsPort is not 0");
        }
        // RFC 4975 section 9 needs room for at least To-Path, From-Path, Message-ID, Byte-Range,
        // Content-Type and a few extension headers.
        Check.intRange("msrp.maxHeaderBytes", maxHeaderBytes, 1024, 1 << 20);
        Check.intRange("msrp.maxHeaders", maxHeaders, 8, 1024);
        Check.positive("msrp.idleTimeout", idleTimeout);
    }

    public boolean tlsEnabled() {
        return tlsPort != 0;
    }
}
