package org.cpmft.msrp.relay;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.cpmft.msrp.codec.MsrpDecodingFailure;
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
import org.cpmft.msrp.message.MsrpUri;
import org.cpmft.msrp.message.TransactionIds;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per-connection relay logic: checks each incoming frame against the session table and the
 * connection binding, answers what the relay must answer itself, and streams the rest piece by piece
 * to the other leg's connection.
 */
final class RelayInboundHandler extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(RelayInboundHandler.class);

    private enum Mode { IDLE, FORWARD, DISCARD, DEFERRAL }

    private final RelayContext relay;
    private final RelayConnection connection;
    private Mode mode = Mode.IDLE;
    private RelayConnection target;
    /** Handles the current chunk when its session may be, or is, taken over by the relay (deferral). */
    private StandInSession deferral;
    private StandInSession.IncomingChunk deferredChunk;
    private SessionTeeSink tee;
    private long teeFrom;
    private long teeOffset;
    /** Frames held while the far leg's connection is being set up (bounded by what one read decodes). */
    private ArrayDeque<Object> parked;

    RelayInboundHandler(RelayContext relay, RelayConnection connection) {
        this.relay = relay;
        this.connection = connection;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        relay.metrics().connectionOpened();
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (parked != null) {
            parked.add(msg);
            return;
        }
        dispatch(msg);
    }

    private void dispatch(Object msg) {
        if (msg instanceof MsrpRequestHead request) {
            onRequest(request);
        } else if (msg instanceof MsrpResponseHead response) {
            LOG.trace("{}: {}", connection, response);
            if (!connection.onResponse(response)) {
                LOG.debug("{}: response to unknown transaction {}", connection, response.transactionId());
            }
            mode = Mode.DISCARD;
        } else if (msg instanceof MsrpContent content) {
            onContent(content);
        } else if (msg instanceof MsrpDecodingFailure failure) {
            onDecodingFailure(failure);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    private void onRequest(MsrpRequestHead request) {
        LOG.trace("{}: {}", connection, request);
        List<MsrpUri> toPath = request.toPath();
        RelayLeg leg = relay.leg(toPath.get(0).sessionId());
        if (leg == null || leg.closed()) {
            reject(request, MsrpStatus.SESSION_DOES_NOT_EXIST, "unknown_session", toPath.get(0));
            return;
        }
        RelayConnection bound = leg.connection();
        if (bound != connection && (bound == null || !bound.isOpen()) && moveNextToPeer(request, leg)) {
            return;
        }
        if (bound != connection && !((bound == null || !bound.isOpen())
                && leg.acceptsInboundFrom(request.fromPath()) && leg.bind(connection))) {
            // RFC 4975 section 5.4: traffic for a session is only accepted on the connection bound to it.
            reject(request, MsrpStatus.FORBIDDEN, "wrong_connection", leg.localPath());
            return;
        }
        if (request.isSend() && !request.hasBody()) {
            // The body-less SEND an active endpoint sends to bind the connection (RFC 4975 section 5.4).
            // The relay bound the far leg with its own, so this one is answered here, not relayed.
            respond(request, MsrpStatus.OK, leg.localPath());
            mode = Mode.DISCARD;
            return;
        }
        RelayLeg peer = leg.peer();
        RelayConnection peerConnection = peer.connection();
        StandInSession standIn = leg.standIn();
        if (standIn != null && request.isSend()) {
            CompletableFuture<Void> connecting = peer.connecting();
            if (standIn.guarding() && (peerConnection == null || !peerConnection.isOpen()) && connecting != null
                    && !connecting.isDone() && !peer.closed()) {
                park(request, connecting);
                return;
            }
            mode = Mode.DEFERRAL;
            deferral = standIn;
            if (standIn.guarding()) {
                relay.metrics().frameRelayed(request.method());
            }
            deferredChunk = standIn.onChunk(connection, request);
            return;
        }
        if (peerConnection == null || !peerConnection.isOpen() || peer.remotePath() == null || peer.closed()) {
            CompletableFuture<Void> connecting = peer.connecting();
            if (connecting != null && !connecting.isDone() && !peer.closed()) {
                park(request, connecting);
                return;
            }
            reject(request, MsrpStatus.SESSION_DOES_NOT_EXIST, "peer_not_connected", leg.localPath());
            return;
        }
        StandInSession guard = peer.standIn();
        if (request.isReport() && guard != null && guard.guarding()) {
            guard.recipientReported(request); // a failure REPORT of the recipient is its refusal
        }
        MsrpRequestHead forwarded = request.withTransactionId(TransactionIds.next());
        forwarded.headers().set(MsrpHeaderNames.TO_PATH, peer.remotePathHeader());
        forwarded.headers().set(MsrpHeaderNames.FROM_PATH, peer.localPath().format());
        // REPORTs have no responses; any other method (SEND, extensions) gets its response mapped back.
        TransactionListener listener = !request.isReport() && request.failureReport() != FailureReport.NO
                ? new ForwardedTransaction(connection, leg, request, relay.metrics()) : null;
        mode = Mode.FORWARD;
        target = peerConnection;
        relay.metrics().frameRelayed(request.method());
        startTee(leg, request);
        target.submit(connection, forwarded, listener);
    }

    private void onContent(MsrpContent content) {
        boolean last = content instanceof LastMsrpContent;
        if (mode == Mode.DEFERRAL) {
            deferral.onContent(deferredChunk, content);
            if (last) {
                mode = Mode.IDLE;
                deferral = null;
                deferredChunk = null;
            }
            return;
        }
        if (mode == Mode.FORWARD) {
            relay.metrics().bytesRelayed(content.content().readableBytes());
            teeContent(content.content());
            if (last) {
                endTee(((LastMsrpContent) content).flag());
            }
            target.submit(connection, content, null);
        } else {
            content.release();
        }
        if (last) {
            mode = Mode.IDLE;
            target = null;
        }
    }

    private void startTee(RelayLeg leg, MsrpRequestHead request) {
        tee = request.isSend() ? leg.tee() : null;
        if (tee == null) {
            return;
        }
        ByteRange range = request.byteRange();
        teeOffset = range == null ? 0 : range.start() - 1;
        teeFrom = leg.teeFromOffset();
        try {
            tee.onHead(request);
        } catch (RuntimeException e) {
            LOG.warn("tee sink failed on head, detaching it", e);
            tee = null;
        }
    }

    private void teeContent(ByteBuf bytes) {
        int n = bytes.readableBytes();
        if (tee != null && n > 0 && teeOffset + n > teeFrom) {
            int skip = (int) Math.max(0, teeFrom - teeOffset);
            try {
                tee.onContent(bytes.slice(bytes.readerIndex() + skip, n - skip), teeOffset + skip);
            } catch (RuntimeException e) {
                LOG.warn("tee sink failed, detaching it", e);
                tee = null;
            }
        }
        teeOffset += n;
    }

    private void endTee(ContinuationFlag flag) {
        if (tee != null) {
            try {
                tee.onEnd(flag);
            } catch (RuntimeException e) {
                LOG.warn("tee sink failed on end", e);
            }
            tee = null;
        }
    }

    /** Answers the request itself (unless Failure-Report forbids it) and drops its body. */
    private void reject(MsrpRequestHead request, int status, String reason, MsrpUri responder) {
        relay.metrics().error(reason);
        LOG.debug("{}: {} {} -> {}", connection, request.method(), request.transactionId(), status);
        respond(request, status, responder);
        mode = Mode.DISCARD;
    }

    /** RFC 4975 section 7.1.2: no response to REPORT, none with Failure-Report no, only errors with partial. */
    private void respond(MsrpRequestHead request, int status, MsrpUri responder) {
        FailureReport fr = request.failureReport();
        if (request.isReport() || fr == FailureReport.NO || (fr == FailureReport.PARTIAL && status == MsrpStatus.OK)) {
            return;
        }
        connection.sendLocal(MsrpResponseHead.answer(request, status, responder), null);
    }

    private void onDecodingFailure(MsrpDecodingFailure failure) {
        relay.metrics().error("malformed_frame");
        LOG.debug("{}: malformed frame: {}", connection, failure);
        if (failure.answerable()) {
            MsrpHeaders h = failure.headers();
            String from = h.get(MsrpHeaderNames.FROM_PATH);
            String fr = h.get(MsrpHeaderNames.FAILURE_REPORT);
            MsrpUri responder = firstUri(h.get(MsrpHeaderNames.TO_PATH));
            if (from != null && responder != null && firstUri(from) != null && !"no".equalsIgnoreCase(fr)) {
                connection.sendLocal(MsrpResponseHead.answer(failure.transactionId(), from, MsrpStatus.BAD_REQUEST,
                        responder), null);
            }
        }
        if (failure.framingLost()) {
            // Let the queued writes (a 400) go out first; they are ahead of this task on the loop.
            connection.onLoop(connection::close);
        }
    }

    private static MsrpUri firstUri(String path) {
        if (path == null) {
            return null;
        }
        try {
            return MsrpUri.parsePath(path).get(0);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * Event-loop affinity: before an accepted connection binds its first session, it moves to the I/O thread of
     * the session's other connection, holding what it decoded meanwhile; the request is dispatched again there.
     */
    private boolean moveNextToPeer(MsrpRequestHead request, RelayLeg leg) {
        RelayConnection peerConnection = leg.peer().connection();
        if (peerConnection == null || !peerConnection.isOpen() || !leg.acceptsInboundFrom(request.fromPath())
                || !connection.shouldMoveTo(peerConnection.channel().eventLoop())) {
            return false;
        }
        parked = new ArrayDeque<>();
        parked.add(request);
        connection.moveTo(peerConnection.channel().eventLoop(), moved -> {
            if (moved) {
                unpark();
            } else if (parked != null) {
                parked.forEach(ReferenceCountUtil::release);
                parked = null;
            }
        });
        return true;
    }

    private void park(MsrpRequestHead request, CompletableFuture<Void> connecting) {
        parked = new ArrayDeque<>();
        parked.add(request);
        connection.pause(connection.waitingForPeerConnect);
        connecting.whenComplete((v, e) -> connection.onLoop(this::unpark));
    }

    private void unpark() {
        ArrayDeque<Object> held = parked;
        if (held == null) {
            return;
        }
        parked = null;
        connection.resume(connection.waitingForPeerConnect);
        Object msg;
        while ((msg = held.poll()) != null) {
            if (parked != null) {
                parked.add(msg);
            } else {
                dispatch(msg);
            }
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            connection.onWritable();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent && connection.boundLegs().isEmpty()) {
            LOG.debug("{}: idle without sessions, closing", connection);
            ctx.close();
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        relay.metrics().connectionClosed();
        if (mode == Mode.FORWARD && target != null) {
            // RFC 4975 section 7.1: a chunk cut short is ended with '#' so the far end discards it.
            target.submit(connection, LastMsrpContent.empty(ContinuationFlag.ABORTED), null);
            endTee(ContinuationFlag.ABORTED);
        } else if (mode == Mode.DEFERRAL) {
            deferral.onContent(deferredChunk, LastMsrpContent.empty(ContinuationFlag.ABORTED));
        }
        mode = Mode.IDLE;
        target = null;
        deferral = null;
        deferredChunk = null;
        for (RelayLeg leg : connection.boundLegs()) {
            leg.connectionLost(connection);
        }
        if (parked != null) {
            parked.forEach(ReferenceCountUtil::release);
            parked = null;
        }
        connection.onClosed();
        relay.closed(connection);
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        relay.metrics().error("io");
        if (cause instanceof IOException) {
            // A failed write or read: the peer went away. Read what it sent before closing (see the method).
            LOG.debug("{}: closing after reading what arrived, after error", connection, cause);
            connection.closeAfterReadingWhatArrived();
            return;
        }
        LOG.debug("{}: closing after error", connection, cause);
        ctx.close();
    }
}
