package org.cpmft.store.content;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.cpmft.store.StoreException;
import org.cpmft.store.StoreTestBase;
import org.cpmft.store.transfer.DeferredTransfer;
import org.cpmft.store.transfer.TransferState;
import org.junit.jupiter.api.Test;

/** Chunked content streaming in and out; run on H2 and PostgreSQL. */
public abstract class ContentStoreContract extends StoreTestBase {
    private static final String BOB = "sip:bob@example.com";
    private static final int CHUNK = 64 * 1024;

    @Override
    protected int chunkSize() {
        return CHUNK;
    }

    @Test
    void fewMebibytesOfRandomContentRoundTripWithEqualSha256() throws Exception {
        int size = 5 * 1024 * 1024 + 12345;
        byte[] source = random(size, 1);
        DeferredTransfer t = store.transfers().create(newTransfer(BOB, size));

        // MSRP-like chunk sizes that do not line up with the store's chunks, flushed now and then.
        Random sizes = new Random(2);
        long writeStart = System.nanoTime();
        try (ContentWriter w = store.content().openWriter(t.id(), 0)) {
            int pos = 0;
            int writes = 0;
            while (pos < size) {
                int n = Math.min(size - pos, 1 + sizes.nextInt(40_000));
                if (writes++ % 2 == 0) {
                    w.write(source, pos, n);
                } else {
                    w.write(ByteBuffer.wrap(source, pos, n));
                }
                pos += n;
                if (writes % 17 == 0) {
                    assertThat(w.flush()).isEqualTo(pos);
                }
            }
            w.finish();
        }
        long writeNanos = System.nanoTime() - writeStart;
        DeferredTransfer stored = store.transfers().show(t.id());
        assertThat(stored.state()).isEqualTo(TransferState.STORED);
        assertThat(stored.bytesStored()).isEqualTo(size);

        long readStart = System.nanoTime();
        assertThat(sha256(store.content().openReader(t.id(), 0))).isEqualTo(sha256(source));
        long readNanos = System.nanoTime() - readStart;
        // a figure for the log, not an assertion
        System.out.printf("%s content, %d KiB chunks: write %.1f MiB/s, read %.1f MiB/s (%.2f MiB)%n", backend(),
                CHUNK / 1024, size / 1048576.0 / (writeNanos / 1e9), size / 1048576.0 / (readNanos / 1e9),
                size / 1048576.0);
        assertThat(store.content().digest(t.id(), "SHA-256")).isEqualTo(sha256(source));
        assertThat(store.content().digest(t.id(), "SHA-1")).isEqualTo(MessageDigest.getInstance("SHA-1").digest(source));

        long from = 3 * CHUNK + 777;
        try (ContentReader r = store.content().openReader(t.id(), from)) {
            assertThat(r.position()).isEqualTo(from);
            assertThat(sha256(r)).isEqualTo(sha256(Arrays.copyOfRange(source, (int) from, size)));
        }
        try (InputStream r = store.content().openReader(t.id(), size)) {
            assertThat(r.read()).isEqualTo(-1);
        }
    }

    @Test
    void bytesStoredCountsOnlyFlushedOrFullChunks() {
        DeferredTransfer t = store.transfers().create(newTransfer(BOB, 10 * CHUNK));
        ContentWriter w = store.content().openWriter(t.id(), 0);
        w.write(new byte[100]);
        assertThat(store.transfers().show(t.id()).bytesStored()).isZero();
        assertThat(w.position()).isEqualTo(100);
        assertThat(w.durablePosition()).isZero();
        w.flush();
        assertThat(store.transfers().show(t.id()).bytesStored()).isEqualTo(100);
        w.write(new byte[CHUNK - 1]);
        assertThat(store.transfers().show(t.id()).bytesStored()).isEqualTo(100);
        w.write(new byte[1]); // a chunk's worth after the flush point: a full row commits by itself
        assertThat(store.transfers().show(t.id()).bytesStored()).isEqualTo(CHUNK + 100);
        w.write(new byte[7]);
        w.close();
        assertThat(store.transfers().show(t.id()).bytesStored()).isEqualTo(CHUNK + 107);
        assertThat(store.transfers().show(t.id()).state()).isEqualTo(TransferState.RECEIVING);
    }

