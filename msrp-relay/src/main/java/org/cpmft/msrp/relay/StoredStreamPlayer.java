package org.cpmft.msrp.relay;

import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.cpmft.msrp.message.ByteRange;
import org.cpmft.msrp.message.ContinuationFlag;
import org.cpmft.msrp.message.LastMsrpContent;
import org.cpmft.msrp.message.MsrpContent;
import org.cpmft.msrp.message.MsrpHeaderNames;
import org.cpmft.msrp.message.MsrpHeaders;
import org.cpmft.msrp.message.MsrpRequestHead;
import org.cpmft.msrp.message.MsrpResponseHead;
import org.cpmft.msrp.message.MsrpUri;
import org.cpmft.msrp.message.TransactionIds;

/**
 * Plays a stored message into a leg as SEND chunks with Byte-Range (deferred delivery, resume from a
 * byte). Runs on the leg connection's event loop and is paused like a relayed connection when the
 * wire is busy or not writable, so it never reads the store faster than the endpoint takes data.
 */
final class StoredStreamPlayer implements FrameSource {
    private static final int PIECE_SIZE = 16 * 1024;
    private static final int PIECES_PER_TURN = 8;

    private final RelayConnection connection;
    private final RelayLeg leg;
    private final StoredStreamSource source;
    private final int chunkSize;
    private final CompletableFuture<Long> result = new CompletableFuture<>();
    private final Set<Object> pauseReasons = new HashSet<>();
    private final long start;
    private long position;
    private long chunkEnd = -1;
    private int chunksSent;
    private int chunksAnswered;
    /** Chunks sent and not answered yet, in send order (answers may come in any order). */
    private final ArrayDeque<ChunkTransaction> unanswered = new ArrayDeque<>();
    private boolean allSent;
    private boolean scheduled;

    StoredStreamPlayer(RelayConnection connection, RelayLeg leg, StoredStreamSource source, long fromOffset,
                       int chunkSize) {
        this.connection = connection;
        this.leg = leg;
        this.source = source;
        this.start = fromOffset;
        this.position = fromOffset;
        this.chunkSize = chunkSize;
    }

    CompletableFuture<Long> start() {
        schedule();
        return result;
    }

    private void schedule() {
        if (!scheduled) {
            scheduled = true;
            connection.onLoop(this::turn);
        }
    }

    private void turn() {
        scheduled = false;
        try {
            for (int i = 0; i < PIECES_PER_TURN && pauseReasons.isEmpty() && !allSent && !result.isDone()
                    && !windowFull(); i++) {
                step();
            }
        } catch (IOException | RuntimeException e) {
            if (chunkEnd >= 0) {
                connection.submit(this, LastMsrpContent.empty(ContinuationFlag.ABORTED), null);
                chunkEnd = -1;
            }
            result.completeExceptionally(e);
            return;
        }
        if (pauseReasons.isEmpty() && !allSent && !result.isDone() && !windowFull()) {
            schedule(); // yield the loop to other channels between turns
        }
    }

    /** A new chunk would exceed the source's limit of unanswered chunks; an answer schedules the next turn. */
    private boolean windowFull() {
        return chunkEnd < 0 && chunksSent - chunksAnswered >= source.maxUnansweredChunks();
    }

    private void step() throws IOException {
        long size = source.size();
        if (chunkEnd < 0) {
            long length = Math.min(chunkSize, size - position);
            chunkEnd = position + length;
            MsrpHeaders h = new MsrpHeaders()
                    .add(MsrpHeaderNames.TO_PATH, MsrpUri.formatPath(leg.remotePath()))
                    .add(MsrpHeaderNames.FROM_PATH, leg.localPath().format())
                    .add(MsrpHeaderNames.MESSAGE_ID, source.messageId())
                    .add(MsrpHeaderNames.BYTE_RANGE, new ByteRange(position + 1, chunkEnd, size).format())
                    .add(MsrpHeaderNames.CONTENT_TYPE, source.contentType());
            chunksSent++;
            ChunkTransaction chunk = new ChunkTransaction(chunkEnd);
            unanswered.add(chunk);
            connection.submit(this, new MsrpRequestHead(TransactionIds.next(), MsrpRequestHead.SEND, h, true),
                    chunk);
            if (length == 0) {
                endChunk(connection.channel().alloc().buffer(0), size);
            }
            return;
        }
        int n = (int) Math.min(PIECE_SIZE, chunkEnd - position);
        ByteBuf piece = connection.channel().alloc().buffer(n);
        try {
            while (piece.readableBytes() < n) {
                int read = source.read(position + piece.readableBytes(), piece.slice(piece.writerIndex(),
                        n - piece.readableBytes()).clear());
                if (read <= 0) {
                    throw new IOException("stored stream ended at " + (position + piece.readableBytes())
                            + " of " + size);
                }
                piece.writerIndex(piece.writerIndex() + read);
            }
        } catch (IOException | RuntimeException e) {
            piece.release();
            throw e;
        }
        position += n;
        if (position == chunkEnd) {
            endChunk(piece, size);
        } else {
            connection.submit(this, new MsrpContent(piece), null);
        }
    }

    private void endChunk(ByteBuf lastPiece, long size) {
        boolean complete = chunkEnd == size;
        connection.submit(this, new LastMsrpContent(lastPiece, complete ? ContinuationFlag.COMPLETE
                : ContinuationFlag.MORE), null);
        chunkEnd = -1;
        if (complete) {
            allSent = true;
        }
    }

    @Override
    public void pause(Object reason) {
        connection.onLoop(() -> pauseReasons.add(reason));
    }

    @Override
    public void resume(Object reason) {
        connection.onLoop(() -> {
            if (pauseReasons.remove(reason) && pauseReasons.isEmpty()) {
                schedule();
            }
        });
    }

    private final class ChunkTransaction implements TransactionListener {
        private final long end;
        private boolean answered;

        ChunkTransaction(long end) {
            this.end = end;
        }

        @Override
        public void onResponse(MsrpResponseHead response) {
            if (!response.isSuccess()) {
                result.completeExceptionally(new IllegalStateException(
                        "chunk answered " + response.statusCode() + " " + response.comment()));
                return;
            }
            connection.onLoop(this::answered);
        }

        private void answered() {
            if (answered) {
                return;
            }
            answered = true;
            chunksAnswered++;
            long confirmed = -1;
            while (!unanswered.isEmpty() && unanswered.peekFirst().answered) {
                confirmed = unanswered.pollFirst().end;
            }
            if (confirmed >= 0) {
                source.acknowledged(confirmed);
            }
            if (allSent && chunksAnswered == chunksSent) {
                result.complete(position - start);
            } else if (!result.isDone()) {
                schedule();
            }
        }

        @Override
        public void onFailure(int status, String reason) {
            result.completeExceptionally(new IllegalStateException("chunk failed: " + status + " " + reason));
        }

        @Override
        public boolean expectsResponse() {
            return true;
        }
    }
}
