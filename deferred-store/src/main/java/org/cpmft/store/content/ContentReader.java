package org.cpmft.store.content;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import org.cpmft.store.db.Transactions;

/**
 * Streams stored content from a file offset. Rows are fetched by exact offset, each batch starting
 * where the previous one ended, and the next batch is fetched in the background while this one is
 * read. A gap or an overlap between rows is damage; reaching the end of what was stored when the
 * reader opened earlier than expected means the content was removed (the transfer ended) or is
 * damaged: both are IOExceptions, never a silently wrong or short file.
 */
public final class ContentReader extends InputStream {
    private final ContentStore store;
    private final UUID id;
    private final long storedAtOpen;
    private long position;
    /** Rows fetched and not yet read past; the first one holds {@code position}. */
    private final ArrayDeque<ChunkRows.Row> rows = new ArrayDeque<>();
    /** File offset where the next fetch starts (the end of the last row fetched), -1 before the first. */
    private long fetchFrom = -1;
    private CompletableFuture<List<ChunkRows.Row>> ahead;
    private boolean closed;

    ContentReader(ContentStore store, UUID id, long fromOffset, long storedAtOpen) {
        this.store = store;
        this.id = id;
        this.position = fromOffset;
        this.storedAtOpen = storedAtOpen;
    }

    /** File offset of the next octet read returns. */
    public long position() {
        return position;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (closed) {
            throw new IOException("content reader of " + id + " is closed");
        }
        if (len == 0) {
            return 0;
        }
        while (!rows.isEmpty() && position >= rows.peekFirst().end()) {
            rows.removeFirst();
        }
        if (rows.isEmpty() && !fetch()) {
            return -1;
        }
        ChunkRows.Row row = rows.peekFirst();
        int from = (int) (position - row.offset());
        int n = Math.min(len, row.data().length - from);
        System.arraycopy(row.data(), from, b, off, n);
        position += n;
        return n;
    }

    @Override
    public int available() {
        ChunkRows.Row row = rows.peekFirst();
        return row == null || closed ? 0 : (int) Math.max(0, row.end() - position);
    }

    /** Fills {@link #rows} with the rows from {@code position} on; false at the end of the stored content. */
    private boolean fetch() throws IOException {
        List<ChunkRows.Row> got = null;
        if (ahead != null) {
            got = await(ahead);
            ahead = null;
            if (got.isEmpty()) {
                got = null; // fetched before a writer appended more: ask again now
            }
        }
        if (got == null) {
            try {
                got = fetchFrom < 0 ? store.rowsAround(id, position) : store.rowsFrom(id, fetchFrom);
            } catch (RuntimeException e) {
                throw new IOException("cannot read content of " + id + " at " + position, Transactions.wrap("read", e));
            }
        }
        long expected = fetchFrom < 0 ? (got.isEmpty() ? position : got.get(0).offset()) : fetchFrom;
        for (ChunkRows.Row row : got) {
            if (row.offset() != expected) {
                throw new IOException("damaged content of " + id + ": a row starts at " + row.offset()
                        + " where " + expected + " was expected (gap or overlap)");
            }
            expected = row.end();
        }
        if (got.isEmpty() || expected <= position) {
            if (position < storedAtOpen) {
                throw new IOException("content of " + id + " ends at " + position + " but " + storedAtOpen
                        + " octets were stored: removed or damaged");
            }
            return false;
        }
        rows.addAll(got);
        fetchFrom = expected;
        if (fetchFrom < storedAtOpen) {
            long next = fetchFrom;
            try {
                ahead = CompletableFuture.supplyAsync(() -> store.rowsFrom(id, next), store.readAhead());
            } catch (RejectedExecutionException storeClosing) {
                ahead = null; // the next read fetches by itself
            }
        }
        return true;
    }

    private List<ChunkRows.Row> await(CompletableFuture<List<ChunkRows.Row>> f) throws IOException {
        try {
            return f.join();
        } catch (CompletionException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new IOException("cannot read content of " + id + " at " + fetchFrom, cause);
        }
    }

    @Override
    public void close() {
        closed = true;
        rows.clear();
        if (ahead != null) {
            ahead.cancel(false); // a fetch under way ends by itself and releases its connection
            ahead = null;
        }
    }
}
