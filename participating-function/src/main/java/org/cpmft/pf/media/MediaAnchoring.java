package org.cpmft.pf.media;

/**
 * Puts the PF's MSRP relay into the media path of a transfer: every {@code a=path} of the offer
 * and of the answer is replaced by a relay address, so both ends talk MSRP to the PF.
 */
public interface MediaAnchoring {

    /** Allocates relay sessions for the offer's MSRP streams; returns the offer to forward. */
    Anchor anchorOffer(String sdpOffer);

    interface Anchor {
        /** The offer with each {@code a=path} pointing at the relay leg facing the answerer. */
        String forwardedOffer();

        /**
         * Binds the answerer's paths and returns the answer to send back to the offerer, its
         * {@code a=path} pointing at the relay leg facing the offerer.
         */
        String anchorAnswer(String sdpAnswer);

        /** Frees the relay sessions; idempotent. */
        void release();
    }
}
