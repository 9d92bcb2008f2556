package org.cpmft.store.content;

import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;
import java.util.UUID;
import org.cpmft.store.db.Transactions;

/**
 * Streams stored content from a file offset, one chunk row per fetch. Reaching the end of what
 * was stored when the reader opened earlier than expected means the content was removed (the
 * transfer ended) or is damaged: that is an IOException, never a silent short file.
 */
public final class ContentReader extends InputStream {
    private final Transactions tx;
    private final UUID id;
    private final long storedAtOpen;
    private long position;
    private ContentChunk chunk;
    private boolean closed;

    ContentReader(Transactions tx, UUID id, long fromOffset, long storedAtOpen) {
        this.tx = tx;
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
        if (chunk == null || position >= chunk.end()) {
            chunk = fetch();
            if (chunk == null) {
                return -1;
            }
        }
        int from = (int) (position - chunk.offset());
        int n = Math.min(len, chunk.size() - from);
        System.arraycopy(chunk.data(), from, b, off, n);
        position += n;
        return n;
    }

    private ContentChunk fetch() throws IOException {
        ContentChunk next;
        try {
            next = tx.inStatelessSession(s -> ContentStore.chunkAt(s, id, position));
        } catch (RuntimeException e) {
            throw new IOException("cannot read content of " + id + " at " + position, Transactions.wrap("read", e));
        }
        if (next == null && position < storedAtOpen) {
            throw new IOException("content of " + id + " ends at " + position + " but " + storedAtOpen
                    + " octets were stored: removed or damaged");
        }
        if (next != null && next.data().length != next.size()) {
            throw new IOException("damaged chunk of " + id + " at " + next.offset() + ": size " + next.size()
                    + " but " + next.data().length + " octets");
        }
        return next;
    }

    @Override
    public void close() {
        closed = true;
        chunk = null;
    }
}
