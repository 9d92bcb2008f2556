package org.cpmft.msrp.relay;

import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoop;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.cpmft.msrp.message.ContinuationFlag;
import org.cpmft.msrp.message.LastMsrpContent;
import org.cpmft.msrp.message.MsrpHead;
import org.cpmft.msrp.message.MsrpObject;
import org.cpmft.msrp.message.MsrpResponseHead;
import org.cpmft.msrp.message.MsrpStatus;

/**
 * One MSRP connection of the relay and everything written to it.
 *
 * <p>Several sources (other connections relaying a frame, or the relay answering itself) may write to
 * one connection; MSRP frames cannot interleave on the wire (RFC 4975 section 5.1), so the connection
 * grants the wire to one source frame at a time. A source that must wait is paused (auto-read off) and
 * what it had already decoded is held: at most what one read produced, so nothing grows without bound.
 * All mutable state here is confined to the channel's event loop.
 *
 * <p>Cost per frame matters (a relayed chunk is a head, body pieces and an end-line): messages are
 * written without flushing and the connection is flushed once per event-loop round in which something
 * was written; messages submitted from another thread are queued in an inbox drained by one task, so a
 * whole read burst of the source costs one hand-off and one flush, not one per message.
 */
final class RelayConnection implements FrameSource {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(RelayConnection.class);
    /** How long a connection whose writes failed waits for the read that reaches the peer's reset. */
    private static final long DRAIN_BEFORE_CLOSE_MILLIS = 1000;
    /**
     * Whether an accepted connection moves to the event loop of its session's other connection before it
     * carries its first frame (see {@link #moveTo}); {@code -Dorg.cpmft.msrp.relay.loopAffinity=false} turns
     * it off.
     */
    static final boolean LOOP_AFFINITY = Boolean.parseBoolean(
            System.getProperty("org.cpmft.msrp.relay.loopAffinity", "true"));
    private final Channel channel;
    private final boolean outbound;
    private final String poolKey;
    private final RelayContext relay;
    private final Set<RelayLeg> boundLegs = ConcurrentHashMap.newKeySet();

    // Reasons for which this connection has stopped reading.
    final Object waitingForWire = new Object();
    final Object waitingForWritability = new Object();
    final Object waitingForPeerConnect = new Object();
    final Object waitingForMove = new Object();
    private boolean moveTried;
    private final Set<Object> pauseReasons = new HashSet<>();

    private Object owner;
    private final ArrayDeque<Object> waiting = new ArrayDeque<>();
    private final Map<Object, ArrayDeque<Queued>> queued = new HashMap<>();
    private final Set<FrameSource> blockedSources = new HashSet<>();
    /** Sources paused because too many of their requests await a response on this connection. */
    private final Set<FrameSource> throttledSources = new HashSet<>();
    final Object waitingForResponses = new Object();
    private final Map<String, PendingTransaction> pending = new HashMap<>();
    private String frameTid;
    private boolean closed;
    private boolean retiring; // guarded by this

    /**
     * Messages from other threads, drained in order on this channel's event loop. A linked queue: it
     * costs a few bytes while empty (most of the time, on 10,000s of idle connections), where an
     * array-based MPSC queue preallocates kilobytes per connection.
     */
    private final Queue<Queued> inbox = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final Runnable drainTask = this::drainInbox;
    private boolean flushScheduled;
    private boolean draining;
    private final Runnable flushTask = this::flushNow;

    private record Queued(Object source, MsrpObject msg, TransactionListener listener) {
    }

    private static final class PendingTransaction {
        final TransactionListener listener;
        ScheduledFuture<?> timer;

        PendingTransaction(TransactionListener listener) {
            this.listener = listener;
        }
    }

    RelayConnection(Channel channel, boolean outbound, String poolKey, RelayContext relay) {
        this.channel = channel;
        this.outbound = outbound;
        this.poolKey = poolKey;
        this.relay = relay;
    }

    Channel channel() {
        return channel;
    }

    boolean outbound() {
        return outbound;
    }

    String poolKey() {
        return poolKey;
    }

    boolean isOpen() {
        return channel.isActive();
    }

    Set<RelayLeg> boundLegs() {
        return boundLegs;
    }

    /** Adds a session to this connection unless it is being closed for lack of sessions. */
    synchronized boolean attach(RelayLeg leg) {
        if (retiring) {
            return false;
        }
        boundLegs.add(leg);
        return true;
    }

