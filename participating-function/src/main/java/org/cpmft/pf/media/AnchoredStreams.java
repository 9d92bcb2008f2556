package org.cpmft.pf.media;

import java.util.Optional;
import java.util.Set;

import org.cpmft.msrp.relay.RelaySessionPair;
import org.cpmft.pf.cpm.sdp.SdpSession;

/**
 * Some streams of an anchor: what {@link TransferDeferral#guard} is given for the files a re-INVITE
 * added, so that the files already guarded keep their guard (a second one would replace it and
 * lose what the first kept unconfirmed). Offers nothing but {@link #pair}.
 */
public final class AnchoredStreams implements MediaAnchoring.Anchor {

    private final MediaAnchoring.Anchor anchor;
    private final Set<Integer> streams;

    public AnchoredStreams(MediaAnchoring.Anchor anchor, Set<Integer> streams) {
        this.anchor = anchor;
        this.streams = Set.copyOf(streams);
    }

    @Override
    public Optional<RelaySessionPair> pair(int mediaIndex) {
        return streams.contains(mediaIndex) ? anchor.pair(mediaIndex) : Optional.empty();
    }

    @Override
    public SdpSession forwardedOffer() {
        throw new UnsupportedOperationException("a view of some streams");
    }

    @Override
    public SdpSession anchorAnswer(SdpSession answer) {
        throw new UnsupportedOperationException("a view of some streams");
    }

    @Override
    public MediaAnchoring.Reoffer reoffer(SdpSession offer, MediaAnchoring.Side from) {
        throw new UnsupportedOperationException("a view of some streams");
    }

    @Override
    public boolean reofferPending() {
        return anchor.reofferPending();
    }

    @Override
    public void release() {
        // the anchor's owner releases it
    }
}
