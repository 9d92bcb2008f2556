package org.cpmft.store.content;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.UUID;
import org.cpmft.store.StoreException;
import org.cpmft.store.db.Transactions;
import org.cpmft.store.transfer.DeferredTransfer;
import org.hibernate.LockMode;
import org.hibernate.StatelessSession;

/**
 * File content of deferred transfers, kept in the database in chunks and streamed in and out
 * without ever holding a whole file in memory.
 */
public final class ContentStore {
    private final Transactions tx;
    private final int chunkSize;

    public ContentStore(Transactions tx, int chunkSize) {
        this.tx = tx;
        this.chunkSize = chunkSize;
    }

    /**
     * Opens a writer appending at file offset {@code fromOffset} to a transfer in state
     * RECEIVING. Allowed offsets:
     * <ul>
     *   <li>anything within the stored range {@code [contentStart, bytesStored]}: resume after a
     *       crash or reconnect at {@code bytesStored}; a lower offset drops the stored tail
     *       (the sender resumed from an earlier point, RFC 5547 section 9);</li>
     *   <li>while nothing is stored, any offset up to {@code bytesDelivered}: the store takes
     *       over where the recipient stopped.</li>
     * </ul>
     * One writer per transfer at a time; a second one fails on its first flush.
     */
    public ContentWriter openWriter(UUID id, long fromOffset) {
        try {
            return tx.inStatelessSession(s -> {
                DeferredTransfer t = lockReceiving(s, id);
                long start = t.contentStart();
                long stored = t.bytesStored();
                if (start == stored && fromOffset != start) {
                    if (fromOffset < 0 || fromOffset > Math.max(t.bytesDelivered(), stored)) {
                        throw new StoreException("cannot start content of " + id + " at " + fromOffset
                                + ": recipient has " + t.bytesDelivered() + " octets");
                    }
                    setRange(s, id, stored, fromOffset, fromOffset);
                    return new ContentWriter(tx, id, fromOffset, null, chunkSize, t.totalSize());
                }
                if (fromOffset < start || fromOffset > stored) {
                    throw new StoreException("cannot write " + id + " at " + fromOffset + ": stored range is "
                            + start + ".." + stored);
                }
                if (fromOffset < stored) {
                    truncate(s, id, fromOffset);
                    setRange(s, id, stored, start, fromOffset);
                }
                ContentChunk tail = chunkEndingAt(s, id, fromOffset);
                return new ContentWriter(tx, id, fromOffset, tail != null && tail.size() < chunkSize ? tail : null,
                        chunkSize, t.totalSize());
            });
        } catch (RuntimeException e) {
            throw Transactions.wrap("cannot open content writer for " + id, e);
        }
    }

    private static DeferredTransfer lockReceiving(StatelessSession s, UUID id) {
        DeferredTransfer t = s.get(DeferredTransfer.class, id, LockMode.PESSIMISTIC_WRITE);
        if (t == null) {
            throw new StoreException("no deferred transfer " + id);
        }
        if (t.state() != org.cpmft.store.transfer.TransferState.RECEIVING) {
            throw new StoreException("transfer " + id + " is " + t.state() + ", content is written only while RECEIVING");
        }
        return t;
    }

    private void setRange(StatelessSession s, UUID id, long expectedStored, long contentStart, long bytesStored) {
        int n = s.createNativeMutationQuery("UPDATE deferred_transfer SET content_start = :start,"
                        + " bytes_stored = :stored, updated_at = :now, version = version + 1"
                        + " WHERE id = :id AND bytes_stored = :expected")
                .setParameter("start", contentStart)
                .setParameter("stored", bytesStored)
                .setParameter("now", tx.now())
                .setParameter("id", id)
                .setParameter("expected", expectedStored)
                .executeUpdate();
        if (n != 1) {
            throw new StoreException("transfer " + id + " changed concurrently");
        }
    }

    /** Drops every stored octet at or after {@code offset}. */
    private static void truncate(StatelessSession s, UUID id, long offset) {
        s.createNativeMutationQuery("DELETE FROM transfer_content_chunk WHERE transfer_id = :id AND chunk_offset >= :o")
                .setParameter("id", id)
                .setParameter("o", offset)
                .executeUpdate();
        ContentChunk last = chunkAt(s, id, offset - 1);
        if (last != null && last.end() > offset) {
            byte[] kept = java.util.Arrays.copyOf(last.data(), (int) (offset - last.offset()));
            s.update(new ContentChunk(id, last.offset(), kept));
        }
    }

    private static ContentChunk chunkEndingAt(StatelessSession s, UUID id, long end) {
        ContentChunk c = chunkAt(s, id, end - 1);
        return c != null && c.end() == end ? c : null;
    }

    /** The chunk holding file offset {@code position}, or null. */
    static ContentChunk chunkAt(StatelessSession s, UUID id, long position) {
        if (position < 0) {
            return null;
        }
        List<ContentChunk> rows = s.createSelectionQuery(
                        "from ContentChunk c where c.key.transferId = :id and c.key.offset <= :pos"
                                + " order by c.key.offset desc", ContentChunk.class)
                .setParameter("id", id)
                .setParameter("pos", position)
                .setMaxResults(1)
                .getResultList();
        if (rows.isEmpty() || rows.get(0).end() <= position) {
            return null;
        }
        return rows.get(0);
    }

    /**
     * Streams stored content from file offset {@code fromOffset} to the end of what is stored,
     * fetching one chunk per database round trip. The stream keeps no connection between reads.
     */
    public ContentReader openReader(UUID id, long fromOffset) {
        DeferredTransfer t = tx.inStatelessSession(s -> s.get(DeferredTransfer.class, id));
        if (t == null) {
            throw new StoreException("no deferred transfer " + id);
        }
        if (fromOffset < t.contentStart() || fromOffset > t.bytesStored()) {
            throw new StoreException("cannot read " + id + " from " + fromOffset + ": stored range is "
                    + t.contentStart() + ".." + t.bytesStored());
        }
        return new ContentReader(tx, id, fromOffset, t.bytesStored());
    }

    /**
     * Digest of the whole stored range, e.g. {@code "SHA-1"} to compare with an RFC 5547
     * file-selector hash (only meaningful when the content starts at 0).
     */
    public byte[] digest(UUID id, String algorithm) {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalArgumentException(e);
        }
        long start = tx.inStatelessSession(s -> {
            DeferredTransfer t = s.get(DeferredTransfer.class, id);
            if (t == null) {
                throw new StoreException("no deferred transfer " + id);
            }
            return t.contentStart();
        });
        try (InputStream in = openReader(id, start)) {
            byte[] buf = new byte[64 * 1024];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return md.digest();
    }

    public int chunkSize() {
        return chunkSize;
    }
}
