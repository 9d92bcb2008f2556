package org.cpmft.pf.media;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.cpmft.msrp.message.MsrpUri;
import org.cpmft.msrp.relay.MsrpRelay;
import org.cpmft.msrp.relay.RelayLeg;
import org.cpmft.msrp.relay.RelaySessionPair;
import org.cpmft.pf.cpm.sdp.MediaDescription;
import org.cpmft.pf.cpm.sdp.SdpSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@link MediaAnchoring} on the PF's own Netty MSRP relay: one relay session pair per MSRP stream. */
public final class RelayMediaAnchoring implements MediaAnchoring {

    private static final Logger LOG = LoggerFactory.getLogger(RelayMediaAnchoring.class);

    private final MsrpRelay relay;
    private final MsrpRelay tlsRelay;

    /** @param tlsRelay the MSRPS listener for TCP/TLS/MSRP streams, or null when MSRPS is off */
    public RelayMediaAnchoring(MsrpRelay relay, MsrpRelay tlsRelay) {
        this.relay = relay;
        this.tlsRelay = tlsRelay;
    }

    @Override
    public Anchor anchorOffer(SdpSession offer, List<Integer> streams) {
        if (streams.isEmpty()) {
            throw new IllegalArgumentException("no MSRP media stream in the offer");
        }
        Map<Integer, RelaySessionPair> pairs = new LinkedHashMap<>();
        try {
            SdpSession forwarded = offer;
            for (int index : streams) {
                List<MsrpUri> offererPath = pathOf(offer.media(index), index);
                RelaySessionPair pair = relayFor(offer.media(index)).allocatePair();
                pairs.put(index, pair);
                pair.offererLeg().bindRemotePath(offererPath);
                forwarded = pointAt(forwarded, index, pair.answererLeg());
            }
            return new RelayAnchor(forwarded, pairs);
        } catch (RuntimeException e) {
            pairs.values().forEach(RelaySessionPair::close);
            throw e;
        }
    }

    private MsrpRelay relayFor(MediaDescription m) {
        if (!m.mediaLine().isSecureMsrp()) {
            return relay;
        }
        if (tlsRelay == null) {
            throw new IllegalArgumentException("TCP/TLS/MSRP offered but MSRPS is not enabled on this PF");
        }
        return tlsRelay;
    }

    private static List<MsrpUri> pathOf(MediaDescription m, int index) {
        List<String> values = m.attributeValues("path");
        if (values.isEmpty()) {
            throw new IllegalArgumentException("m-line " + (index + 1) + " has no a=path (RFC 4975 section 8.2)");
        }
        try {
            return MsrpUri.parsePath(values.get(0));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("m-line " + (index + 1) + ": bad a=path: " + e.getMessage(), e);
        }
    }

    private static SdpSession pointAt(SdpSession sdp, int index, RelayLeg leg) {
        MsrpUri local = leg.localPath();
        return sdp.withMsrpEndpoint(index, local.host(), local.port(), List.of(local.format()));
    }

    private static final class RelayAnchor implements Anchor {
        private final SdpSession forwardedOffer;
        private final Map<Integer, RelaySessionPair> pairs;

        RelayAnchor(SdpSession forwardedOffer, Map<Integer, RelaySessionPair> pairs) {
            this.forwardedOffer = forwardedOffer;
            this.pairs = pairs;
        }

        @Override
        public SdpSession forwardedOffer() {
            return forwardedOffer;
        }

        @Override
        public SdpSession anchorAnswer(SdpSession answer) {
            SdpSession returned = answer;
            List<RelaySessionPair> refused = new ArrayList<>();
            for (Map.Entry<Integer, RelaySessionPair> e : pairs.entrySet()) {
                int index = e.getKey();
                RelaySessionPair pair = e.getValue();
                if (index >= answer.media().size()) {
                    throw new IllegalArgumentException("the answer has fewer m-lines than the offer (RFC 3264 section 6)");
                }
                MediaDescription m = answer.media(index);
                if (m.isClosed()) {
                    refused.add(pair);
                    continue;
                }
                List<MsrpUri> answererPath = pathOf(m, index);
                pair.answererLeg().bindRemotePath(answererPath).whenComplete((ok, error) -> {
                    if (error != null) {
                        LOG.warn("MSRP connection to {} failed: {}", answererPath.get(0), error.toString());
                    }
                });
                returned = pointAt(returned, index, pair.offererLeg());
            }
            refused.forEach(RelaySessionPair::close);
            return returned;
        }

        @Override
        public java.util.Optional<RelaySessionPair> pair(int mediaIndex) {
            return java.util.Optional.ofNullable(pairs.get(mediaIndex));
        }

        @Override
        public void release() {
            pairs.values().forEach(RelaySessionPair::close);
        }
    }
}
