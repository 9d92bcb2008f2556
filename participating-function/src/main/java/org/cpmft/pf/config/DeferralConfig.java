package org.cpmft.pf.config;

import java.time.Duration;
import java.util.Optional;

/**
 * How this node takes part in deferred delivery (docs/deferred-delivery.md): its name in leases
 * and the timing of its delivery loop. Not reloadable: a restart applies changes.
 *
 * @param nodeId        the node's name in leases; empty: host name and process id
 * @param lease         how long a claimed delivery stays this node's before another may take it
 * @param tick          period of the loop that claims due work
 * @param postponeDelay wait after a 480 before the next attempt
 * @param storeOutageGrace how long storing a file waits for an unreachable database before the
 *                         sender's chunks are refused (0: not at all)
 * @param resumeWindow  how long an upload the sender abandoned stays resumable before it is removed
 * @param deviceAffinity  strict: a file waits for the device that accepted it; fallback: any device
 * @param deferredMgmtUri From of delivery INVITEs (CPMDeferredMgmtURI); empty: the original sender
 */
public record DeferralConfig(Optional<String> nodeId, Duration lease, Duration tick, Duration postponeDelay,
                             Duration storeOutageGrace, Duration resumeWindow, DeviceAffinityPolicy deviceAffinity,
                             Optional<SipUri> deferredMgmtUri) {

    /** The defaults of the store-fault and delivery keys: 30 s grace, 24 h resume window, strict affinity, From the sender. */
    public DeferralConfig(Optional<String> nodeId, Duration lease, Duration tick, Duration postponeDelay) {
        this(nodeId, lease, tick, postponeDelay, Duration.ofSeconds(30), Duration.ofHours(24),
                DeviceAffinityPolicy.STRICT, Optional.empty());
    }

    public DeferralConfig {
        nodeId = Check.present("deferral.nodeId", nodeId);
        nodeId.ifPresent(id -> {
            if (id.isBlank() || id.length() > 255) {
                throw new ConfigException("deferral.nodeId", "must have 1 to 255 characters");
            }
        });
        positive("deferral.lease", lease);
        positive("deferral.tick", tick);
        positive("deferral.postponeDelay", postponeDelay);
        if (Check.present("deferral.storeOutageGrace", storeOutageGrace).isNegative()
                || storeOutageGrace.compareTo(Duration.ofMinutes(10)) > 0) {
            // the sender waits for its 200s meanwhile: beyond minutes it gives up on its own
            throw new ConfigException("deferral.storeOutageGrace", "must be within 0s..10m");
        }
        positive("deferral.resumeWindow", resumeWindow);
        Check.present("deferral.deviceAffinity", deviceAffinity);
        deferredMgmtUri = Check.present("deferral.deferredMgmtUri", deferredMgmtUri);
        if (tick.compareTo(lease) >= 0) {
            throw new ConfigException("deferral.tick", "must be shorter than deferral.lease (" + lease + ")");
        }
    }

    private static void positive(String key, Duration d) {
        if (Check.present(key, d).isZero() || d.isNegative()) {
            throw new ConfigException(key, "must be positive");
        }
    }
}
