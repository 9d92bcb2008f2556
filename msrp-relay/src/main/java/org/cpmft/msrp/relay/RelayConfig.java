package org.cpmft.msrp.relay;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Objects;
import org.cpmft.msrp.codec.MsrpDecoderLimits;
import org.cpmft.msrp.tls.MsrpTls;

/**
 * Settings of one relay listener. Start from {@link #of(String, int)} and adjust with the
 * {@code with...} methods.
 *
 * @param bindHost               address to listen on
 * @param port                   TCP port, 0 for an ephemeral one (see {@link MsrpRelay#port()})
 * @param advertisedHost         host written into the relay's MSRP URIs (a=path), defaults to bindHost
 * @param limits                 decoder limits for every connection
 * @param transactionTimeout     how long a relayed request waits for the far end's response
 *                               (RFC 4975 section 7.1.1 suggests 30 s)
 * @param connectTimeout         TCP connect timeout towards answerers
 * @param idleTimeout            a connection with no bound session and no traffic for this long is closed;
 *                               zero disables
 * @param writeBufferLow         low write-buffer water mark per connection, bytes
 * @param writeBufferHigh        high water mark; above it the connections feeding this one stop reading
 * @param ioThreads              Netty worker threads, 0 for Netty's default
 * @param socketSendBuffer       SO_SNDBUF per connection in bytes, 0 for the system default; a smaller
 *                               kernel buffer makes backpressure reach the sender sooner
 * @param maxPendingTransactions requests awaiting a response per connection before their source is paused
 * @param tls                    MSRPS settings, null for plain TCP; with TLS the listener only speaks TLS
 *                               and the relay's URIs use the {@code msrps} scheme
 * @param meterRegistry          where metrics go, a {@link SimpleMeterRegistry} when null
 */
public record RelayConfig(String bindHost, int port, String advertisedHost, MsrpDecoderLimits limits,
                          Duration transactionTimeout, Duration connectTimeout, Duration idleTimeout,
                          int writeBufferLow, int writeBufferHigh, int ioThreads, int socketSendBuffer,
                          int maxPendingTransactions, MsrpTls tls, MeterRegistry meterRegistry) {

    public RelayConfig {
        Objects.requireNonNull(bindHost, "bindHost");
        Objects.requireNonNull(transactionTimeout, "transactionTimeout");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        if (advertisedHost == null || advertisedHost.isBlank()) {
            advertisedHost = bindHost;
        }
        if (limits == null) {
            limits = MsrpDecoderLimits.DEFAULT;
        }
        if (meterRegistry == null) {
            meterRegistry = new SimpleMeterRegistry();
        }
        if (writeBufferLow <= 0 || writeBufferHigh < writeBufferLow) {
            throw new IllegalArgumentException("bad write buffer water marks");
        }
        if (maxPendingTransactions < 2) {
            throw new IllegalArgumentException("maxPendingTransactions < 2");
        }
        if (tls != null && tls.server() == null) {
            throw new IllegalArgumentException("TLS listener needs a server context");
        }
    }

    /**
     * Defaults: 30 s transaction timeout, 10 s connect, 5 min idle, 32/64 KiB water marks, 1024 pending
     * transactions per connection, plain TCP.
     */
    public static RelayConfig of(String bindHost, int port) {
        return new RelayConfig(bindHost, port, bindHost, MsrpDecoderLimits.DEFAULT, Duration.ofSeconds(30),
                Duration.ofSeconds(10), Duration.ofMinutes(5), 32 * 1024, 64 * 1024, 0, 0, 1024, null, null);
    }

    public RelayConfig withAdvertisedHost(String host) {
        return new RelayConfig(bindHost, port, host, limits, transactionTimeout, connectTimeout, idleTimeout,
                writeBufferLow, writeBufferHigh, ioThreads, socketSendBuffer, maxPendingTransactions, tls,
                meterRegistry);
    }

    public RelayConfig withLimits(MsrpDecoderLimits decoderLimits) {
        return new RelayConfig(bindHost, port, advertisedHost, decoderLimits, transactionTimeout, connectTimeout,
                idleTimeout, writeBufferLow, writeBufferHigh, ioThreads, socketSendBuffer, maxPendingTransactions,
                tls, meterRegistry);
    }

    public RelayConfig withTimeouts(Duration transaction, Duration connect, Duration idle) {
        return new RelayConfig(bindHost, port, advertisedHost, limits, transaction, connect, idle,
                writeBufferLow, writeBufferHigh, ioThreads, socketSendBuffer, maxPendingTransactions, tls,
                meterRegistry);
    }

    public RelayConfig withWriteBuffer(int low, int high) {
        return new RelayConfig(bindHost, port, advertisedHost, limits, transactionTimeout, connectTimeout,
                idleTimeout, low, high, ioThreads, socketSendBuffer, maxPendingTransactions, tls, meterRegistry);
    }

    public RelayConfig withIoThreads(int threads) {
        return new RelayConfig(bindHost, port, advertisedHost, limits, transactionTimeout, connectTimeout,
                idleTimeout, writeBufferLow, writeBufferHigh, threads, socketSendBuffer, maxPendingTransactions,
                tls, meterRegistry);
    }

    public RelayConfig withSocketSendBuffer(int bytes) {
        return new RelayConfig(bindHost, port, advertisedHost, limits, transactionTimeout, connectTimeout,
                idleTimeout, writeBufferLow, writeBufferHigh, ioThreads, bytes, maxPendingTransactions, tls,
                meterRegistry);
    }

    public RelayConfig withMaxPendingTransactions(int max) {
        return new RelayConfig(bindHost, port, advertisedHost, limits, transactionTimeout, connectTimeout,
                idleTimeout, writeBufferLow, writeBufferHigh, ioThreads, socketSendBuffer, max, tls, meterRegistry);
    }

    public RelayConfig withTls(MsrpTls settings) {
        return new RelayConfig(bindHost, port, advertisedHost, limits, transactionTimeout, connectTimeout,
                idleTimeout, writeBufferLow, writeBufferHigh, ioThreads, socketSendBuffer, maxPendingTransactions,
                settings, meterRegistry);
    }

    public RelayConfig withMeterRegistry(MeterRegistry registry) {
        return new RelayConfig(bindHost, port, advertisedHost, limits, transactionTimeout, connectTimeout,
                idleTimeout, writeBufferLow, writeBufferHigh, ioThreads, socketSendBuffer, maxPendingTransactions,
                tls, registry);
    }
}
