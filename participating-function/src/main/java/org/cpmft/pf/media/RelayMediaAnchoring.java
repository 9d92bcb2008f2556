package org.cpmft.pf.media;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.cpmft.msrp.message.MsrpUri;
import org.cpmft.msrp.relay.MsrpRelay;
import org.cpmft.msrp.relay.RelayLeg;
import org.cpmft.msrp.relay.RelaySessionPair;
import org.cpmft.pf.cpm.sdp.MediaDescription;
import org.cpmft.pf.cpm.sdp.SdpSession;
import org.cpmft.pf.cpm.sdp.StreamChanges;
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
        Map<Integer, Stream> allocated = new LinkedHashMap<>();
        try {
            SdpSession forwarded = offer;
            for (int index : streams) {
                Stream s = allocate(offer, index, Side.UPSTREAM);
                allocated.put(index, s);
                forwarded = pointAt(forwarded, index, s.facing(Side.DOWNSTREAM));
            }
            return new RelayAnchor(offer, forwarded, allocated);
        } catch (RuntimeException e) {
            allocated.values().forEach(Stream::release);
            throw e;
        }
    }

    /** A relay pair for m-line {@code index} of an offer from {@code offeredBy}, bound to the offerer's path. */
    private Stream allocate(SdpSession offer, int index, Side offeredBy) {
        List<MsrpUri> offererPath = pathOf(offer.media(index), index);
        RelaySessionPair pair = relayFor(offer.media(index)).allocatePair();
        try {
            pair.offererLeg().bindRemotePath(offererPath);
        } catch (RuntimeException e) {
            pair.close();
            throw e;
        }
        return new Stream(pair, offeredBy);
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

    /** A closed m-line keeps port 0; its a=path, if any, names the relay leg rather than the far end. */
    private static SdpSession closedAt(SdpSession sdp, int index, RelayLeg leg) {
        MediaDescription m = sdp.media(index);
        return m.isMsrp() && m.hasAttribute("path") ? sdp.withPath(index, List.of(leg.localPath().format())) : sdp;
    }

    private static void bindAnswerer(Stream s, List<MsrpUri> answererPath) {
        s.pair().answererLeg().bindRemotePath(answererPath).whenComplete((ok, error) -> {
            if (error != null) {
                LOG.warn("MSRP connection to {} failed: {}", answererPath.get(0), error.toString());
            }
        });
    }

    /** The relay pair of one m-line; its offerer leg faces the side that offered the stream. */
    private record Stream(RelaySessionPair pair, Side offeredBy) {
        RelayLeg facing(Side side) {
            return side == offeredBy ? pair.offererLeg() : pair.answererLeg();
        }

        void release() {
            pair.close();
        }
    }

    private final class RelayAnchor implements Anchor {
        private final SdpSession forwardedOffer;
        /** Open streams by m-line index. Guarded by this, as are the fields below. */
        private final Map<Integer, Stream> streams;
        private SdpSession agreedOffer;
        private SdpSession agreedAnswer;
        private RelayReoffer pending;
        private boolean released;

        RelayAnchor(SdpSession offer, SdpSession forwardedOffer, Map<Integer, Stream> streams) {
            this.agreedOffer = offer;
            this.forwardedOffer = forwardedOffer;
            this.streams = new HashMap<>(streams);
        }

        @Override
        public SdpSession forwardedOffer() {
            return forwardedOffer;
        }

        @Override
        public synchronized SdpSession anchorAnswer(SdpSession answer) {
            if (answer.media().size() < agreedOffer.media().size()) {
                throw new IllegalArgumentException("the answer has fewer m-lines than the offer (RFC 3264 section 6)");
            }
            Map<Integer, List<MsrpUri>> paths = answererPaths(streams.keySet(), answer);
            SdpSession returned = answer;
            for (int index : new ArrayList<>(streams.keySet())) {
                Stream s = streams.get(index);
                if (answer.media(index).isClosed()) {
                    streams.remove(index).release();
                    continue;
                }
                bindAnswerer(s, paths.get(index));
                returned = pointAt(returned, index, s.facing(Side.UPSTREAM));
            }
            agreedAnswer = answer;
            return returned;
        }

        /** The answerer's path of each accepted stream, read before anything is bound (all or nothing). */
        private Map<Integer, List<MsrpUri>> answererPaths(Iterable<Integer> indexes, SdpSession answer) {
            Map<Integer, List<MsrpUri>> out = new HashMap<>();
            for (int index : indexes) {
                if (!answer.media(index).isClosed()) {
                    out.put(index, pathOf(answer.media(index), index));
                }
            }
            return out;
        }

        @Override
        public synchronized Reoffer reoffer(SdpSession offer, Side from) {
            if (agreedAnswer == null || released) {
                throw new IllegalStateException("no established session to re-offer in");
            }
            if (pending != null) {
                throw new IllegalStateException("a re-offer is still awaiting its answer (RFC 3261 section 14.2)");
            }
            StreamChanges changes = StreamChanges.between(agreedOffer, agreedAnswer, offer);
            if (changes.problem().isPresent()) {
                throw new IllegalArgumentException(changes.problem().get().message());
            }
            Map<Integer, Stream> fresh = new HashMap<>();
            SdpSession forwarded = offer;
            try {
                for (StreamChanges.StreamChange c : changes.all()) {
                    int index = c.mediaIndex();
                    Stream current = streams.get(index);
                    switch (c.change()) {
                        case KEEP -> forwarded = pointAt(forwarded, index, current.facing(from.other()));
                        case REPLACE, OPEN -> {
                            Stream s = allocate(offer, index, from);
                            fresh.put(index, s);
                            forwarded = pointAt(forwarded, index, s.facing(from.other()));
                        }
                        case CLOSE -> forwarded = current == null ? forwarded
                                : closedAt(forwarded, index, current.facing(from.other()));
                        case NONE -> {
                            // not an open MSRP stream, before or now
                        }
                    }
                }
            } catch (RuntimeException e) {
                fresh.values().forEach(Stream::release);
                throw e;
            }
            pending = new RelayReoffer(offer, forwarded, from, changes, fresh);
            return pending;
        }

        @Override
        public synchronized boolean reofferPending() {
            return pending != null;
        }

        @Override
        public synchronized Optional<RelaySessionPair> pair(int mediaIndex) {
            return Optional.ofNullable(streams.get(mediaIndex)).map(Stream::pair);
        }

        @Override
        public synchronized void release() {
            released = true;
            streams.values().forEach(Stream::release);
            streams.clear();
            if (pending != null) {
                pending.fresh.values().forEach(Stream::release);
                pending = null;
            }
        }

        private final class RelayReoffer implements Reoffer {
            private final SdpSession offer;
            private final SdpSession forwardedOffer;
            private final Side from;
            private final StreamChanges changes;
            private final Map<Integer, Stream> fresh;

            RelayReoffer(SdpSession offer, SdpSession forwardedOffer, Side from, StreamChanges changes,
                         Map<Integer, Stream> fresh) {
                this.offer = offer;
                this.forwardedOffer = forwardedOffer;
                this.from = from;
                this.changes = changes;
                this.fresh = fresh;
            }

            @Override
            public StreamChanges changes() {
                return changes;
            }

            @Override
            public SdpSession forwardedOffer() {
                return forwardedOffer;
            }

            @Override
            public SdpSession anchorAnswer(SdpSession answer) {
                synchronized (RelayAnchor.this) {
                    if (pending != this) {
                        throw new IllegalStateException("re-offer no longer pending");
                    }
                    if (answer.media().size() < offer.media().size()) {
                        throw new IllegalArgumentException(
                                "the answer has fewer m-lines than the offer (RFC 3264 section 6)");
                    }
                    Map<Integer, List<MsrpUri>> paths = answererPaths(fresh.keySet(), answer);
                    SdpSession returned = answer;
                    for (StreamChanges.StreamChange c : changes.all()) {
                        int index = c.mediaIndex();
                        boolean refused = answer.media(index).isClosed();
                        switch (c.change()) {
                            case KEEP -> {
                                Stream s = streams.get(index);
                                if (refused) {
                                    streams.remove(index).release();
                                    returned = closedAt(returned, index, s.facing(from));
                                } else {
                                    returned = pointAt(returned, index, s.facing(from));
                                }
                            }
                            case REPLACE, OPEN -> {
                                Stream s = fresh.get(index);
                                Stream old = streams.remove(index);
                                if (old != null) {
                                    old.release();
                                }
                                if (refused) {
                                    s.release();
                                    returned = closedAt(returned, index, s.facing(from));
                                } else {
                                    bindAnswerer(s, paths.get(index));
                                    streams.put(index, s);
                                    returned = pointAt(returned, index, s.facing(from));
                                }
                            }
                            case CLOSE -> {
                                Stream old = streams.remove(index);
                                if (old != null) {
                                    old.release();
                                    returned = closedAt(returned, index, old.facing(from));
                                }
                            }
                            case NONE -> {
                                // nothing anchored
                            }
                        }
                    }
                    agreedOffer = offer;
                    agreedAnswer = answer;
                    pending = null;
                    return returned;
                }
            }

            @Override
            public void abandon() {
                synchronized (RelayAnchor.this) {
                    if (pending == this) {
                        fresh.values().forEach(Stream::release);
                        pending = null;
                    }
                }
            }
        }
    }
}
