package org.cpmft.pf.config;

import java.net.InetAddress;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;

/**
 * The SIP side: where the PF listens, where it sends requests, whom it trusts.
 *
 * @param outboundProxy the next hop in the SIP/IP core for every request the PF sends; empty
 *                      means route by Request-URI (RFC 3261 section 8.1.2)
 * @param trustedCore   networks allowed to send requests to the PF (the S-CSCFs)
 * @param defaultRole   the role assumed when the request does not say which side it is for
 * @param inviteTimeout provider-policy time an invitation may ring before the PF defers
 * @param maxSetupsInProgress overload control: set-ups in progress beyond which new INVITEs get 503; 0 none
 * @param maxSetupRate  overload control: new INVITEs admitted per second; 0 none
 * @param overloadRetryAfter Retry-After of those 503s
 */
public record SipConfig(
        String host,
        int port,
        List<Transport> transports,
        Optional<SipUri> outboundProxy,
        List<CidrBlock> trustedCore,
        PfRole defaultRole,
        String serverHeader,
        Duration inviteTimeout,
        int maxSetupsInProgress,
        int maxSetupRate,
        Duration overloadRetryAfter) {

    public SipConfig {
        Check.host("sip.host", host);
        Check.port("sip.port", port);
        transports = List.copyOf(Check.present("sip.transports", transports));
        if (transports.isEmpty()) {
            throw new ConfigException("sip.transports", "must list at least one of udp, tcp");
        }
        if (new HashSet<>(transports).size() != transports.size()) {
            throw new ConfigException("sip.transports", "lists a transport twice");
        }
        outboundProxy = Check.present("sip.outboundProxy", outboundProxy);
        trustedCore = List.copyOf(Check.present("sip.trustedCore", trustedCore));
        if (trustedCore.isEmpty()) {
            throw new ConfigException("sip.trustedCore", "must list at least one address or network");
        }
        Check.present("sip.defaultRole", defaultRole);
        Check.headerText("sip.serverHeader", serverHeader);
        Check.positive("sip.inviteTimeout", inviteTimeout);
        Check.intRange("sip.maxSetupsInProgress", maxSetupsInProgress, 0, 1_000_000);
        Check.intRange("sip.maxSetupRate", maxSetupRate, 0, 1_000_000);
        Check.positive("sip.overloadRetryAfter", overloadRetryAfter);
        if (overloadRetryAfter.toSeconds() < 1) {
            throw new ConfigException("sip.overloadRetryAfter", "must be at least 1s (Retry-After is in whole seconds)");
        }
    }

    /** True when a request from this address comes from the trusted SIP/IP core. */
    public boolean isTrusted(InetAddress source) {
        return trustedCore.stream().anyMatch(block -> block.contains(source));
    }
}
