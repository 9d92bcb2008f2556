package org.cpmft.pf.media;

import java.util.List;
import java.util.Optional;

import org.cpmft.msrp.relay.RelaySessionPair;
import org.cpmft.pf.cpm.sdp.SdpSession;
import org.cpmft.pf.cpm.sdp.StreamChanges;

/**
 * Puts the PF's MSRP relay into the media path of a transfer: every {@code a=path} of the offer
 * and of the answer is replaced by a relay address, so both ends talk MSRP to the PF. One relay
 * session pair per open MSRP m-line, allocated and released per m-line as re-offers change them.
 */
public interface MediaAnchoring {

    /** The two sides of the B2BUA. */
    enum Side {
        /** The side the initial INVITE came from. */
        UPSTREAM,
        /** The side the initial INVITE was forwarded to. */
        DOWNSTREAM;

        public Side other() {
            return this == UPSTREAM ? DOWNSTREAM : UPSTREAM;
        }
    }

    /**
     * Allocates one relay session pair per listed MSRP stream of the (upstream) offer.
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
         * (port 0) are released. The offer and this answer become the agreed session.
         *
         * @throws IllegalArgumentException when the answer does not fit the offer
         */
        SdpSession anchorAnswer(SdpSession answer);

        /**
         * A new offer from one side inside the established session (re-INVITE, RFC 3264 section 8),
         * compared m-line by m-line with the agreed session ({@link StreamChanges}): a kept stream
         * keeps its pair and relay {@code a=path}, each new transfer gets a new pair. The streams in
         * use change only when {@link Reoffer#anchorAnswer} takes a 2xx answer;
         * {@link Reoffer#abandon} (the re-INVITE failed) frees the new pairs and keeps the session.
         *
         * @throws IllegalArgumentException when the offer does not fit the session or a new stream has no usable a=path
         * @throws IllegalStateException    before the first answer, or while another re-offer awaits its answer
         */
        Reoffer reoffer(SdpSession offer, Side from);

        /** Whether a re-offer awaits its answer (another one would be refused, RFC 3261 section 14.2). */
        boolean reofferPending();

        /** The relay session pair of an anchored stream (the deferral adapter drives it directly). */
        Optional<RelaySessionPair> pair(int mediaIndex);

        /** Frees every relay session, a pending re-offer's too; idempotent. */
        void release();
    }

    /** A re-offer forwarded and awaiting its final response. */
    interface Reoffer {
        /** What the re-offer does to each m-line. */
        StreamChanges changes();

        /** The re-offer with each open MSRP m-line pointing at the relay leg facing the other side. */
        SdpSession forwardedOffer();

        /**
         * The 2xx answer: releases the pairs of replaced and closed streams (and of streams the answer
         * refuses), binds the answerer's paths of the new transfers and returns the answer for the
         * offering side with the relay's paths. The re-offer and this answer become the agreed session.
         *
         * @throws IllegalArgumentException when the answer does not fit the re-offer (nothing changed then)
         * @throws IllegalStateException    when the re-offer is no longer pending (abandoned, or the session released)
         */
        SdpSession anchorAnswer(SdpSession answer);

        /** The re-INVITE failed (non-2xx) or was refused: frees the new pairs, the session stays as it was. Idempotent. */
        void abandon();
    }
}
