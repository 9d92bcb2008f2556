package org.cpmft.pf.media;

import java.util.List;

import org.cpmft.pf.cpm.sdp.SdpSession;

/**
 * Puts the PF's MSRP relay into the media path of a transfer: every {@code a=path} of the offer
 * and of the answer is replaced by a relay address, so both ends talk MSRP to the PF.
 */
public interface MediaAnchoring {

    /**
     * Allocates one relay session pair per listed MSRP stream of the offer.
     *
     * @throws IllegalArgumentException when a listed stream has no usable {@code a=path}
     */
    Anchor anchorOffer(SdpSession offer, List<Integer> streams);

    interface Anchor {
        /** The offer with each anchored {@code a=path} pointing at the relay leg facing the answerer. */
        SdpSession forwardedOffer();

        /**
         * Binds the answerer's paths and returns the answer to send back to the offerer, its
         * {@code a=path} pointing at the relay leg facing the offerer. Streams the answer refuses
         * (port 0) are released.
         *
         * @throws IllegalArgumentException when the answer does not fit the offer
         */
        SdpSession anchorAnswer(SdpSession answer);

        /** The relay session pair of an anchored stream (the deferral adapter drives it directly). */
        java.util.Optional<org.cpmft.msrp.relay.RelaySessionPair> pair(int mediaIndex);

        /** Frees the relay sessions; idempotent. */
        void release();
    }
}
