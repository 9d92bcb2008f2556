package org.cpmft.store.content;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.cpmft.store.DeferredStore;
import org.cpmft.store.StoreConfig;
import org.cpmft.store.TestDatabases;
import org.cpmft.store.TestDatabases.Backend;
import org.cpmft.store.TestDatabases.TestDatabase;
import org.cpmft.store.transfer.DeferredTransfer;
import org.cpmft.store.transfer.FileDescription;
import org.cpmft.store.transfer.TransferState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A writer process dies abruptly (Runtime.halt, no shutdown hooks, no close): every octet it
 * reported durable must be there after restart, and the transfer must resume from bytesStored
 * to an intact file.
 */
public abstract class CrashResumeContract {
    private static final int CHUNK = 64 * 1024;
    private static final int SIZE = 1024 * 1024 + 7;
    private static final long SEED = 42;

    protected abstract Backend backend();

    @Test
    void flushedContentSurvivesAProcessCrashAndTheTransferResumes(@TempDir Path dir) throws Exception {
        crashAndResume(dir, 300_000);
    }

    /**
     * Many flushes inside each chunk (a row per flush, as at the relay's per-SEND cadence), then a
     * crash with unflushed octets: what was flushed reads back exactly, rows without gap or overlap.
     */
    @Test
    void partiallyFlushedChunksSurviveAProcessCrashWithoutGapOrOverlap(@TempDir Path dir) throws Exception {
        crashAndResume(dir, 10_007);
    }

    private void crashAndResume(Path dir, int flushEvery) throws Exception {
        try (TestDatabase db = TestDatabases.create(backend(), dir)) {
            StoreConfig config = db.config().withChunkSize(CHUNK);
            UUID id = UUID.randomUUID();
            Instant now = Instant.now();
            try (DeferredStore store = DeferredStore.open(config, Clock.systemUTC())) {
                store.transfers().create(DeferredTransfer.receiving(id, "sip:alice@example.com", "sip:bob@example.com",
                        new FileDescription("big.bin", "application/octet-stream", (long) SIZE, null),
                        now.plusSeconds(30), now.plus(Duration.ofDays(1))));
            } // H2 allows one process per database file: the child opens it next

            int flushAt = 300_000;
            int unflushed = 100_000; // crosses a chunk border: one more chunk commits by itself
            String report = runChild(config, id, flushAt, unflushed, flushEvery);
            long durable = Long.parseLong(report.split(" ")[1]);
            assertThat(durable).isBetween((long) flushAt, (long) flushAt + unflushed);
            System.out.printf("%s crash test: child reported %s%n", backend(), report);

            byte[] source = ContentStoreContract.random(SIZE, SEED);
            try (DeferredStore store = DeferredStore.open(config, Clock.systemUTC())) {
                DeferredTransfer t = store.transfers().show(id);
                assertThat(t.bytesStored()).isEqualTo(durable);
                assertThat(t.state()).isEqualTo(TransferState.RECEIVING);
                assertThat(store.content().openReader(id, 0).readAllBytes())
                        .isEqualTo(Arrays.copyOf(source, (int) durable));
                assertContiguousRows(config, id, durable);

                try (ContentWriter w = store.content().openWriter(id, t.bytesStored())) {
                    w.write(source, (int) durable, SIZE - (int) durable);
                    w.finish();
                }
                assertThat(store.content().digest(id, "SHA-256")).isEqualTo(ContentStoreContract.sha256(source));
            }
        }
    }

    /** Rows start where the previous one ends, none empty or longer than a chunk, and end at {@code end}. */
    private static void assertContiguousRows(StoreConfig config, UUID id, long end) throws Exception {
        long expected = 0;
        try (Connection c = DriverManager.getConnection(config.jdbcUrl(), config.user(), config.password());
             PreparedStatement q = c.prepareStatement("SELECT chunk_offset, chunk_size, data FROM transfer_content_chunk"
                     + " WHERE transfer_id = ? ORDER BY chunk_offset")) {
            q.setObject(1, id);
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    assertThat(rs.getLong(1)).as("row start").isEqualTo(expected);
                    assertThat(rs.getInt(2)).isBetween(1, CHUNK).isEqualTo(rs.getBytes(3).length);
                    expected += rs.getInt(2);
                }
            }
        }
        assertThat(expected).as("end of the last row").isEqualTo(end);
    }

    private static String runChild(StoreConfig config, UUID id, int flushAt, int unflushed, int flushEvery)
            throws Exception {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                CrashingWriterMain.class.getName(),
                config.jdbcUrl(), config.user(), config.password(), Integer.toString(config.chunkSize()),
                id.toString(), Integer.toString(flushAt), Integer.toString(unflushed),
                Integer.toString(SIZE), Long.toString(SEED), Integer.toString(flushEvery)));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String report = null;
        StringBuilder all = new StringBuilder();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = out.readLine()) != null; ) {
                all.append(line).append('\n');
                if (line.startsWith("DURABLE ")) {
                    report = line;
                }
            }
        }
        if (!p.waitFor(90, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("crashing writer did not end:\n" + all);
        }
        assertThat(p.exitValue()).as(all.toString()).isEqualTo(137);
        assertThat(report).as(all.toString()).isNotNull();
        return report;
    }
}
