package org.cpmft.pf.call;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import org.cpmft.msrp.relay.RelaySessionPair;
import org.cpmft.pf.cpm.sdp.SdpSession;
import org.cpmft.pf.media.MediaAnchoring;

/** An anchor with no relay behind it that counts its releases (pure call logic only). */
final class CountingAnchor implements MediaAnchoring.Anchor {

    private final AtomicInteger released;

    CountingAnchor(AtomicInteger released) {
        this.released = released;
    }

    @Override
    public SdpSession forwardedOffer() {
        throw new UnsupportedOperationException();
    }

    @Override
    public SdpSession anchorAnswer(SdpSession answer) {
        throw new UnsupportedOperationException();
    }

    @Override
    public MediaAnchoring.Reoffer reoffer(SdpSession offer, MediaAnchoring.Side from) {
        throw new UnsupportedOperationException();
    }

    @Override
    public boolean reofferPending() {
        return false;
    }

    @Override
    public Optional<RelaySessionPair> pair(int mediaIndex) {
        return Optional.empty();
    }

    @Override
    public void release() {
        released.incrementAndGet();
    }
}
