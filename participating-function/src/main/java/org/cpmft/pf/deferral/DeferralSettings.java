package org.cpmft.pf.deferral;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Objects;

/**
 * How this node runs deferred delivery.
 *
 * @param nodeId          lease owner name, unique among the nodes sharing the database
 * @param lease           how long a claim keeps other nodes away; renewed every third of it
 *                        while a delivery runs, so a node that dies frees its work after this
 * @param tickPeriod      period of the timer: expiry sweep, due transfers, due notices
 * @param batchSize       most rows claimed per query
 * @param maxInFlight     most deliveries running at once on this node
 * @param postponeDelay   wait after a 480 before the next periodic attempt (a REGISTER of the
 *                        recipient may come earlier)
 * @param attemptTimeout  an attempt whose stage has not completed by then is cancelled and counted
 *                        as no answer
 * @param metricsRefresh  how often the store is queried for the gauges
 * @param resumeWindow    how long an upload the sender abandoned stays resumable before the sweep
 *                        removes it
 * @param deviceAffinity  whether a file waits for the device that accepted it or may go to another
 *                        device of the user ({@link DeliveryTarget})
 * @param deferredMgmtUri From of the delivery INVITEs (CPMDeferredMgmtURI, seed 004 7.3.11), or
 *                        null for the original sender
 */
public record DeferralSettings(String nodeId, Duration lease, Duration tickPeriod, int batchSize, int maxInFlight,
                               Duration postponeDelay, Duration attemptTimeout, Duration metricsRefresh,
                               Duration resumeWindow, DeviceAffinity deviceAffinity, String deferredMgmtUri) {

    public static final Duration DEFAULT_RESUME_WINDOW = Duration.ofHours(24);

    /** Defaults for the rest: {@link #DEFAULT_RESUME_WINDOW}, strict device affinity, From the original sender. */
    public DeferralSettings(String nodeId, Duration lease, Duration tickPeriod, int batchSize, int maxInFlight,
                            Duration postponeDelay, Duration attemptTimeout, Duration metricsRefresh) {
        this(nodeId, lease, tickPeriod, batchSize, maxInFlight, postponeDelay, attemptTimeout, metricsRefresh,
                DEFAULT_RESUME_WINDOW, DeviceAffinity.STRICT, null);
    }

    public DeferralSettings {
        if (nodeId == null || nodeId.isBlank() || nodeId.length() > 255) {
            throw new IllegalArgumentException("nodeId must have 1..255 characters: " + nodeId);
        }
        positive(lease, "lease");
        positive(tickPeriod, "tickPeriod");
        positive(postponeDelay, "postponeDelay");
        positive(attemptTimeout, "attemptTimeout");
        positive(metricsRefresh, "metricsRefresh");
        positive(resumeWindow, "resumeWindow");
        if (lease.compareTo(Duration.ofSeconds(3)) < 0) {
            throw new IllegalArgumentException("lease must be at least 3 s: " + lease);
        }
        if (batchSize < 1 || batchSize > 1000) {
            throw new IllegalArgumentException("batchSize must be within 1..1000: " + batchSize);
        }
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("maxInFlight must be >= 1: " + maxInFlight);
        }
        Objects.requireNonNull(deviceAffinity, "deviceAffinity");
        if (deferredMgmtUri != null && deferredMgmtUri.isBlank()) {
            deferredMgmtUri = null;
        }
    }

    private static void positive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException(name + " must be positive: " + d);
        }
    }

    /** Lease 2 min, tick 1 s, batches of 20, 100 at once, 480 waits 15 min, attempts time out after 10 min. */
    public static DeferralSettings defaults(String nodeId) {
        return new DeferralSettings(nodeId, Duration.ofMinutes(2), Duration.ofSeconds(1), 20, 100,
                Duration.ofMinutes(15), Duration.ofMinutes(10), Duration.ofSeconds(10));
    }

    /** host name and process id, e.g. {@code pf-0/4711}. */
    public static String defaultNodeId() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "localhost";
        }
        return host + "/" + ManagementFactory.getRuntimeMXBean().getPid();
    }

    public DeferralSettings withTickPeriod(Duration value) {
        return new DeferralSettings(nodeId, lease, value, batchSize, maxInFlight, postponeDelay, attemptTimeout,
                metricsRefresh, resumeWindow, deviceAffinity, deferredMgmtUri);
    }

    public DeferralSettings withLease(Duration value) {
        return new DeferralSettings(nodeId, value, tickPeriod, batchSize, maxInFlight, postponeDelay, attemptTimeout,
                metricsRefresh, resumeWindow, deviceAffinity, deferredMgmtUri);
    }

    public DeferralSettings withPostponeDelay(Duration value) {
        return new DeferralSettings(nodeId, lease, tickPeriod, batchSize, maxInFlight, value, attemptTimeout,
                metricsRefresh, resumeWindow, deviceAffinity, deferredMgmtUri);
    }

    public DeferralSettings withAttemptTimeout(Duration value) {
        return new DeferralSettings(nodeId, lease, tickPeriod, batchSize, maxInFlight, postponeDelay, value,
                metricsRefresh, resumeWindow, deviceAffinity, deferredMgmtUri);
    }

    public DeferralSettings withMaxInFlight(int value) {
        return new DeferralSettings(nodeId, lease, tickPeriod, batchSize, value, postponeDelay, attemptTimeout,
                metricsRefresh, resumeWindow, deviceAffinity, deferredMgmtUri);
    }

    public DeferralSettings withResumeWindow(Duration value) {
        return new DeferralSettings(nodeId, lease, tickPeriod, batchSize, maxInFlight, postponeDelay, attemptTimeout,
                metricsRefresh, value, deviceAffinity, deferredMgmtUri);
    }

    public DeferralSettings withDeviceAffinity(DeviceAffinity value) {
        return new DeferralSettings(nodeId, lease, tickPeriod, batchSize, maxInFlight, postponeDelay, attemptTimeout,
                metricsRefresh, resumeWindow, value, deferredMgmtUri);
    }

    /** @param value From of the delivery INVITEs, or null for the original sender */
    public DeferralSettings withDeferredMgmtUri(String value) {
        return new DeferralSettings(nodeId, lease, tickPeriod, batchSize, maxInFlight, postponeDelay, attemptTimeout,
                metricsRefresh, resumeWindow, deviceAffinity, value);
    }

    public DeferralSettings withBatchSize(int value) {
        return new DeferralSettings(nodeId, lease, tickPeriod, value, maxInFlight, postponeDelay, attemptTimeout,
                metricsRefresh, resumeWindow, deviceAffinity, deferredMgmtUri);
    }
}