    synchronized void detach(RelayLeg leg) {
        boundLegs.remove(leg);
    }

    /**
     * Marks a connection the relay opened as closing when no session uses it any more, so that it is
     * no longer handed out for reuse.
     */
    synchronized boolean retireIfUnused() {
        if (outbound && boundLegs.isEmpty()) {
            retiring = true;
        }
        return retiring;
    }

    boolean reusable() {
        return !retiring && channel.isActive();
    }

    /**
     * Whether this connection should move to {@code loop} (the event loop of the connection its first session
     * is relayed to): only an accepted, plain-TCP connection that no session uses yet, once. Then the two
     * connections of a pair share one I/O thread, and relayed frames and their responses are written without
     * a hand-off between threads. Called on this connection's loop.
     */
    boolean shouldMoveTo(EventLoop loop) {
        return LOOP_AFFINITY && !outbound && !moveTried && boundLegs.isEmpty() && !closed
                && channel.eventLoop() != loop && loop.getClass() == channel.eventLoop().getClass()
                && channel.pipeline().get("tls") == null && inbox.isEmpty() && !flushScheduled
                && pending.isEmpty() && owner == null && waiting.isEmpty();
    }

    /**
     * Moves this channel to {@code loop}: reading is paused, the channel is deregistered from its loop once the
     * current read and the tasks queued behind it are done, and registered with {@code loop}; {@code then} runs
     * on {@code loop} with true (or with false where the move failed and the channel was closed). Nothing else
     * may refer to this connection yet ({@link #shouldMoveTo}), so no task of another thread can reach the old
     * loop meanwhile. The idle timer is made again on the new loop.
     */
    void moveTo(EventLoop loop, Consumer<Boolean> then) {
        moveTried = true;
        pause(waitingForMove);
        EventLoop old = channel.eventLoop();
        // Two hops: a read-ready task the transport may queue at the end of this read runs before the deregistration.
        old.execute(() -> old.execute(() -> {
            if (!channel.isOpen()) {
                then.accept(false);
                return;
            }
            ChannelPipeline p = channel.pipeline();
            boolean idle = p.get("idle") != null;
            if (idle) {
                p.remove("idle"); // cancels its timers on the old loop
            }
            channel.deregister().addListener(d -> {
                if (!d.isSuccess()) {
                    LOG.debug("{}: deregistration failed, staying", this, d.cause());
                    addIdleHandler(idle);
                    resume(waitingForMove);
                    then.accept(true);
                    return;
                }
                loop.register(channel).addListener(r -> {
                    if (!r.isSuccess()) {
                        LOG.debug("{}: registration with another loop failed", this, r.cause());
                        channel.close();
                        then.accept(false);
                        return;
                    }
                    relay.metrics().connectionMoved();
                    addIdleHandler(idle);
                    then.accept(true);
                    resume(waitingForMove);
                });
            });
        }));
    }

    private void addIdleHandler(boolean idle) {
        long millis = relay.config().idleTimeout().toMillis();
        if (idle && millis > 0 && channel.isOpen()) {
            channel.pipeline().addBefore("decoder", "idle", new IdleStateHandler(0, 0, millis, TimeUnit.MILLISECONDS));
        }
    }

    /** Queues {@code msg} from {@code source} for this connection's wire; takes ownership of {@code msg}. Any thread. */
    void submit(Object source, MsrpObject msg, TransactionListener listener) {
        if (channel.eventLoop().inEventLoop()) {
            if (!inbox.isEmpty()) {
                drainInbox(); // keep the order in which messages were submitted
            }
            doSubmit(source, msg, listener);
            return;
        }
        inbox.add(new Queued(source, msg, listener));
        if (drainScheduled.compareAndSet(false, true)) {
            try {
                channel.eventLoop().execute(drainTask);
            } catch (RejectedExecutionException e) {
                // event loop shut down with the relay: nothing will be written any more
                Queued q;
                while ((q = inbox.poll()) != null) {
                    ReferenceCountUtil.release(q.msg());
                }
            }
        }
    }

    private void drainInbox() {
        // Cleared before polling: a message added after the last poll schedules a new drain.
        drainScheduled.set(false);
        Queued q;
        while ((q = inbox.poll()) != null) {
            doSubmit(q.source(), q.msg(), q.listener());
        }
    }

