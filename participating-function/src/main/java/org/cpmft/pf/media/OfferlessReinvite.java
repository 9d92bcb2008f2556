package org.cpmft.pf.media;

import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

import org.cpmft.pf.cpm.body.InviteBody;
import org.cpmft.pf.cpm.policy.FtDecision;
import org.cpmft.pf.cpm.policy.InviteAnalyzer;
import org.cpmft.pf.cpm.policy.InviteDescription;
import org.cpmft.pf.cpm.sdp.FileTransferAnswerBuilder;
import org.cpmft.pf.cpm.sdp.OfferAnswer;
import org.cpmft.pf.cpm.sdp.SdpSession;
import org.cpmft.pf.cpm.sdp.SdpValidation;

/**
 * A re-INVITE without SDP in an anchored session. A UAC may re-INVITE without an offer (RFC 3261
 * section 14.1); the 2xx then carries the offer (13.3.1.4) and the ACK the answer (13.2.1). Both
 * cross the PF like the offer and answer of a re-INVITE with SDP: the 2xx's offer is a re-offer from
 * the side that answered the re-INVITE ({@link MediaAnchoring.Anchor#reoffer}, the same per-m-line
 * rules and the same {@link InviteAnalyzer#analyzeInDialog} checks), and the ACK's answer commits it.
 *
 * <p>Neither a 2xx nor an ACK can be refused. When the offer or the answer cannot be used, the PF
 * does what RFC 3261 13.2.2.4 asks of a UAC that cannot accept the offer of a 2xx: a valid answer
 * in the ACK, here one refusing every stream (port 0, RFC 3264 section 6), then BYE ({@link End}).
 * A 2xx without any SDP breaks 13.3.1.4 but offers nothing to anchor: it and the ACK pass without
 * SDP and the session stays as it was.
 */
public final class OfferlessReinvite {

    /** What the SIP side does with the 2xx or the ACK. */
    public sealed interface Outcome permits Relay, End {
    }

    /**
     * Relay the message with this body (none when empty).
     *
     * @param newTransfers the new files the answer accepted (ACK only)
     */
    public record Relay(Optional<InviteBody> body, int newTransfers) implements Outcome {
    }

    /**
     * The session cannot go on: ACK the side that offered with {@code ackAnswer} (absent when its
     * offer could not even be read), then end both legs with BYE. The re-offer's new pairs are freed.
     */
    public record End(String reason, Optional<InviteBody> ackAnswer) implements Outcome {
    }

    private enum State { AWAITING_OFFER, AWAITING_ANSWER, NO_OFFER, DONE }

    private final MediaAnchoring.Anchor anchor;
    private final MediaAnchoring.Side offerer;
    private final InviteAnalyzer analyzer;
    private final String host;
    private State state = State.AWAITING_OFFER;
    private SdpSession offer;
    private MediaAnchoring.Reoffer reoffer;

    private OfferlessReinvite(MediaAnchoring.Anchor anchor, MediaAnchoring.Side offerer, InviteAnalyzer analyzer,
                              String host) {
        this.anchor = anchor;
        this.offerer = offerer;
        this.analyzer = analyzer;
        this.host = host;
    }

    /**
     * @param to   the side the re-INVITE is forwarded to: it makes the offer, in its 2xx
     * @param host the address of the answer the PF makes up when it must refuse every stream
     * @throws IllegalStateException while another re-offer of the session awaits its answer (RFC 3261 14.2: 491)
     */
    public static OfferlessReinvite start(MediaAnchoring.Anchor anchor, MediaAnchoring.Side to,
                                          InviteAnalyzer analyzer, String host) {
        if (anchor.reofferPending()) {
            throw new IllegalStateException("a re-offer is still awaiting its answer (RFC 3261 section 14.2)");
        }
        return new OfferlessReinvite(anchor, to, analyzer, host);
    }

    /** The 2xx to the re-INVITE: its SDP is a re-offer from the side that sent it. */
    public synchronized Outcome offer(InviteDescription response) {
        if (state != State.AWAITING_OFFER) {
            throw new IllegalStateException("the offer of this re-INVITE was already taken");
        }
        FtDecision decision = analyzer.analyzeInDialog(response);
        if (decision instanceof FtDecision.Reject r) {
            state = State.DONE;
            return new End(r.warning().map(w -> w.text()).orElse(r.logReason()), refusal(readable(response)));
        }
        FtDecision.Forward forward = (FtDecision.Forward) decision;
        if (forward.sdp().isEmpty()) {
            state = State.NO_OFFER;
            return new Relay(forward.body().isEmpty() ? Optional.empty() : Optional.of(forward.body()), 0);
        }
        offer = forward.sdp().get();
        try {
            reoffer = anchor.reoffer(offer, offerer);
        } catch (IllegalArgumentException | IllegalStateException e) {
            state = State.DONE;
            return new End(e.getMessage(), refusal(Optional.of(offer)));
        }
        state = State.AWAITING_ANSWER;
        return new Relay(Optional.of(forward.body().withSdp(reoffer.forwardedOffer().format())), 0);
    }

    /**
     * The ACK of the side that sent the re-INVITE: its SDP answers the offer of the 2xx. Without an
     * offer there is nothing to answer and the ACK goes without a body (a body could only name that
     * side's own MSRP path).
     *
     * @param contentType the ACK's Content-Type, or null; {@code body} null or empty when it has none
     */
    public synchronized Outcome answer(String contentType, byte[] body) {
        if (state != State.AWAITING_ANSWER) {
            state = State.DONE;
            return new Relay(Optional.empty(), 0);
        }
        try {
            Optional<String> sdp = InviteBody.parse(contentType, body).sdp();
            if (sdp.isEmpty()) {
                return fail("no SDP answer in the ACK to an offer in a 2xx (RFC 3261 section 13.2.1)");
            }
            SdpSession answer = SdpSession.parse(sdp.get());
            SdpValidation v = OfferAnswer.validateFileTransferAnswer(reoffer.forwardedOffer(), answer);
            if (!v.blocking().isEmpty()) {
                return fail(v.blocking().get(0).message());
            }
            SdpSession anchored = reoffer.anchorAnswer(answer);
            state = State.DONE;
            return new Relay(Optional.of(InviteBody.ofSdp(anchored.format())),
                    reoffer.changes().newTransfersAccepted(answer).size());
        } catch (IllegalArgumentException | IllegalStateException e) { // body, SDP, anchoring, session released
            return fail(e.getMessage());
        }
    }

    /** Whether the 2xx's offer was relayed and the ACK's answer is awaited. */
    public synchronized boolean awaitsAnswer() {
        return state == State.AWAITING_ANSWER;
    }

    /** The re-INVITE failed or the session ended: frees the re-offer's new pairs. Idempotent. */
    public synchronized void abandon() {
        if (reoffer != null) {
            reoffer.abandon();
        }
        state = State.DONE;
    }

    private End fail(String reason) {
        reoffer.abandon();
        state = State.DONE;
        return new End(reason, refusal(Optional.of(offer)));
    }

    private Optional<InviteBody> refusal(Optional<SdpSession> refused) {
        return refused.map(o -> InviteBody.ofSdp(FileTransferAnswerBuilder.refuseAll(o, host,
                ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE)).format()));
    }

    /** The SDP of a response the analyzer refused, when it can be read at all (it gets the refusing answer). */
    private static Optional<SdpSession> readable(InviteDescription response) {
        try {
            return InviteBody.parse(response.contentType(), response.body()).sdp().map(SdpSession::parse);
        } catch (IllegalArgumentException unreadable) {
            return Optional.empty();
        }
    }
}
