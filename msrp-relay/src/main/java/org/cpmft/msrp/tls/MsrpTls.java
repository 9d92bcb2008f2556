package org.cpmft.msrp.tls;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS for MSRPS (RFC 4975 section 14.2): the context used for connections accepted on an
 * {@code msrps} listener and the one used for connections opened to {@code msrps} URIs. Client
 * connections check the peer's certificate chain against the configured trust and, unless disabled,
 * the host name in the URI.
 *
 * @param server context for accepted connections, null when this side does not listen with TLS
 * @param client context for outgoing connections, null when it does not connect with TLS
 */
public record MsrpTls(SslContext server, SslContext client) {

    /**
     * From PEM files.
     *
     * @param certificateChain PEM certificate chain, own certificate first
     * @param privateKey       PEM PKCS#8 private key (unencrypted)
     * @param trustedCerts     PEM certificates to trust for outgoing connections, null for the JDK's
     * @param verifyHostname   check the URI host against the peer certificate (RFC 6125 style)
     */
    public static MsrpTls fromPem(Path certificateChain, Path privateKey, Path trustedCerts, boolean verifyHostname)
            throws SSLException {
        SslContext server = SslContextBuilder.forServer(certificateChain.toFile(), privateKey.toFile()).build();
        SslContextBuilder client = SslContextBuilder.forClient()
                .keyManager(certificateChain.toFile(), privateKey.toFile());
        if (trustedCerts != null) {
            client.trustManager(trustedCerts.toFile());
        }
        return new MsrpTls(server, hostnameCheck(client, verifyHostname).build());
    }

    /**
     * From a PKCS#12 (or JKS) key store holding this side's key and certificate.
     *
     * @param trustStore     key store of trusted certificates, null for the JDK's default trust
     * @param verifyHostname check the URI host against the peer certificate
     */
    public static MsrpTls fromKeyStore(Path keyStore, char[] password, Path trustStore, char[] trustPassword,
                                       boolean verifyHostname) throws IOException, GeneralSecurityException {
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(load(keyStore, password), password);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trustStore == null ? null : load(trustStore, trustPassword));
        SslContext server = SslContextBuilder.forServer(kmf).build();
        SslContext client = hostnameCheck(SslContextBuilder.forClient().keyManager(kmf).trustManager(tmf),
                verifyHostname).build();
        return new MsrpTls(server, client);
    }

    private static SslContextBuilder hostnameCheck(SslContextBuilder client, boolean verify) {
        return verify ? client.endpointIdentificationAlgorithm("HTTPS") : client;
    }

    private static KeyStore load(Path file, char[] password) throws IOException, GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
        try (InputStream in = Files.newInputStream(file)) {
            ks.load(in, password);
        }
        return ks;
    }

    /** Handler for an accepted connection. */
    public SslHandler serverHandler(ByteBufAllocator alloc) {
        if (server == null) {
            throw new IllegalStateException("no server TLS context configured");
        }
        return server.newHandler(alloc);
    }

    /** Handler for a connection to {@code host:port} (SNI and host name check use {@code host}). */
    public SslHandler clientHandler(ByteBufAllocator alloc, String host, int port) {
        if (client == null) {
            throw new IllegalStateException("no client TLS context configured");
        }
        return client.newHandler(alloc, host, port);
    }
}
