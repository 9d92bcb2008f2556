package org.cpmft.msrp.relay;

import io.netty.buffer.ByteBuf;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import org.cpmft.msrp.message.ByteRange;
import org.cpmft.msrp.message.ContinuationFlag;
import org.cpmft.msrp.message.FailureReport;
import org.cpmft.msrp.message.LastMsrpContent;
import org.cpmft.msrp.message.MsrpContent;
import org.cpmft.msrp.message.MsrpHeaderNames;
import org.cpmft.msrp.message.MsrpHeaders;
import org.cpmft.msrp.message.MsrpRequestHead;
import org.cpmft.msrp.message.MsrpResponseHead;
import org.cpmft.msrp.message.MsrpStatus;
import org.cpmft.msrp.message.MsrpStatusHeader;
import org.cpmft.msrp.message.MsrpUri;
import org.cpmft.msrp.message.TransactionIds;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SEND traffic of a session pair whose file the relay may have to accept itself (deferral).
 *
 * <p>Guarding: the relay forwards the sender's chunks to the recipient as its own chunks of at most a
 * quarter of the window (RFC 4975 section 5.1 lets the sender of each hop choose the chunking; the relay
 * is the sender on the answerer leg), asks for a response to each (Failure-Report yes, section 7.1.2), and
 * keeps the octets until the recipient answers 200. The sender's chunk is answered when every relay chunk
 * cut from it was confirmed. At most {@code window} unconfirmed octets are kept: beyond, the sender is not
 * read until confirmations come.
 *
 * <p>Standing in: from the start ({@link RelaySessionPair#standIn}) or after a switch-over, the relay is the
 * recipient: octets go to the {@link DeferralSink}, chunks are answered 200 once the sink says they are
 * durable, and a success REPORT is sent for a complete message when asked (section 7.1.2). At a switch-over
 * the kept octets from the first one the recipient did not confirm are handed to the sink, and the chunks
 * not answered yet are answered once that is durable: the sender sees a normal transfer.
 *
 * <p>All state is guarded by this object's lock. Callbacks from other threads (responses of the recipient,
 * completion of sink stages) are always re-dispatched to an event loop, never run inline, so no call into
 * this class re-enters it.
 */
final class StandInSession {
    private static final Logger LOG = LoggerFactory.getLogger(StandInSession.class);
    static final int DEFAULT_WINDOW = 1024 * 1024;
    static final int MIN_WINDOW = 4 * 1024;

    private enum State { GUARDING, STANDING_IN, CLOSED }

    private final RelayLeg offerer;
    private final RelayLeg answerer;
    private final DeferralSink sink;
    private final RelayMetrics metrics;
    private final int window;
    private final int relayChunkSize;
    private final CompletableFuture<Long> answererLost;
    private final Object waitingForConfirmations = new Object();
    private final Object waitingForSink = new Object();

    private volatile State state;
    /** Whether the session began guarding (onAnswererLoss): standing in then means a switch-over. */
    private final boolean guarded;
    private StandInStart.Cause cause = StandInStart.Cause.REQUESTED;
    /** The recipient refused the message (error response, failure REPORT, SIP BYE): never a switch-over. */
    private boolean recipientRefused;
    private boolean recipientDeclined;
    private boolean offererLeft;
    private Throwable sinkFailure;

    // The message: one file per media stream (RFC 5547 a=file-selector).
    private String messageId;
    private String contentType;
    private long total = ByteRange.UNKNOWN;
    private boolean messageSeen;

    // Chunks from the sender not answered yet, in arrival order.
    private final ArrayDeque<IncomingChunk> unanswered = new ArrayDeque<>();

    // Guarding.
    private final ArrayDeque<RelayChunk> unconfirmed = new ArrayDeque<>();
    private long kept;
    private long confirmedEnd;
    private RelayChunk open;
    private RelayConnection pausedForConfirmations;

    // Standing in.
    private boolean sinkStarted;
    private long confirmedAtSwitch;
    private long sinkFrom;
    private long sinkEnd;
    private boolean completeReported;
    private int sinkStagesPending;
    private RelayConnection pausedForSink;

    StandInSession(RelayLeg offerer, RelayLeg answerer, DeferralSink sink, boolean guard, int window,
                   CompletableFuture<Long> answererLost, RelayMetrics metrics) {
        if (window < MIN_WINDOW) {
            throw new IllegalArgumentException("window below " + MIN_WINDOW + " octets: " + window);
        }
        this.offerer = offerer;
        this.answerer = answerer;
        this.sink = sink;
        this.window = window;
        this.relayChunkSize = window / 4;
        this.answererLost = answererLost;
        this.metrics = metrics;
        this.state = guard ? State.GUARDING : State.STANDING_IN;
        this.guarded = guard;
    }

    boolean guarding() {
        return state == State.GUARDING;
    }

    boolean standingIn() {
        return state == State.STANDING_IN;
    }

    /**
     * A SEND with a body arrived from the sender on {@code origin}; its content follows through
     * {@link #onContent} with the returned chunk.
     */
    IncomingChunk onChunk(RelayConnection origin, MsrpRequestHead request) {
        IncomingChunk chunk = new IncomingChunk(origin, request);
        Long lost = null;
        synchronized (this) {
            unanswered.add(chunk);
            if (state == State.CLOSED) {
                chunk.refusal = MsrpStatus.SESSION_DOES_NOT_EXIST;
                return chunk;
            }
            if (state == State.GUARDING && answerer.remotePath() == null) {
                // Nobody to relay to yet and nothing lost: as without a sink (the SDP answer is not out yet).
                chunk.refusal = MsrpStatus.SESSION_DOES_NOT_EXIST;
                return chunk;
            }
            if (messageSeen && !messageId.equals(request.messageId())) {
                // One file per session: another message cannot be taken over (RFC 4975 section 10, 413).
                chunk.refusal = MsrpStatus.STOP_SENDING;
                return chunk;
            }
            if (!messageSeen) {
                messageSeen = true;
                messageId = request.messageId();
                contentType = request.contentType();
                confirmedEnd = chunk.start;
            }
            if (chunk.total != ByteRange.UNKNOWN) {
                total = chunk.total;
            }
            if (state == State.GUARDING) {
                RelayConnection target = answerer.connection();
                if (answerer.closed() || target == null || !target.isOpen()) {
                    lost = switchOver(StandInStart.Cause.ANSWERER_LOST);
                    if (lost == null && state == State.GUARDING) {
                        // Not taken over (the recipient refused or declined): gone, as without a sink.
                        chunk.refusal = MsrpStatus.SESSION_DOES_NOT_EXIST;
                    }
                } else {
                    chunk.target = target;
                    open = openRelayChunk(chunk);
                }
            }
            if (state == State.STANDING_IN) {
                chunk.viaSink = true;
                startSink(chunk.start);
            }
        }
        announce(lost);
        return chunk;
    }

    /** Content of {@code chunk} (from {@link #onChunk}); takes ownership of {@code piece}. */
    void onContent(IncomingChunk chunk, MsrpContent piece) {
        try {
            synchronized (this) {
                if (chunk.ended) {
                    return;
                }
                ByteBuf data = piece.content();
                if (chunk.viaSink && chunk.refusal == 0 && state != State.CLOSED) {
                    give(chunk, data, chunk.position);
                    chunk.position += data.readableBytes();
                } else if (chunk.target != null && open != null && open.chunk == chunk) {
                    // Guarded (also after the recipient refused: the sender is told and will stop).
                    forward(chunk, data);
                } else {
                    chunk.position += data.readableBytes();
                }
                if (piece instanceof LastMsrpContent last) {
                    chunkEnded(chunk, last.flag());
                }
            }
        } finally {
            piece.release();
        }
    }

    // ---- guarding ----

    private RelayChunk openRelayChunk(IncomingChunk chunk) {
        long from = chunk.position;
        long end;
        if (chunk.declaredEnd == ByteRange.UNKNOWN) {
            end = ByteRange.UNKNOWN;
        } else if (chunk.declaredEnd - from <= relayChunkSize) {
            end = chunk.declaredEnd;
        } else {
            end = from + relayChunkSize;
        }
        MsrpRequestHead head = chunk.request.withTransactionId(TransactionIds.next());
        MsrpHeaders h = head.headers();
        h.set(MsrpHeaderNames.TO_PATH, MsrpUri.formatPath(answerer.remotePath()));
        h.set(MsrpHeaderNames.FROM_PATH, answerer.localPath().format());
        h.set(MsrpHeaderNames.BYTE_RANGE, new ByteRange(from + 1, end, chunk.total).format());
        // The relay needs the recipient's 200 for every octet it may have to take over (RFC 4975 section 7.1.2).
        h.remove(MsrpHeaderNames.FAILURE_REPORT);
        RelayChunk rc = new RelayChunk(chunk, from);
        unconfirmed.add(rc);
        chunk.relayChunksPending++;
        chunk.target.submit(chunk.origin, head, new RelayChunkTransaction(rc));
        return rc;
    }

    private void forward(IncomingChunk chunk, ByteBuf data) {
        while (data.isReadable()) {
            if (open.length() >= relayChunkSize) {
                endRelayChunk(ContinuationFlag.MORE);
                open = openRelayChunk(chunk);
            }
            int n = (int) Math.min(data.readableBytes(), relayChunkSize - open.length());
            ByteBuf part = data.readRetainedSlice(n);
            open.keep(part.retainedDuplicate());
            kept += n;
            chunk.position += n;
            metrics.bytesRelayed(n);
            chunk.target.submit(chunk.origin, new MsrpContent(part), null);
        }
        if (kept >= window && pausedForConfirmations == null) {
            pausedForConfirmations = chunk.origin;
            chunk.origin.pause(waitingForConfirmations);
        }
    }

    private void endRelayChunk(ContinuationFlag flag) {
        RelayChunk rc = open;
        open = null;
        rc.chunk.target.submit(rc.chunk.origin, LastMsrpContent.empty(flag), null);
    }

    private void chunkEnded(IncomingChunk chunk, ContinuationFlag flag) {
        chunk.ended = true;
        chunk.flag = flag;
        if (open != null && open.chunk == chunk) {
            endRelayChunk(flag);
        }
        if (chunk.refusal != 0) {
            answer(chunk, chunk.refusal);
        } else if (chunk.viaSink) {
            if (flag == ContinuationFlag.COMPLETE && total == ByteRange.UNKNOWN && chunk.position == sinkEnd) {
                total = chunk.position;
            }
            syncSink(List.of(chunk), flag);
        } else {
            answerIfConfirmed(chunk);
        }
    }

    /** Response of the recipient to one relay chunk (already on an event loop, outside any call here). */
    private void relayChunkAnswered(RelayChunk rc, int status) {
        Long lost = null;
        synchronized (this) {
            if (state != State.GUARDING || rc.settled) {
                return;
            }
            if (MsrpStatus.isSuccess(status)) {
                rc.settled = true;
                rc.chunk.relayChunksPending--;
                releaseSettled();
                answerIfConfirmed(rc.chunk);
            } else if (status == MsrpStatus.SESSION_DOES_NOT_EXIST || status == MsrpStatus.REQUEST_TIMEOUT) {
                lost = switchOver(status == MsrpStatus.REQUEST_TIMEOUT
                        ? StandInStart.Cause.ANSWERER_TIMEOUT : StandInStart.Cause.ANSWERER_LOST);
                if (lost == null && state == State.GUARDING) {
                    // Not taken over (the recipient refused or declined before): the sender learns it as when
                    // relaying, instead of waiting for an answer that never comes.
                    settleRefused(rc, status);
                }
            } else {
                // The recipient refuses the message (e.g. 413, 415): that is its answer, not a loss. The sender
                // learns it at once, as when relaying, so it can stop (RFC 4975 section 7.1: it ends with '#').
                recipientRefused = true;
                settleRefused(rc, status);
            }
        }
        announce(lost);
    }

    /** A relay chunk the recipient refused or lost: the sender's chunk is refused with the first such status. */
    private void settleRefused(RelayChunk rc, int status) {
        rc.settled = true;
        rc.chunk.relayChunksPending--;
        if (rc.chunk.refusal == 0) {
            rc.chunk.refusal = status;
        }
        releaseSettled();
        answer(rc.chunk, rc.chunk.refusal);
    }

    /**
     * Counts the 200s the recipient sent that are received but not handled yet ({@link #relayChunkAnswered} is
     * dispatched to the sender's event loop, and the loss of the connection may be noticed first, e.g. by a chunk
     * from the sender finding it closed): what the recipient confirmed is not sent again.
     */
    private void settleReceivedConfirmations() {
        if (recipientRefused) {
            return;
        }
        for (RelayChunk rc : unconfirmed) {
            if (!rc.settled && rc != open && MsrpStatus.isSuccess(rc.receivedStatus)) {
                rc.settled = true;
                rc.chunk.relayChunksPending--;
            }
        }
        releaseSettled();
    }

    /** Drops kept octets from the front while the recipient has answered them; advances the confirmed offset. */
    private void releaseSettled() {
        RelayChunk head;
        while ((head = unconfirmed.peek()) != null && head.settled && head != open) {
            unconfirmed.poll();
            if (!recipientRefused && head.from <= confirmedEnd) {
                confirmedEnd = Math.max(confirmedEnd, head.to());
            }
            kept -= head.release();
        }
        if (pausedForConfirmations != null && kept <= window / 2) {
            pausedForConfirmations.resume(waitingForConfirmations);
            pausedForConfirmations = null;
        }
    }

    private void answerIfConfirmed(IncomingChunk chunk) {
        if (chunk.ended && !chunk.viaSink && chunk.relayChunksPending == 0) {
            answer(chunk, chunk.refusal != 0 ? chunk.refusal : MsrpStatus.OK);
        }
    }

    /**
     * A REPORT from the recipient (before it is relayed to the sender): an error Status for the message
     * is its refusal (RFC 4975 section 7.1.2), as an error response would be; a later loss of its
     * connection is then not taken over.
     */
    void recipientReported(MsrpRequestHead report) {
        String status = report.headers().get(MsrpHeaderNames.STATUS);
        String id = report.messageId();
        if (status == null || id == null) {
            return;
        }
        int code;
        try {
            code = MsrpStatusHeader.parse(status).code();
        } catch (IllegalArgumentException e) {
            return; // malformed: relayed as it is, no decision on it
        }
        if (MsrpStatus.isSuccess(code)) {
            return;
        }
        synchronized (this) {
            if (state == State.GUARDING && (!messageSeen || messageId.equals(id)) && !recipientRefused) {
                recipientRefused = true;
                LOG.info("{}: recipient {} refused message {} by REPORT {}", offerer, answerer.remotePath(), id, code);
            }
        }
    }

    /** See {@link RelaySessionPair#recipientDeclined}. */
    synchronized boolean recipientDeclined() {
        if (state == State.GUARDING) {
            recipientRefused = true; // a loss noticed after the BYE is part of the decline
            return false;
        }
        if (state != State.STANDING_IN || !guarded || recipientDeclined || !sinkStarted) {
            return false;
        }
        recipientDeclined = true;
        if (sinkFailure == null) {
            sinkFailure = new IllegalStateException("the recipient declined message " + messageId);
        }
        LOG.info("{}: recipient {} declined message {} after its connection dropped; not kept for it", offerer,
                answerer.remotePath(), messageId);
        try {
            sink.onRecipientDeclined();
        } catch (RuntimeException e) {
            LOG.warn("deferral sink failed on decline", e);
        }
        // The chunks still waiting for the sink's durability are answered 413 when it comes (durable()).
        return true;
    }

    /** See {@link RelaySessionPair#offererLeft}. */
    synchronized boolean offererLeft() {
        if (!sinkStarted || offererLeft || recipientDeclined || completeReported) {
            return false;
        }
        offererLeft = true;
        try {
            sink.onOffererLeft();
        } catch (RuntimeException e) {
            LOG.warn("deferral sink failed on the sender leaving", e);
        }
        return true;
    }

    /** The answerer leg's connection closed. */
    void answererConnectionLost() {
        Long lost;
        synchronized (this) {
            lost = switchOver(StandInStart.Cause.ANSWERER_LOST);
        }
        announce(lost);
    }

    /** Switch-over asked for by the SIP side (e.g. the recipient sent BYE mid-transfer). */
    boolean requestSwitchOver() {
        Long lost;
        synchronized (this) {
            lost = switchOver(StandInStart.Cause.REQUESTED);
        }
        announce(lost);
        return lost != null;
    }

    /**
     * Takes the message over from the first octet the recipient did not confirm.
     *
     * @return the confirmed offset to announce, or null if nothing switched
     */
    private Long switchOver(StandInStart.Cause why) {
        if (state != State.GUARDING || recipientRefused || offerer.closed() || delivered()) {
            return null;
        }
        settleReceivedConfirmations();
        state = State.STANDING_IN;
        cause = why;
        long confirmed = messageSeen ? confirmedEnd : 0;
        confirmedAtSwitch = confirmed;
        LOG.info("{}: recipient {} ({}); standing in from octet {}", offerer, answerer.remotePath(), why, confirmed);
        metrics.standIn(why);
        if (open != null) {
            // RFC 4975 section 7.1: a chunk cut short is ended with '#' so the far end's framing stays intact.
            endRelayChunk(ContinuationFlag.ABORTED);
        }
        List<RelayChunk> replay = new ArrayList<>(unconfirmed);
        unconfirmed.clear();
        kept = 0;
        if (pausedForConfirmations != null) {
            pausedForConfirmations.resume(waitingForConfirmations);
            pausedForConfirmations = null;
        }
        if (messageSeen) {
            startSink(confirmed);
        }
        for (RelayChunk rc : replay) {
            IncomingChunk chunk = rc.chunk;
            long offset = rc.from;
            for (ByteBuf piece : rc.pieces) {
                int n = piece.readableBytes();
                give(chunk, piece, offset);
                offset += n;
            }
            rc.release();
        }
        List<IncomingChunk> ended = new ArrayList<>();
        ContinuationFlag lastFlag = null;
        for (IncomingChunk chunk : unanswered) {
            if (chunk.refusal != 0) {
                continue;
            }
            chunk.viaSink = true;
            if (chunk.ended) {
                ended.add(chunk);
                lastFlag = chunk.flag;
            }
        }
        if (!ended.isEmpty()) {
            if (lastFlag == ContinuationFlag.COMPLETE && total == ByteRange.UNKNOWN && ended.get(ended.size() - 1)
                    .position == sinkEnd) {
                total = sinkEnd;
            }
            syncSink(ended, lastFlag);
        }
        return confirmed;
    }

    /**
     * The recipient confirmed the whole message and the sender got every answer: a connection closing now is
     * the normal end of the transfer (the recipient may close before its BYE reaches the PF).
     */
    private boolean delivered() {
        return messageSeen && total != ByteRange.UNKNOWN && confirmedEnd >= total && unanswered.isEmpty();
    }

    /** Completes {@code answererLost} and lets the answerer leg go; outside the lock. */
    private void announce(Long confirmed) {
        if (confirmed == null) {
            return;
        }
        answerer.close();
        answererLost.complete(confirmed);
    }

    // ---- standing in ----

    private void startSink(long from) {
        if (sinkStarted) {
            return;
        }
        sinkStarted = true;
        sinkFrom = from;
        sinkEnd = from;
        try {
            sink.onStandIn(new StandInStart(cause, messageId, contentType, confirmedAtSwitch, from, total));
        } catch (RuntimeException e) {
            sinkFailed(e);
        }
    }

    /** Hands octets starting at 0-based {@code offset} to the sink, skipping what the recipient confirmed. */
    private void give(IncomingChunk chunk, ByteBuf data, long offset) {
        int n = data.readableBytes();
        if (sinkFailure != null || n == 0 || offset + n <= sinkFrom) {
            return;
        }
        int skip = (int) Math.max(0, sinkFrom - offset);
        long at = offset + skip;
        CompletionStage<Void> stage;
        try {
            stage = sink.onContent(data.slice(data.readerIndex() + skip, n - skip), at);
        } catch (RuntimeException e) {
            sinkFailed(e);
            return;
        }
        if (at <= sinkEnd) {
            sinkEnd = Math.max(sinkEnd, offset + n);
        }
        if (stage != null) {
            CompletableFuture<Void> f = stage.toCompletableFuture();
            if (!f.isDone() || f.isCompletedExceptionally()) {
                RelayConnection origin = chunk.origin;
                sinkStagesPending++;
                if (pausedForSink == null) {
                    pausedForSink = origin;
                    origin.pause(waitingForSink);
                }
                f.whenComplete((v, e) -> later(origin, () -> sinkTookContent(e)));
            }
        }
    }

    private synchronized void sinkTookContent(Throwable error) {
        sinkStagesPending--;
        if (error != null) {
            sinkFailed(error);
        }
        if (sinkStagesPending == 0 && pausedForSink != null) {
            pausedForSink.resume(waitingForSink);
            pausedForSink = null;
        }
    }

    /** Asks the sink to make everything durable, then answers {@code chunks}. */
    private void syncSink(List<IncomingChunk> chunks, ContinuationFlag flag) {
        if (sinkFailure != null) {
            chunks.forEach(c -> answer(c, MsrpStatus.STOP_SENDING));
            return;
        }
        boolean complete = flag != ContinuationFlag.ABORTED && total != ByteRange.UNKNOWN && sinkEnd >= total
                && unanswered.stream().allMatch(c -> c.ended);
        boolean reportNow = complete && !completeReported;
        if (reportNow) {
            completeReported = true;
        }
        CompletionStage<Void> stage;
        try {
            stage = sink.onChunkEnd(new ChunkEnd(messageId, flag, sinkEnd, total, complete));
            if (stage == null) {
                throw new IllegalStateException("sink returned no durability stage");
            }
        } catch (RuntimeException e) {
            sinkFailed(e);
            chunks.forEach(c -> answer(c, MsrpStatus.STOP_SENDING));
            return;
        }
        RelayConnection origin = chunks.get(chunks.size() - 1).origin;
        stage.whenComplete((v, e) -> later(origin, () -> durable(chunks, reportNow, e)));
    }

    private synchronized void durable(List<IncomingChunk> chunks, boolean reportComplete, Throwable error) {
        if (error != null) {
            sinkFailed(error);
        }
        int status = sinkFailure == null ? MsrpStatus.OK : MsrpStatus.STOP_SENDING;
        for (IncomingChunk c : chunks) {
            answer(c, status);
        }
        if (status == MsrpStatus.OK && reportComplete) {
            IncomingChunk last = chunks.get(chunks.size() - 1);
            if (last.request.successReport()) {
                last.origin.sendLocal(successReport(last.request), null);
            }
        }
    }

    private void sinkFailed(Throwable e) {
        if (sinkFailure == null) {
            sinkFailure = e;
            LOG.warn("{}: deferral sink failed, refusing the rest of message {}", offerer, messageId, e);
            metrics.error("sink_failed");
        }
    }

    /** RFC 4975 section 7.1.2: success REPORT for the whole message once every octet is durable. */
    private MsrpRequestHead successReport(MsrpRequestHead request) {
        MsrpHeaders h = new MsrpHeaders()
                .add(MsrpHeaderNames.TO_PATH, request.headers().get(MsrpHeaderNames.FROM_PATH))
                .add(MsrpHeaderNames.FROM_PATH, offerer.localPath().format())
                .add(MsrpHeaderNames.MESSAGE_ID, messageId)
                .add(MsrpHeaderNames.BYTE_RANGE, new ByteRange(1, total, total).format())
                .add(MsrpHeaderNames.STATUS, MsrpStatusHeader.of(MsrpStatus.OK).format());
        return new MsrpRequestHead(TransactionIds.next(), MsrpRequestHead.REPORT, h, false);
    }

    /**
     * Answers the sender's chunk once, as its Failure-Report asks (RFC 4975 section 7.1.2): a response with
     * yes; only an error, as a REPORT, with partial; nothing with no.
     */
    private void answer(IncomingChunk chunk, int status) {
        if (chunk.answered) {
            return;
        }
        chunk.answered = true;
        unanswered.remove(chunk);
        MsrpRequestHead request = chunk.request;
        FailureReport fr = request.failureReport();
        if (fr == FailureReport.YES) {
            chunk.origin.sendLocal(MsrpResponseHead.answer(request, status, offerer.localPath()), null);
        } else if (fr == FailureReport.PARTIAL && !MsrpStatus.isSuccess(status)) {
            chunk.origin.sendLocal(ForwardedTransaction.failureReport(request, offerer, status,
                    MsrpStatus.reason(status)), null);
        }
    }

    /** The session ended: drop what is kept and tell the sink. */
    void close() {
        synchronized (this) {
            if (state == State.CLOSED) {
                return;
            }
            state = State.CLOSED;
            if (open != null) {
                // Keep the answerer connection's framing intact for the other sessions it carries.
                endRelayChunk(ContinuationFlag.ABORTED);
            }
            for (RelayChunk rc : unconfirmed) {
                rc.release();
            }
            unconfirmed.clear();
            kept = 0;
            if (pausedForConfirmations != null) {
                pausedForConfirmations.resume(waitingForConfirmations);
                pausedForConfirmations = null;
            }
            if (pausedForSink != null) {
                pausedForSink.resume(waitingForSink);
                pausedForSink = null;
            }
        }
        try {
            sink.onClose();
        } catch (RuntimeException e) {
            LOG.warn("deferral sink failed on close", e);
        }
    }

    private static void later(RelayConnection connection, Runnable task) {
        try {
            connection.channel().eventLoop().execute(task);
        } catch (RejectedExecutionException e) {
            LOG.debug("event loop shut down, dropping {}", task);
        }
    }

    /** A SEND chunk from the sender. */
    static final class IncomingChunk {
        final RelayConnection origin;
        final MsrpRequestHead request;
        final long start;
        final long declaredEnd;
        final long total;
        long position;
        RelayConnection target;
        int relayChunksPending;
        boolean viaSink;
        boolean ended;
        boolean answered;
        ContinuationFlag flag;
        int refusal;

        IncomingChunk(RelayConnection origin, MsrpRequestHead request) {
            this.origin = origin;
            this.request = request;
            ByteRange range = request.byteRange();
            this.start = range == null ? 0 : range.start() - 1;
            this.declaredEnd = range == null ? ByteRange.UNKNOWN : range.end();
            this.total = range == null ? ByteRange.UNKNOWN : range.total();
            this.position = start;
        }
    }

    /** A chunk the relay sent to the recipient, with the octets kept until it is answered. */
    private static final class RelayChunk {
        final IncomingChunk chunk;
        final long from;
        final List<ByteBuf> pieces = new ArrayList<>(4);
        long length;
        boolean settled;
        /** Status of the recipient's response as soon as it is received (on the recipient's I/O thread), or 0. */
        volatile int receivedStatus;

        RelayChunk(IncomingChunk chunk, long from) {
            this.chunk = chunk;
            this.from = from;
        }

        long length() {
            return length;
        }

        long to() {
            return from + length;
        }

        void keep(ByteBuf piece) {
            pieces.add(piece);
            length += piece.readableBytes();
        }

        long release() {
            long n = 0;
            for (ByteBuf b : pieces) {
                n += b.readableBytes();
                b.release();
            }
            pieces.clear();
            return n;
        }
    }

    private final class RelayChunkTransaction implements TransactionListener {
        private final RelayChunk rc;

        RelayChunkTransaction(RelayChunk rc) {
            this.rc = rc;
        }

        @Override
        public void onResponse(MsrpResponseHead response) {
            rc.receivedStatus = response.statusCode();
            later(rc.chunk.origin, () -> relayChunkAnswered(rc, response.statusCode()));
        }

        @Override
        public void onFailure(int status, String reason) {
            later(rc.chunk.origin, () -> relayChunkAnswered(rc, status));
        }

        @Override
        public boolean expectsResponse() {
            return true;
        }
    }
}
