package org.cpmft.msrp.relay;

import io.netty.buffer.ByteBuf;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link DeferralSink} keeping the file in memory, checking the relay's calling contract (start before
 * content, offsets never below the start, contiguous content, no call after close), with switches for
 * held durability, slow content and failures.
 */
final class RecordingDeferralSink implements DeferralSink {
    private final byte[] data;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    volatile StandInStart start;
    private long end = -1;
    final List<ChunkEnd> ends = new CopyOnWriteArrayList<>();
    final List<String> contractViolations = new CopyOnWriteArrayList<>();
    final AtomicInteger delayedContent = new AtomicInteger();
    volatile boolean closed;
    private volatile boolean holdDurability;
    private final List<CompletableFuture<Void>> held = new ArrayList<>();
    private volatile int slowEvery;
    private volatile boolean failDurability;

    RecordingDeferralSink(int capacity) {
        this.data = new byte[capacity];
    }

    /** Durability stages stay pending until {@link #releaseDurability()}. */
    RecordingDeferralSink holdingDurability() {
        holdDurability = true;
        return this;
    }

    /** Every {@code n}-th content call asks the relay to wait 2 ms (backpressure). */
    RecordingDeferralSink slowEvery(int n) {
        slowEvery = n;
        return this;
    }

    RecordingDeferralSink failingDurability() {
        failDurability = true;
        return this;
    }

    @Override
    public synchronized void onStandIn(StandInStart s) {
        if (start != null || closed) {
            contractViolations.add("onStandIn twice or after close");
        }
        start = s;
        end = s.fromOffset();
    }

    @Override
    public synchronized CompletionStage<Void> onContent(ByteBuf content, long offset) {
        if (start == null || closed) {
            contractViolations.add("content before start or after close");
        }
        if (offset < start.fromOffset() || offset > end) {
            contractViolations.add("content at " + offset + " outside [" + start.fromOffset() + ", " + end + "]");
        }
        int n = content.readableBytes();
        content.getBytes(content.readerIndex(), data, (int) offset, n);
        end = Math.max(end, offset + n);
        int every = slowEvery;
        if (every > 0 && delayedContent.incrementAndGet() % every == 0) {
            CompletableFuture<Void> later = new CompletableFuture<>();
            timer.schedule(() -> later.complete(null), 2, TimeUnit.MILLISECONDS);
            return later;
        }
        return null;
    }

    @Override
    public synchronized CompletionStage<Void> onChunkEnd(ChunkEnd e) {
        if (start == null || closed) {
            contractViolations.add("chunk end before start or after close");
        }
        if (e.received() != end) {
            contractViolations.add("chunk end says " + e.received() + " but content ended at " + end);
        }
        ends.add(e);
        if (failDurability) {
            return CompletableFuture.failedFuture(new IllegalStateException("disk full"));
        }
        if (holdDurability) {
            CompletableFuture<Void> f = new CompletableFuture<>();
            held.add(f);
            return f;
        }
        return CompletableFuture.completedFuture(null);
    }

    void releaseDurability() {
        List<CompletableFuture<Void>> release;
        synchronized (this) {
            holdDurability = false;
            release = new ArrayList<>(held);
            held.clear();
        }
        release.forEach(f -> f.complete(null));
    }

    volatile boolean declined;
    volatile boolean offererLeft;

    @Override
    public void onRecipientDeclined() {
        declined = true;
    }

    @Override
    public void onOffererLeft() {
        offererLeft = true;
    }

    @Override
    public void onClose() {
        closed = true;
        timer.shutdownNow();
    }

    synchronized long end() {
        return end;
    }

    /** SHA-256 of {@code prefix} followed by what the sink holds from its start offset to its end. */
    synchronized String sha256After(byte[] prefix) throws NoSuchAlgorithmException {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        md.update(prefix);
        int from = (int) start.fromOffset();
        md.update(data, from, (int) (end - from));
        return HexFormat.of().formatHex(md.digest());
    }
}
