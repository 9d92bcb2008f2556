package org.cpmft.msrp.relay;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Relay meters, names prefixed {@code msrp.relay.}. Counters are looked up once per tag value and kept:
 * {@code registry.counter(name, tags)} builds and hashes a meter id on every call, too much per frame.
 * A counter is registered on first use only, so a meter that never counted does not exist.
 */
final class RelayMetrics {
    private static final int MAX_CACHED = 256;
    private final MeterRegistry registry;
    private final ConcurrentMap<String, Counter> framesByMethod = new ConcurrentHashMap<>();
    private final ConcurrentMap<Integer, Counter> relayedResponses = new ConcurrentHashMap<>();
    private final ConcurrentMap<Integer, Counter> relayResponses = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Counter> errors = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Counter> single = new ConcurrentHashMap<>();
    private final Function<String, Counter> frameCounter;
    private final Function<Integer, Counter> relayedResponseCounter;
    private final Function<Integer, Counter> relayResponseCounter;
    private final Function<String, Counter> errorCounter;
    private final AtomicInteger sessions = new AtomicInteger();
    private final AtomicInteger connections = new AtomicInteger();
    private final Counter bytes;

    RelayMetrics(MeterRegistry registry) {
        this.registry = registry;
        Gauge.builder("msrp.relay.sessions.active", sessions, AtomicInteger::get)
                .description("allocated session pairs").register(registry);
        Gauge.builder("msrp.relay.connections.active", connections, AtomicInteger::get)
                .description("open MSRP connections").register(registry);
        bytes = Counter.builder("msrp.relay.bytes.relayed").baseUnit("bytes").register(registry);
        frameCounter = method -> registry.counter("msrp.relay.frames.relayed", "method", method);
        relayedResponseCounter = status -> registry.counter("msrp.relay.responses",
                "status", Integer.toString(status), "origin", "relayed");
        relayResponseCounter = status -> registry.counter("msrp.relay.responses",
                "status", Integer.toString(status), "origin", "relay");
        errorCounter = reason -> registry.counter("msrp.relay.errors", "reason", reason);
    }

    private static <K> Counter cached(ConcurrentMap<K, Counter> cache, K key, Function<K, Counter> create) {
        Counter c = cache.get(key); // no lock on the frequent path, unlike computeIfAbsent on some JDKs
        if (c != null) {
            return c;
        }
        // Tag values may come from the wire (extension methods): keep the cache bounded.
        return cache.size() < MAX_CACHED ? cache.computeIfAbsent(key, create) : create.apply(key);
    }

    private Counter untagged(String name) {
        return cached(single, name, registry::counter);
    }

    void sessionOpened() {
        sessions.incrementAndGet();
    }

    void sessionClosed() {
        sessions.decrementAndGet();
    }

    void connectionOpened() {
        connections.incrementAndGet();
    }

    void connectionClosed() {
        connections.decrementAndGet();
    }

    void bytesRelayed(int n) {
        bytes.increment(n);
    }

    void frameRelayed(String method) {
        cached(framesByMethod, method, frameCounter).increment();
    }

    void response(int status, String origin) {
        if ("relayed".equals(origin)) {
            cached(relayedResponses, status, relayedResponseCounter).increment();
        } else if ("relay".equals(origin)) {
            cached(relayResponses, status, relayResponseCounter).increment();
        } else {
            registry.counter("msrp.relay.responses", "status", Integer.toString(status), "origin", origin).increment();
        }
    }

    /** A connection stopped reading because the connection it feeds was not writable. */
    void backpressurePause() {
        untagged("msrp.relay.backpressure.pauses").increment();
    }

    /** A frame had to wait because another frame was being written on the same connection. */
    void wireWait() {
        untagged("msrp.relay.wire.waits").increment();
    }

    /** A source was paused because too many of its requests await responses on one connection. */
    void pendingThrottle() {
        untagged("msrp.relay.pending.throttles").increment();
    }

    /** An accepted connection moved to the I/O thread of its session's other connection. */
    void connectionMoved() {
        untagged("msrp.relay.connections.moved").increment();
    }

    /** The relay started standing in for a recipient (deferral). */
    void standIn(StandInStart.Cause cause) {
        registry.counter("msrp.relay.standins", "cause", cause.name().toLowerCase(Locale.ROOT)).increment();
    }

    void error(String reason) {
        cached(errors, reason, errorCounter).increment();
    }

    MeterRegistry registry() {
        return registry;
    }
}
