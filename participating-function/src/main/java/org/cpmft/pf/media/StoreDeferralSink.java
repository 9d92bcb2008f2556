package org.cpmft.pf.media;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
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
 */
final class StoreDeferralSink implements DeferralSink {

    private static final Logger LOG = LoggerFactory.getLogger(StoreDeferralSink.class);
    static final int MAX_QUEUED = 1024 * 1024;

    private final LongFunction<TransferSink> open;
    private final Executor worker;
    private CompletableFuture<Void> tail = CompletableFuture.completedFuture(null);
    private volatile long queued;
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
        queued += copy.length;
        tail = tail.thenRunAsync(() -> {
            sink.write(ByteBuffer.wrap(copy), offset);
            queued -= copy.length;
        }, worker);
        return queued > MAX_QUEUED ? tail : null;
    }

    @Override
    public CompletionStage<Void> onChunkEnd(ChunkEnd end) {
        tail = tail.thenRunAsync(() -> {
            sink.flushDurable();
            if (end.messageComplete() && end.flag() != ContinuationFlag.ABORTED) {
                sink.complete();
                complete = true;
            }
        }, worker);
        return tail;
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