    @Test
    void aWriterAbandonedWithoutFlushLeavesTheLastDurablePointToResumeFrom() throws IOException {
        int size = 3 * CHUNK + 500;
        byte[] source = random(size, 3);
        DeferredTransfer t = store.transfers().create(newTransfer(BOB, size));
        ContentWriter lost = store.content().openWriter(t.id(), 0);
        lost.write(source, 0, CHUNK + 1000);
        lost.flush();
        lost.write(source, CHUNK + 1000, 700); // never flushed: as if the node crashed here

        long resumeAt = store.transfers().show(t.id()).bytesStored();
        assertThat(resumeAt).isEqualTo(CHUNK + 1000);
        try (ContentWriter w = store.content().openWriter(t.id(), resumeAt)) {
            w.write(source, (int) resumeAt, size - (int) resumeAt);
            w.finish();
        }
        assertThat(store.content().openReader(t.id(), 0).readAllBytes()).isEqualTo(source);
        // the stale writer cannot overwrite anything: its commit is refused and rolled back
        lost.write(new byte[1]);
        assertThatThrownBy(lost::flush).isInstanceOf(StoreException.class);
        assertThat(store.content().openReader(t.id(), 0).readAllBytes()).isEqualTo(source);
    }

    @Test
    void resumingAtAnEarlierOffsetDropsTheStoredTail() throws IOException {
        byte[] first = random(2 * CHUNK + 300, 4);
        DeferredTransfer t = store.transfers().create(newTransfer(BOB, 3 * CHUNK));
        try (ContentWriter w = store.content().openWriter(t.id(), 0)) {
            w.write(first);
        }
        int keep = CHUNK + 10;
        byte[] rest = random(3 * CHUNK - keep, 5);
        try (ContentWriter w = store.content().openWriter(t.id(), keep)) {
            assertThat(store.transfers().show(t.id()).bytesStored()).isEqualTo(keep);
            w.write(rest);
            w.finish();
        }
        byte[] expected = new byte[3 * CHUNK];
        System.arraycopy(first, 0, expected, 0, keep);
        System.arraycopy(rest, 0, expected, keep, rest.length);
        assertThat(store.content().openReader(t.id(), 0).readAllBytes()).isEqualTo(expected);
    }

    @Test
    void contentMayStartWhereTheRecipientStopped() throws IOException {
        int size = 2 * CHUNK;
        byte[] source = random(size, 6);
        int delivered = 40_000;
        DeferredTransfer t = store.transfers().create(newTransfer(BOB, size).bytesDelivered(delivered));
        assertThatThrownBy(() -> store.content().openWriter(t.id(), delivered + 1)).isInstanceOf(StoreException.class);
        try (ContentWriter w = store.content().openWriter(t.id(), delivered)) {
            w.write(source, delivered, size - delivered);
            w.finish();
        }
        DeferredTransfer s = store.transfers().show(t.id());
        assertThat(s.contentStart()).isEqualTo(delivered);
        assertThat(s.bytesStored()).isEqualTo(size);
        assertThat(store.content().openReader(t.id(), delivered).readAllBytes())
                .isEqualTo(Arrays.copyOfRange(source, delivered, size));
        assertThatThrownBy(() -> store.content().openReader(t.id(), 0)).isInstanceOf(StoreException.class);
    }

    @Test
    void offsetsOutsideTheStoredRangeAreRefused() {
        DeferredTransfer t = store.transfers().create(newTransfer(BOB, 1000));
        try (ContentWriter w = store.content().openWriter(t.id(), 0)) {
            w.write(new byte[100]);
        }
        assertThatThrownBy(() -> store.content().openWriter(t.id(), 101)).isInstanceOf(StoreException.class);
        assertThatThrownBy(() -> store.content().openWriter(t.id(), -1)).isInstanceOf(StoreException.class);
        assertThatThrownBy(() -> store.content().openReader(t.id(), 101)).isInstanceOf(StoreException.class);
        assertThatThrownBy(() -> store.content().openWriter(UUID.randomUUID(), 0)).isInstanceOf(StoreException.class);
    }

