package org.cpmft.pf.media;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import org.cpmft.msrp.message.ContinuationFlag;
import org.cpmft.msrp.relay.ChunkEnd;
import org.cpmft.msrp.relay.DeferralSink;
import org.cpmft.msrp.relay.StandInStart;
import org.cpmft.pf.deferral.TransferSink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay's deferral sink on the deferred store. The store blocks on the database, the relay
 * calls from its event loop: every store call runs, in order, on a worker, and the relay is told
 * to stop reading while more than {@link #MAX_QUEUED} copied octets wait for the worker.
 *
 * <p>Group commit: a sender keeps several chunks unanswered, so chunk ends often queue behind
 * each other. A chunk end with another one already queued behind it does not commit; its 200
 * waits for the commit of a later one (at most {@link #MAX_UNFLUSHED} octets later), which makes
 * its octets durable too. Nothing is acknowledged before it is durable (RFC 4975 section 7.3),
 * and the store pays one commit per burst instead of one per chunk.
 */
final class StoreDeferralSink implements DeferralSink {

    private static final Logger LOG = LoggerFactory.getLogger(StoreDeferralSink.class);
    static final int MAX_QUEUED = 1024 * 1024;
    static final long MAX_UNFLUSHED = 4L * 1024 * 1024;

    private final LongFunction<TransferSink> open;
    private final Executor worker;
    private CompletableFuture<Void> tail = CompletableFuture.completedFuture(null);
    private final AtomicLong queued = new AtomicLong();
    /** Chunk ends handed to the worker and not yet run there. */
    private final AtomicInteger endsQueued = new AtomicInteger();
    /** Chunk ends waiting for the next commit (added on the worker; a failure may empty it from any thread). */
    private final List<CompletableFuture<Void>> awaitingCommit = new ArrayList<>();
    /** Worker only: octets written since the last commit. */
    private long unflushed;
    private TransferSink sink;
    private boolean complete;

    /** @param open creates the stored transfer, its content starting at the given octet (what the recipient has) */
    StoreDeferralSink(LongFunction<TransferSink> open, Executor worker) {
        this.open = open;
        this.worker = worker;
    }

    @Override
    public void onStandIn(StandInStart start) {
        tail = tail.thenRunAsync(() -> sink = open.apply(start.fromOffset()), worker);
    }

    @Override
    public CompletionStage<Void> onContent(ByteBuf content, long offset) {
        byte[] copy = ByteBufUtil.getBytes(content);
        long waiting = queued.addAndGet(copy.length);
        tail = tail.thenRunAsync(() -> {
            sink.write(ByteBuffer.wrap(copy), offset);
            unflushed += copy.length;
            queued.addAndGet(-copy.length);
        }, worker);
        return waiting > MAX_QUEUED ? tail : null;
    }

    @Override
    public CompletionStage<Void> onChunkEnd(ChunkEnd end) {
        CompletableFuture<Void> durable = new CompletableFuture<>();
        endsQueued.incrementAndGet();
        tail = tail.thenRunAsync(() -> {
            synchronized (awaitingCommit) {
                awaitingCommit.add(durable);
            }
            boolean last = end.messageComplete() && end.flag() != ContinuationFlag.ABORTED;
            if (endsQueued.decrementAndGet() > 0 && !last && unflushed < MAX_UNFLUSHED) {
                return; // a later chunk end is queued: its commit covers these octets
            }
            sink.flushDurable();
            unflushed = 0;
            if (last) {
                sink.complete();
                complete = true;
            }
            completeAwaiting(null);
        }, worker);
        // A failed store call fails every chunk end still waiting, and the ones queued after it.
        tail = tail.whenComplete((ok, error) -> {
            if (error != null) {
                completeAwaiting(error);
                durable.completeExceptionally(error);
            }
        });
        return durable;
    }

    private void completeAwaiting(Throwable error) {
        List<CompletableFuture<Void>> done;
        synchronized (awaitingCommit) {
            done = new ArrayList<>(awaitingCommit);
            awaitingCommit.clear();
        }
        done.forEach(f -> {
            if (error == null) {
                f.complete(null);
            } else {
                f.completeExceptionally(error);
            }
        });
    }

    @Override
    public void onClose() {
        tail.whenCompleteAsync((ok, error) -> {
            if (error != null) {
                LOG.warn("deferred transfer storage failed: {}", error.toString());
            }
            if (sink != null && !complete) {
                // Stays RECEIVING: the sender may resume; the expiry sweep ends it otherwise.
                sink.close();
            }
        }, worker);
    }
}
