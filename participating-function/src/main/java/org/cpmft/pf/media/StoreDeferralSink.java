package org.cpmft.pf.media;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;
import java.util.function.Supplier;

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
 *
 * <p>Store outages: a store call that fails because the database is unreachable is tried again
 * (the sink first learns what of the failed commit happened, {@link TransferSink#recover()}) until
 * it succeeds or the outage has lasted the grace of the {@link StoreWorker}. Meanwhile the worker
 * runs nothing else of this transfer, the queue fills and the relay stops reading from the sender
 * (MSRP backpressure): the sender's 200s are only late. Past the grace the call fails, the sender's
 * chunks are refused (413) and what is durable stays RECEIVING for a resume.
 */
final class StoreDeferralSink implements DeferralSink {

    private static final Logger LOG = LoggerFactory.getLogger(StoreDeferralSink.class);
    static final int MAX_QUEUED = 1024 * 1024;
    static final long MAX_UNFLUSHED = 4L * 1024 * 1024;
    static final Duration DEFAULT_OUTAGE_GRACE = Duration.ofSeconds(30);
    private static final long FIRST_BACKOFF_MS = 100;
    private static final long MAX_BACKOFF_MS = 2000;

    private final LongFunction<TransferSink> open;
    private final Executor worker;
    private final StoreWorker outages;
    private final Duration grace;
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
    private boolean declined;

    /**
     * @param open   creates the stored transfer, its content starting at the given octet (what the recipient has)
     * @param worker where the store calls run; a {@link StoreWorker} gives the outage grace and is told of
     *               outages (health), another executor means {@link #DEFAULT_OUTAGE_GRACE}
     */
    StoreDeferralSink(LongFunction<TransferSink> open, Executor worker) {
        this.open = open;
        this.worker = worker;
        this.outages = worker instanceof StoreWorker w ? w : null;
        this.grace = outages != null ? outages.outageGrace() : DEFAULT_OUTAGE_GRACE;
    }

    @Override
    public void onStandIn(StandInStart start) {
        // A create whose answer was lost would leave one more RECEIVING row behind: the expiry sweep ends it.
        tail = tail.thenRunAsync(() -> sink = retrying("open", () -> open.apply(start.fromOffset())), worker);
    }

    @Override
    public CompletionStage<Void> onContent(ByteBuf content, long offset) {
        byte[] copy = ByteBufUtil.getBytes(content);
        long waiting = queued.addAndGet(copy.length);
        tail = tail.thenRunAsync(() -> {
            // A fresh buffer each try: the sink skips what it took before the failure.
            retrying("write", () -> {
                sink.write(ByteBuffer.wrap(copy), offset);
                return null;
            });
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
            retrying("commit", sink::flushDurable);
            unflushed = 0;
            if (last) {
                retrying("finish", () -> {
                    sink.complete();
                    return null;
                });
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

    /**
     * Runs one store call of this transfer; while the database is unreachable, recovers the sink and
     * tries again, for up to the grace counted from the first failure.
     */
    private <T> T retrying(String what, Supplier<T> call) {
        long outageStart = 0;
        long backoff = FIRST_BACKOFF_MS;
        try {
            while (true) {
                try {
                    if (sink != null && sink.broken()) {
                        sink.recover();
                    }
                    T result = call.get();
                    if (outageStart != 0) {
                        LOG.info("store back for deferred transfer {} after {} ms; {} goes on", transferId(),
                                (System.nanoTime() - outageStart) / 1_000_000, what);
                    }
                    return result;
                } catch (RuntimeException e) {
                    if (!StoreWorker.unreachable(e)) {
                        throw e;
                    }
                    long now = System.nanoTime();
                    if (outageStart == 0) {
                        outageStart = now;
                        if (outages != null) {
                            outages.outageBegan(e);
                        }
                        LOG.warn("store unreachable during {} of deferred transfer {}: {}; retrying for up to {}",
                                what, transferId(), e.getMessage(), grace);
                    }
                    if (now - outageStart >= grace.toNanos()) {
                        LOG.warn("store still unreachable after {}: {} of deferred transfer {} fails; what is durable"
                                + " stays for a resume", grace, what, transferId());
                        throw e;
                    }
                    sleep(Math.min(backoff, Math.max(1, (outageStart + grace.toNanos() - now) / 1_000_000)));
                    backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
                }
            }
        } finally {
            if (outageStart != 0 && outages != null) {
                outages.outageEnded();
            }
        }
    }

    private Object transferId() {
        return sink == null ? "(not created yet)" : sink.transferId();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the store", e);
        }
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

    /** Runs {@code task} on the worker after everything queued, whether that failed or not. */
    private void afterAll(Runnable task) {
        tail = tail.handle((ok, error) -> error).thenAcceptAsync(error -> {
            if (error != null) {
                LOG.warn("deferred transfer storage failed: {}", error.toString());
            }
            task.run();
        }, worker);
    }

    @Override
    public void onRecipientDeclined() {
        afterAll(() -> {
            declined = true;
            if (sink != null) {
                TransferSink s = sink;
                try {
                    retrying("decline", () -> {
                        s.decline("declined by the recipient (BYE) after its MSRP connection dropped");
                        return null;
                    });
                } catch (RuntimeException e) {
                    LOG.error("deferred transfer {}: the recipient's decline is not recorded: {}", s.transferId(),
                            e.toString());
                }
            }
        });
    }

    @Override
    public void onOffererLeft() {
        afterAll(() -> {
            if (sink != null && !complete && !declined) {
                TransferSink s = sink;
                try {
                    if (retrying("abandon", s::abandon)) {
                        LOG.info("deferred transfer {}: the sender left at octet {}; kept for a resume",
                                s.transferId(), s.durablePosition());
                    }
                } catch (RuntimeException e) {
                    LOG.warn("deferred transfer {}: abandonment not recorded (the expiry sweep ends it): {}",
                            s.transferId(), e.toString());
                }
            }
        });
    }

    @Override
    public void onClose() {
        afterAll(() -> {
            if (sink != null && !complete && !declined) {
                // Stays RECEIVING: the sender may resume; the expiry sweep ends it otherwise.
                try {
                    sink.close();
                } catch (RuntimeException e) {
                    LOG.warn("deferred transfer {}: last octets not flushed on close: {}", sink.transferId(),
                            e.toString());
                }
            }
        });
    }
}