    @Test
    void writingPastTheFileSizeOrFinishingShortIsRefused() {
        DeferredTransfer t = store.transfers().create(newTransfer(BOB, 1000));
        ContentWriter w = store.content().openWriter(t.id(), 0);
        assertThatThrownBy(() -> w.write(new byte[1001])).isInstanceOf(StoreException.class);
        w.write(new byte[999]);
        assertThatThrownBy(w::finish).isInstanceOf(StoreException.class);
        assertThat(store.transfers().show(t.id()).state()).isEqualTo(TransferState.RECEIVING);
        assertThat(store.transfers().show(t.id()).bytesStored()).isEqualTo(999);
    }

    @Test
    void unknownSizeIsFixedAtFinish() {
        DeferredTransfer draft = newTransfer(BOB, 10).totalSize(null);
        DeferredTransfer t = store.transfers().create(draft);
        try (ContentWriter w = store.content().openWriter(t.id(), 0)) {
            w.write(new byte[CHUNK + 3]);
            w.finish();
        }
        assertThat(store.transfers().show(t.id()).totalSize()).isEqualTo(CHUNK + 3L);
    }

    @Test
    void aSecondConcurrentWriterLosesOnItsFirstCommit() {
        DeferredTransfer t = store.transfers().create(newTransfer(BOB, 10 * CHUNK));
        ContentWriter a = store.content().openWriter(t.id(), 0);
        ContentWriter b = store.content().openWriter(t.id(), 0);
        a.write(new byte[10]);
        a.flush();
        b.write(new byte[20]);
        assertThatThrownBy(b::flush).isInstanceOf(StoreException.class);
        b.close();
        a.write(new byte[5]);
        a.close();
        assertThat(store.transfers().show(t.id()).bytesStored()).isEqualTo(15);
    }

    @Test
    void aWriterWhoseCommitFailedRecoversAndWritesTheSameOctetsAgain() throws Exception {
        byte[] source = random(3 * CHUNK, 31);
        DeferredTransfer t = store.transfers().create(newTransfer(BOB, source.length));
        ContentWriter w = store.content().openWriter(t.id(), 0);
        w.write(source, 0, 1000);
        w.flush();
        // A row in the way makes the next commit fail and roll back, as a connection lost in it would.
        sql("INSERT INTO transfer_content_chunk (transfer_id, chunk_offset, chunk_size, data) VALUES (?, 1000, 1, ?)",
                t.id(), new byte[1]);
        w.write(source, 1000, 500);
        assertThatThrownBy(w::flush).isInstanceOf(StoreException.class);
        assertThat(w.broken()).isTrue();
        assertThatThrownBy(() -> w.write(new byte[1])).isInstanceOf(IllegalStateException.class);
        sql("DELETE FROM transfer_content_chunk WHERE transfer_id = ? AND chunk_offset = 1000", t.id());

        w.recover();
        assertThat(w.broken()).isFalse();
        assertThat(w.durablePosition()).as("the failed commit did not happen").isEqualTo(1000);
        assertThat(w.position()).as("its octets are still buffered").isEqualTo(1500);
        w.write(source, 1500, source.length - 1500);
        w.finish();
        assertThat(store.content().openReader(t.id(), 0).readAllBytes()).isEqualTo(source);
    }

    @Test
    void aWriterWhoseCommitHappenedButItsAnswerWasLostCountsItDurable() throws Exception {
        byte[] source = random(2 * CHUNK + 5, 32);
        DeferredTransfer t = store.transfers().create(newTransfer(BOB, source.length));
        ContentWriter w = store.content().openWriter(t.id(), 0);
        w.write(source, 0, 700);
        // The same row committed behind the writer's back: what the database holds after a commit whose
        // answer never came back.
        try (ContentWriter same = store.content().openWriter(t.id(), 0)) {
            same.write(source, 0, 700);
        }
        assertThatThrownBy(w::flush).isInstanceOf(StoreException.class);
        w.recover();
        assertThat(w.durablePosition()).isEqualTo(700);
        assertThat(w.position()).isEqualTo(700);
        w.write(source, 700, source.length - 700);
        w.finish();
        assertThat(store.content().openReader(t.id(), 0).readAllBytes()).isEqualTo(source);
        assertThat(store.transfers().show(t.id()).state()).isEqualTo(TransferState.STORED);
    }