    /** Sends a complete body-less frame generated by the relay itself. */
    void sendLocal(MsrpHead head, TransactionListener listener) {
        Object source = new Object();
        submit(source, head, listener);
        submit(source, LastMsrpContent.empty(ContinuationFlag.COMPLETE), null);
        if (head instanceof MsrpResponseHead r) {
            relay.metrics().response(r.statusCode(), "relay");
        }
    }

    /** Sends a response translated from the far leg (counted by the caller). */
    void sendLocalRelayed(MsrpResponseHead response) {
        Object source = new Object();
        submit(source, response, null);
        submit(source, LastMsrpContent.empty(ContinuationFlag.COMPLETE), null);
    }

    private void doSubmit(Object source, MsrpObject msg, TransactionListener listener) {
        if (closed) {
            ReferenceCountUtil.release(msg);
            if (listener != null) {
                listener.onFailure(MsrpStatus.SESSION_DOES_NOT_EXIST, "connection closed");
            }
            return;
        }
        ArrayDeque<Queued> q = queued.get(source);
        if (q == null && (owner == null || owner == source)) {
            write(source, msg, listener);
            grantWireToNextSource();
            return;
        }
        if (q == null) {
            q = new ArrayDeque<>();
            queued.put(source, q);
            waiting.add(source);
            relay.metrics().wireWait();
            if (source instanceof FrameSource s) {
                s.pause(waitingForWire);
            }
        }
        q.add(new Queued(source, msg, listener));
    }

    private void write(Object source, MsrpObject msg, TransactionListener listener) {
        if (msg instanceof MsrpHead head) {
            owner = source;
            frameTid = head.transactionId();
            if (listener != null) {
                pending.put(frameTid, new PendingTransaction(listener));
                // Failure-Report partial entries only wait to map a possible error, they never throttle.
                if (listener.expectsResponse() && pending.size() >= relay.config().maxPendingTransactions()
                        && source instanceof FrameSource s
                        && s != this && throttledSources.add(s)) {
                    relay.metrics().pendingThrottle();
                    s.pause(waitingForResponses);
                }
            }
        }
        if (msg instanceof LastMsrpContent) {
            String tid = frameTid;
            PendingTransaction p = tid == null ? null : pending.get(tid);
            if (p != null) {
                // RFC 4975 section 7.1.1: the timer runs from sending the request. It starts when the
                // end-line is taken by the kernel, so time spent queued in this relay behind earlier
                // data for a slow receiver is not counted against the far end.
                ChannelPromise sent = channel.newPromise();
                sent.addListener(f -> {
                    if (f.isSuccess()) {
                        startTransactionTimer(tid, p);
                    } else {
                        closeAfterReadingWhatArrived();
                    }
                });
                channel.write(msg, sent);
            } else {
                channel.write(msg, channel.voidPromise());
            }
            owner = null;
            frameTid = null;
        } else {
            // A failed write fires exceptionCaught, and RelayInboundHandler closes the channel.
            channel.write(msg, channel.voidPromise());
        }
        if (channel.isWritable()) {
            scheduleFlush();
        } else {
            // Past the high water mark: hand the bytes to the kernel now rather than at the end of the
            // round; the source is paused only if that does not bring the buffer back down.
            channel.flush();
        }
        if (!channel.isWritable() && source instanceof FrameSource s && s != this && blockedSources.add(s)) {
            relay.metrics().backpressurePause();
            s.pause(waitingForWritability);
        }
    }

    private void grantWireToNextSource() {
        while (owner == null && !waiting.isEmpty()) {
            Object next = waiting.poll();
            ArrayDeque<Queued> q = queued.remove(next);
            for (Queued item : q) {
                write(next, item.msg(), item.listener());
            }
            if (next instanceof FrameSource s) {
                s.resume(waitingForWire);
            }
        }
    }

    /** Lets throttled sources go on once half of the allowed pending transactions are answered. */
    private void transactionDone() {
        if (!throttledSources.isEmpty() && pending.size() <= relay.config().maxPendingTransactions() / 2) {
            List<FrameSource> sources = new ArrayList<>(throttledSources);
            throttledSources.clear();
            for (FrameSource s : sources) {
                s.resume(waitingForResponses);
            }
        }
    }

