package org.cpmft.msrp.relay;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The two legs the relay joins for one MSRP media stream.
 *
 * <p>Deferral (OMA CPM 8.2.3.1 / 8.3.3.1): {@link #standIn} makes the relay the recipient of the
 * offerer's file from the start; {@link #onAnswererLoss} keeps what the recipient has not confirmed so
 * that the relay can take the rest of the file over if the recipient goes away. Both hand the file to a
 * {@link DeferralSink}. See docs/msrp-relay.md, "Standing in for the recipient".
 */
public final class RelaySessionPair implements AutoCloseable {
    private final RelayLeg offerer;
    private final RelayLeg answerer;
    private final Runnable onClose;
    private final RelayMetrics metrics;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final CompletableFuture<Long> answererLost = new CompletableFuture<>();

    RelaySessionPair(RelayLeg offerer, RelayLeg answerer, Runnable onClose, RelayMetrics metrics) {
        this.offerer = offerer;
        this.answerer = answerer;
        this.onClose = onClose;
        this.metrics = metrics;
        offerer.peer(answerer);
        answerer.peer(offerer);
    }

    public RelayLeg offererLeg() {
        return offerer;
    }

    public RelayLeg answererLeg() {
        return answerer;
    }

    public boolean isClosed() {
        return closed.get();
    }

    /**
     * The relay answers the offerer's SENDs itself and writes the file into {@code sink}; the answerer leg is
     * never connected (the PF answered the sender's INVITE itself). Call before the offerer can send, i.e.
     * before the SIP answer goes out.
     *
     * <p>Also usable when binding the answerer leg failed (recipient unreachable): the answerer leg is then
     * closed.
     *
     * @throws IllegalStateException if the answerer leg is connected or a sink was already set
     */
    public void standIn(DeferralSink sink) {
        RelayConnection c = answerer.connection();
        if (c != null && c.isOpen() && !answerer.closed()) {
            throw new IllegalStateException("answerer leg connected: use onAnswererLoss and switchToStandIn");
        }
        offerer.standIn(new StandInSession(offerer, answerer, sink, false, StandInSession.DEFAULT_WINDOW,
                answererLost, metrics));
        if (answerer.remotePath() != null) {
            answerer.close();
        }
    }

    /** {@link #onAnswererLoss(DeferralSink, int)} keeping at most 1 MiB unconfirmed per session. */
    public CompletableFuture<Long> onAnswererLoss(DeferralSink sink) {
        return onAnswererLoss(sink, StandInSession.DEFAULT_WINDOW);
    }

    /**
     * Relays as usual but keeps the octets the recipient has not confirmed, so that the relay continues as the
     * recipient (into {@code sink}) when the answerer's connection drops, or it answers a chunk 481 or not at
     * all (408), or {@link #switchToStandIn} is called. The relay then sends the answerer's chunks as its own
     * chunks of at most {@code unconfirmedWindow / 4} octets and stops reading from the sender while
     * {@code unconfirmedWindow} octets await the recipient's 200. Call before the offerer can send.
     *
     * @return {@link #answererLost()}
     */
    public CompletableFuture<Long> onAnswererLoss(DeferralSink sink, int unconfirmedWindow) {
        offerer.standIn(new StandInSession(offerer, answerer, sink, true, unconfirmedWindow, answererLost,
                metrics));
        return answererLost;
    }

    /**
     * Completes when the relay switched over to standing in after {@link #onAnswererLoss}, with the number of
     * octets (from the start of the file) the recipient had confirmed contiguously: the file-range a later
     * delivery resumes after (RFC 5547 section 9). Completed on a relay I/O thread or the thread calling
     * {@link #switchToStandIn}: dependents must not block. Never completes otherwise.
     */
    public CompletableFuture<Long> answererLost() {
        return answererLost;
    }

    /**
     * Stops relaying to the answerer and stands in from the first octet it did not confirm (the SIP side learnt
     * that the recipient left, e.g. BYE mid-transfer). Needs {@link #onAnswererLoss} first.
     *
     * @return true if the relay switched over now, false if it already stands in or the recipient refused
     */
    public boolean switchToStandIn() {
        StandInSession s = offerer.standIn();
        if (s == null) {
            throw new IllegalStateException("no deferral sink: call onAnswererLoss first");
        }
        return s.requestSwitchOver();
    }

    /**
     * The recipient declined the file (its SIP BYE, CPM 7.4.3): a loss of its connection from now on is not
     * taken over, and if the relay already stands in because the connection dropped before the BYE came, the
     * sink is told ({@link DeferralSink#onRecipientDeclined}) and the sender's chunks are refused (413).
     * Without {@link #onAnswererLoss} first it does nothing.
     *
     * @return true if the relay was standing in after the recipient's loss (the sink was told)
     */
    public boolean recipientDeclined() {
        StandInSession s = offerer.standIn();
        return s != null && s.recipientDeclined();
    }

    /**
     * The sender left (BYE or CANCEL) before the end of its file: the sink the relay was writing it into, if
     * any, is told ({@link DeferralSink#onOffererLeft}) so that it keeps what it has for a resume. Also after
     * {@link #close}.
     *
     * @return true if the relay was writing the file into a sink and the file was not complete
     */
    public boolean offererLeft() {
        StandInSession s = offerer.standIn();
        return s != null && s.offererLeft();
    }

    /** True while the relay answers the offerer itself (from the start or after a switch-over). */
    public boolean standingIn() {
        StandInSession s = offerer.standIn();
        return s != null && s.standingIn();
    }

    /** Ends both sessions (BYE, failure); frames for them are answered 481 afterwards. Idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            onClose.run();
            offerer.close();
            answerer.close();
        }
    }
}