    @Test
    void aFinishWhoseAnswerWasLostIsDoneAfterRecovery() {
        DeferredTransfer t = store.transfers().create(newTransfer(BOB, 100));
        ContentWriter w = store.content().openWriter(t.id(), 0);
        w.write(new byte[100]);
        w.flush();
        try (ContentWriter other = store.content().openWriter(t.id(), 100)) {
            other.finish();
        }
        assertThatThrownBy(w::finish).isInstanceOf(StoreException.class);
        w.recover();
        w.finish(); // nothing left to do
        w.close();
        assertThat(store.transfers().show(t.id()).state()).isEqualTo(TransferState.STORED);
    }

    @Test
    void aWriterOvertakenByAnotherCannotRecover() {
        DeferredTransfer t = store.transfers().create(newTransfer(BOB, 10 * CHUNK));
        ContentWriter a = store.content().openWriter(t.id(), 0);
        ContentWriter b = store.content().openWriter(t.id(), 0);
        a.write(new byte[10]);
        a.flush();
        b.write(new byte[20]);
        assertThatThrownBy(b::flush).isInstanceOf(StoreException.class);
        assertThatThrownBy(b::recover).isInstanceOf(StoreException.class).hasMessageContaining("10 octets stored");
        assertThat(b.broken()).isTrue();
    }

    private void sql(String statement, Object... params) throws Exception {
        var c = database.config();
        try (Connection conn = DriverManager.getConnection(c.jdbcUrl(), c.user(), c.password());
             PreparedStatement st = conn.prepareStatement(statement)) {
            for (int i = 0; i < params.length; i++) {
                st.setObject(i + 1, params[i]);
            }
            st.executeUpdate();
        }
    }

    @Test
    void contentIsWrittenOnlyWhileReceiving() {
        DeferredTransfer t = store.transfers().create(newTransfer(BOB, 10));
        try (ContentWriter w = store.content().openWriter(t.id(), 0)) {
            w.write(new byte[10]);
            w.finish();
        }
        assertThatThrownBy(() -> store.content().openWriter(t.id(), 10))
                .isInstanceOf(StoreException.class).hasMessageContaining("STORED");
    }

    @Test
    void aReaderFollowsContentStillBeingWritten() throws IOException {
        byte[] source = random(3 * CHUNK, 7);
        DeferredTransfer t = store.transfers().create(newTransfer(BOB, source.length));
        try (ContentWriter w = store.content().openWriter(t.id(), 0)) {
            w.write(source, 0, 1000);
            w.flush();
            ContentReader r = store.content().openReader(t.id(), 0);
            byte[] got = new byte[source.length];
            int n = r.readNBytes(got, 0, 1000);
            assertThat(n).isEqualTo(1000);
            w.write(source, 1000, source.length - 1000);
            w.flush();
            int m = r.readNBytes(got, 1000, source.length - 1000);
            assertThat(m).isEqualTo(source.length - 1000);
            assertThat(got).isEqualTo(source);
        }
    }

    @Test
    void readingContentRemovedUnderneathFails() throws IOException {
        // more than the reader holds (the batch being read and the one fetched ahead)
        int size = 4 * ContentStore.READ_AHEAD;
        DeferredTransfer t = store.transfers().create(newTransfer(BOB, size));
        try (ContentWriter w = store.content().openWriter(t.id(), 0)) {
            w.write(new byte[size]);
            w.finish();
        }
        ContentReader r = store.content().openReader(t.id(), 0);
        assertThat(r.readNBytes(CHUNK)).hasSize(CHUNK);
        store.transfers().fail(t.id(), "operator", null);
        assertThatThrownBy(r::readAllBytes).isInstanceOf(IOException.class).hasMessageContaining("removed or damaged");
    }