    /**
     * Closes this connection after a write failed (the peer reset it), once what the peer sent before is read.
     * A peer that closes with unread data in its socket makes Linux send RST, and the first write after it
     * fails; closing then would drop the peer's last responses still waiting in this socket, e.g. the 200s
     * that tell a stand-in how much of the file the recipient confirmed. The channel does not close itself on
     * a write failure (AUTO_CLOSE off, output is shut down instead); the read that reaches the reset closes
     * it, and a timer closes it in case no read comes (reading paused).
     */
    void closeAfterReadingWhatArrived() {
        if (draining || !channel.isOpen()) {
            return;
        }
        draining = true;
        channel.read();
        channel.eventLoop().schedule(() -> channel.close(), DRAIN_BEFORE_CLOSE_MILLIS, TimeUnit.MILLISECONDS);
    }

    private void scheduleFlush() {
        if (!flushScheduled) {
            flushScheduled = true;
            // Runs after the reads and tasks of this event-loop round: one flush (one system call) for
            // everything written to this connection in the round.
            channel.eventLoop().execute(flushTask);
        }
    }

    private void flushNow() {
        flushScheduled = false;
        channel.flush();
    }

    private void startTransactionTimer(String tid, PendingTransaction p) {
        if (pending.get(tid) != p) {
            return; // answered, or failed with the connection, before the write completed
        }
        p.timer = channel.eventLoop().schedule(() -> {
            if (pending.get(tid) != p) {
                return;
            }
            pending.remove(tid);
            transactionDone();
            if (p.listener.expectsResponse()) {
                relay.metrics().error("transaction_timeout");
                p.listener.onFailure(MsrpStatus.REQUEST_TIMEOUT, "no response within transaction timeout");
            }
        }, relay.config().transactionTimeout().toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Called on this loop for a response received here; routes it to the request's listener. */
    boolean onResponse(MsrpResponseHead response) {
        PendingTransaction p = pending.remove(response.transactionId());
        if (p == null) {
            return false;
        }
        if (p.timer != null) {
            p.timer.cancel(false);
        }
        transactionDone();
        p.listener.onResponse(response);
        return true;
    }

    void onWritable() {
        if (blockedSources.isEmpty()) {
            return;
        }
        List<FrameSource> sources = new ArrayList<>(blockedSources);
        blockedSources.clear();
        for (FrameSource s : sources) {
            s.resume(waitingForWritability);
        }
    }

    /** Channel closed: fail what waits on it and release every source it held back. */
    void onClosed() {
        if (closed) {
            return;
        }
        closed = true;
        for (ArrayDeque<Queued> q : queued.values()) {
            for (Queued item : q) {
                ReferenceCountUtil.release(item.msg());
                if (item.listener() != null) {
                    item.listener().onFailure(MsrpStatus.SESSION_DOES_NOT_EXIST, "connection closed");
                }
            }
        }
        queued.clear();
        for (Object w : waiting) {
            if (w instanceof FrameSource s) {
                s.resume(waitingForWire);
            }
        }
        waiting.clear();
        onWritable();
        for (FrameSource s : throttledSources) {
            s.resume(waitingForResponses);
        }
        throttledSources.clear();
        List<PendingTransaction> failed = new ArrayList<>(pending.values());
        pending.clear();
        for (PendingTransaction p : failed) {
            if (p.timer != null) {
                p.timer.cancel(false);
            }
            p.listener.onFailure(MsrpStatus.SESSION_DOES_NOT_EXIST, "connection to peer lost");
        }
    }

    /** Stops reading for {@code reason}; reading resumes once every reason is withdrawn. Any thread. */
    @Override
    public void pause(Object reason) {
        onLoop(() -> {
            LOG.trace("{}: pause {}", this, reason);
            pauseReasons.add(reason);
            channel.config().setAutoRead(false);
        });
    }

    @Override
    public void resume(Object reason) {
        onLoop(() -> {
            LOG.trace("{}: resume {}", this, reason);
            if (pauseReasons.remove(reason) && pauseReasons.isEmpty()) {
                channel.config().setAutoRead(true);
            }
        });
    }

    void onLoop(Runnable task) {
        if (channel.eventLoop().inEventLoop()) {
            task.run();
        } else {
            try {
                channel.eventLoop().execute(task);
            } catch (RejectedExecutionException ignored) {
                // event loop shut down with the relay
            }
        }
    }

    void close() {
        channel.close();
    }

    @Override
    public String toString() {
        return (outbound ? "out" : "in") + channel.remoteAddress();
    }
}
