package org.cpmft.pf.deferral;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.cpmft.pf.cpm.policy.DeferralCause;
import org.cpmft.store.transfer.TransferState;

/**
 * Meters of deferred delivery. The gauges show a snapshot of the store that the service refreshes
 * on its timer ({@link #refresh}), so a Prometheus scrape never waits for the database.
 *
 * <ul>
 *   <li>{@code pf.deferred.transfers{state}}: stored transfers by state (gauge)</li>
 *   <li>{@code pf.deferred.oldest.age} seconds: age of the oldest transfer not yet ended (gauge, 0 when none)</li>
 *   <li>{@code pf.deferred.deliveries{outcome}}: delivery attempts by outcome (counter)</li>
 *   <li>{@code pf.deferred.intake{cause}}: transfers deferred, by cause (counter)</li>
 *   <li>{@code pf.deferred.notifications{result}}: delivery notices sent / retried / rejected / expired (counter)</li>
 *   <li>{@code pf.deferred.expired}: transfers expired by the sweep (counter)</li>
 *   <li>{@code pf.deferred.inflight}: deliveries running on this node (gauge)</li>
 * </ul>
 */
public final class DeferralMetrics {
    private final MeterRegistry registry;
    private final Map<TransferState, AtomicLong> byState = new EnumMap<>(TransferState.class);
    private final AtomicLong oldestAgeMillis = new AtomicLong();
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();

    public DeferralMetrics(MeterRegistry registry) {
        this.registry = registry;
        for (TransferState s : TransferState.values()) {
            AtomicLong v = new AtomicLong();
            byState.put(s, v);
            Gauge.builder("pf.deferred.transfers", v, AtomicLong::doubleValue)
                    .description("Deferred transfers in the store by state")
                    .tag("state", s.name().toLowerCase(java.util.Locale.ROOT))
                    .register(registry);
        }
        Gauge.builder("pf.deferred.oldest.age", oldestAgeMillis, a -> a.get() / 1000.0)
                .description("Age of the oldest deferred transfer not yet delivered, expired or failed")
                .baseUnit("seconds")
                .register(registry);
    }

    void inFlightGauge(Map<?, ?> inFlight) {
        // The gauge holds only a weak reference to its object: the map itself, which the engine keeps.
        Gauge.builder("pf.deferred.inflight", inFlight, Map::size)
                .description("Deferred deliveries running on this node")
                .register(registry);
    }

    void refresh(Map<TransferState, Long> counts, Optional<Duration> oldest) {
        counts.forEach((s, n) -> byState.get(s).set(n));
        oldestAgeMillis.set(oldest.map(Duration::toMillis).orElse(0L));
    }

    void delivery(String outcome) {
        counter("pf.deferred.deliveries", "outcome", outcome, "Deferred delivery attempts by outcome").increment();
    }

    void intake(DeferralCause cause) {
        counter("pf.deferred.intake", "cause", cause.name().toLowerCase(java.util.Locale.ROOT),
                "File transfers deferred, by cause").increment();
    }

    void notification(String result) {
        counter("pf.deferred.notifications", "result", result, "Deferred delivery notifications by result")
                .increment();
    }

    void expired(int n) {
        if (n > 0) {
            Counter.builder("pf.deferred.expired").description("Deferred transfers expired").register(registry)
                    .increment(n);
        }
    }

    long gaugeValue(TransferState s) {
        return byState.get(s).get();
    }

    private Counter counter(String name, String tag, String value, String description) {
        return counters.computeIfAbsent(name + "|" + value,
                k -> Counter.builder(name).description(description).tag(tag, value).register(registry));
    }
}