    @Test
    void eachFlushAppendsOnlyTheNewOctetsAsARowOfItsOwn() throws Exception {
        byte[] source = random(3 * CHUNK + 1000, 8);
        DeferredTransfer t = store.transfers().create(newTransfer(BOB, source.length));
        try (ContentWriter w = store.content().openWriter(t.id(), 0)) {
            w.write(source, 0, 100);
            w.flush();
            List<long[]> afterFirst = rows(t.id());
            w.write(source, 100, 200);
            w.flush();
            w.flush(); // nothing new: no row
            w.write(source, 300, CHUNK + 50); // one full row from 300, 50 octets buffered
            w.flush();
            w.write(source, CHUNK + 350, source.length - CHUNK - 350);
            w.finish();
            assertThat(afterFirst).containsExactly(new long[] {0, 100});
        }
        List<long[]> rows = rows(t.id());
        // rows never rewritten: each commit added [durable, new durable)
        assertThat(rows.subList(0, 4)).containsExactly(new long[] {0, 100}, new long[] {100, 200},
                new long[] {300, CHUNK}, new long[] {CHUNK + 300, 50});
        long expected = 0;
        for (long[] r : rows) {
            assertThat(r[0]).as("row start").isEqualTo(expected);
            assertThat(r[1]).isBetween(1L, (long) CHUNK);
            expected += r[1];
        }
        assertThat(expected).isEqualTo(source.length);
        assertThat(store.content().openReader(t.id(), 0).readAllBytes()).isEqualTo(source);
    }

    @Test
    void readersStartAtAnyOffsetOfRowsOfMixedSizes() throws Exception {
        int size = 2 * ContentStore.READ_AHEAD + 3 * CHUNK + 777;
        byte[] source = random(size, 9);
        DeferredTransfer t = store.transfers().create(newTransfer(BOB, size));
        Random pieces = new Random(10);
        try (ContentWriter w = store.content().openWriter(t.id(), 0)) {
            for (int pos = 0; pos < size; ) {
                int n = Math.min(size - pos, 1 + pieces.nextInt(3 * CHUNK));
                w.write(source, pos, n);
                pos += n;
                if (pieces.nextBoolean()) {
                    w.flush();
                }
            }
            w.finish();
        }
        List<Long> starts = new ArrayList<>(List.of(0L, 1L, (long) size - 1, (long) size));
        for (long[] r : rows(t.id())) {
            starts.add(r[0]);
            starts.add(r[0] + r[1] / 2);
            starts.add(r[0] + r[1] - 1);
        }
        for (long from : starts.subList(0, Math.min(starts.size(), 60))) {
            try (ContentReader r = store.content().openReader(t.id(), from)) {
                assertThat(r.readAllBytes()).as("from " + from).isEqualTo(Arrays.copyOfRange(source, (int) from, size));
            }
        }
    }

    @Test
    void aMissingRowIsDamageNotAShortOrShiftedFile() throws Exception {
        byte[] source = random(6 * CHUNK, 11);
        DeferredTransfer t = store.transfers().create(newTransfer(BOB, source.length));
        try (ContentWriter w = store.content().openWriter(t.id(), 0)) {
            w.write(source);
            w.finish();
        }
        sql("DELETE FROM transfer_content_chunk WHERE transfer_id = '" + t.id() + "' AND chunk_offset = " + 2 * CHUNK);
        // found by the batch holding it (possibly before the octets ahead of the gap were returned)
        try (ContentReader r = store.content().openReader(t.id(), 0)) {
            assertThatThrownBy(r::readAllBytes).isInstanceOf(IOException.class).hasMessageContaining("gap or overlap");
        }
        try (ContentReader r = store.content().openReader(t.id(), 2 * CHUNK + 5)) {
            assertThatThrownBy(r::readAllBytes).isInstanceOf(IOException.class);
        }
    }

    /** (chunk_offset, chunk_size) of the transfer's rows in file order. */
    private List<long[]> rows(UUID id) throws Exception {
        List<long[]> rows = new ArrayList<>();
        var c = database.config();
        try (Connection conn = DriverManager.getConnection(c.jdbcUrl(), c.user(), c.password());
             PreparedStatement q = conn.prepareStatement("SELECT chunk_offset, chunk_size FROM transfer_content_chunk"
                     + " WHERE transfer_id = ? ORDER BY chunk_offset")) {
            q.setObject(1, id);
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    rows.add(new long[] {rs.getLong(1), rs.getLong(2)});
                }
            }
        }
        return rows;
    }

    private void sql(String statement) throws Exception {
        var c = database.config();
        try (Connection conn = DriverManager.getConnection(c.jdbcUrl(), c.user(), c.password());
             Statement st = conn.createStatement()) {
            st.execute(statement);
        }
    }

    static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    static byte[] sha256(byte[] data) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(data);
    }

    static byte[] sha256(InputStream in) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        byte[] buf = new byte[8192];
        try (in) {
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
        }
        return md.digest();
    }
}
