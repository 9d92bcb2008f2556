package org.cpmft.msrp.relay;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicInteger;

/** Relay meters, names prefixed {@code msrp.relay.}. */
final class RelayMetrics {
    private final MeterRegistry registry;
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
        registry.counter("msrp.relay.frames.relayed", "method", method).increment();
    }

    void response(int status, String origin) {
        registry.counter("msrp.relay.responses", "status", Integer.toString(status), "origin", origin).increment();
    }

    /** A connection stopped reading because the connection it feeds was not writable. */
    void backpressurePause() {
        registry.counter("msrp.relay.backpressure.pauses").increment();
    }

    /** A frame had to wait because another frame was being written on the same connection. */
    void wireWait() {
        registry.counter("msrp.relay.wire.waits").increment();
    }

    /** A source was paused because too many of its requests await responses on one connection. */
    void pendingThrottle() {
        registry.counter("msrp.relay.pending.throttles").increment();
    }

    /** The relay started standing in for a recipient (deferral). */
    void standIn(StandInStart.Cause cause) {
        registry.counter("msrp.relay.standins", "cause", cause.name().toLowerCase(java.util.Locale.ROOT)).increment();
    }

    void error(String reason) {
        registry.counter("msrp.relay.errors", "reason", reason).increment();
    }

    MeterRegistry registry() {
        return registry;
    }
}
