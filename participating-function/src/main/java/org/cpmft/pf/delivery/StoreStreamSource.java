package org.cpmft.pf.delivery;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.LongConsumer;
import java.util.function.LongFunction;

import io.netty.buffer.ByteBuf;
import org.cpmft.msrp.relay.StoredStreamSource;

/**
 * A deferred file as the relay plays it. The relay asks for octets on its I/O thread
 * ({@link #read}); the store is read on {@code reader} instead, one window ahead: the first window
 * before the play starts ({@link #prefetch}), each following one while the relay sends the
 * previous. The I/O thread waits for the store only when the relay outruns it, or for an offset
 * other than the next one (a resumed or retried chunk). Memory: at most two windows per delivery.
 */
public final class StoreStreamSource implements StoredStreamSource, AutoCloseable {

    static final int WINDOW = 256 * 1024;

    private record Window(long start, byte[] data) {
        long end() {
            return start + data.length;
        }

        boolean holds(long offset) {
            return offset >= start && offset < end();
        }
    }

    private final long size;
    private final String contentType;
    private final String messageId;
    private final LongFunction<InputStream> open;
    private final Executor reader;
    private final LongConsumer acknowledged;
    // The store stream: touched by one load at a time.
    private InputStream in;
    private long inPosition = -1;
    // The relay's side (one I/O thread, after prefetch has handed over).
    private volatile Window current;
    private volatile CompletableFuture<Window> next;
    private volatile boolean closed;

    public StoreStreamSource(long size, String contentType, String messageId, LongFunction<InputStream> open,
                      Executor reader) {
        this(size, contentType, messageId, open, reader, confirmed -> { });
    }

    /** @param acknowledged told the file offset up to which the recipient answered every chunk 200 */
    StoreStreamSource(long size, String contentType, String messageId, LongFunction<InputStream> open,
                      Executor reader, LongConsumer acknowledged) {
        this.size = size;
        this.contentType = contentType;
        this.messageId = messageId;
        this.open = open;
        this.reader = reader;
        this.acknowledged = acknowledged;
    }

    /**
     * One chunk at a time: the confirmed offset then trails what the recipient may hold by at most
     * one chunk, so an interrupted delivery resends at most one chunk (CPM 7.4.5, issue 9 item 3).
     */
    @Override
    public int maxUnansweredChunks() {
        return 1;
    }

    @Override
    public void acknowledged(long endOffset) {
        acknowledged.accept(endOffset);
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public String contentType() {
        return contentType;
    }

    @Override
    public String messageId() {
        return messageId;
    }

    /** Reads the window starting at {@code from} on the reader; completes when it is in memory. */
    public CompletableFuture<Void> prefetch(long from) {
        if (from >= size) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Window> w = CompletableFuture.supplyAsync(() -> load(from), reader);
        next = w;
        return w.thenApply(x -> null);
    }

    @Override
    public int read(long offset, ByteBuf target) throws IOException {
        if (offset >= size) {
            return -1;
        }
        Window w = window(offset);
        int at = (int) (offset - w.start());
        int n = Math.min(target.writableBytes(), w.data().length - at);
        target.writeBytes(w.data(), at, n);
        return n;
    }

    private Window window(long offset) throws IOException {
        Window w = current;
        if (w != null && w.holds(offset)) {
            return w;
        }
        CompletableFuture<Window> pending = next;
        next = null;
        w = pending == null ? null : join(pending);
        if (w == null || !w.holds(offset)) {
            w = loadOrThrow(offset); // not the next octet: read here, as the relay asked
        }
        current = w;
        long following = w.end();
        if (following < size && !closed) {
            next = CompletableFuture.supplyAsync(() -> load(following), reader);
        }
        return w;
    }

    private Window loadOrThrow(long from) throws IOException {
        try {
            return load(from);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private synchronized Window load(long from) {
        try {
            if (closed) {
                throw new IOException("delivery source closed");
            }
            if (in == null || inPosition != from) {
                closeStream();
                in = open.apply(from);
                inPosition = from;
            }
            byte[] data = in.readNBytes((int) Math.min(WINDOW, size - from));
            if (data.length == 0) {
                throw new IOException("stored content ends at " + from + " of " + size);
            }
            inPosition += data.length;
            return new Window(from, data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Window join(CompletableFuture<Window> pending) throws IOException {
        try {
            return pending.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof UncheckedIOException u) {
                throw u.getCause();
            }
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IOException(e.getCause());
        }
    }

    private void closeStream() throws IOException {
        if (in != null) {
            InputStream s = in;
            in = null;
            inPosition = -1;
            s.close();
        }
    }

    @Override
    public void close() {
        closed = true;
        CompletableFuture<Window> pending = next;
        if (pending != null) {
            pending.cancel(false);
        }
        current = null;
        try {
            reader.execute(this::closeQuietly); // after a load still running there, not on the I/O thread
        } catch (RuntimeException rejected) {
            closeQuietly();
        }
    }

    private synchronized void closeQuietly() {
        try {
            closeStream();
        } catch (IOException e) {
            // nothing held between reads; the stream only forgets its position
        }
    }
}
