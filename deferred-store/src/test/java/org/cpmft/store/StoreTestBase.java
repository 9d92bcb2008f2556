package org.cpmft.store;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.cpmft.store.TestDatabases.Backend;
import org.cpmft.store.TestDatabases.TestDatabase;
import org.cpmft.store.retry.RetryPolicy;
import org.cpmft.store.transfer.DeferredTransfer;
import org.cpmft.store.transfer.FileDescription;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * One store per test class on the backend the subclass names; tables emptied and the clock reset
 * before each test.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class StoreTestBase {
    protected static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
    protected static final RetryPolicy POLICY =
            new RetryPolicy(Duration.ofSeconds(30), 2.0, Duration.ofMinutes(10), 5, Duration.ofDays(1));

    protected final MutableClock clock = new MutableClock(T0);
    protected TestDatabase database;
    protected DeferredStore store;

    protected abstract Backend backend();

    /** Chunk size for this class; small by default so tests cross many chunk borders. */
    protected int chunkSize() {
        return 4096;
    }

    @BeforeAll
    void openStore(@TempDir Path tempDir) {
        database = TestDatabases.create(backend(), tempDir);
        store = DeferredStore.open(database.config().withChunkSize(chunkSize()), clock);
    }

    @AfterAll
    void closeStore() {
        if (store != null) {
            store.close();
        }
        if (database != null) {
            database.close();
        }
    }

    @BeforeEach
    void reset() {
        database.clear();
        clock.set(T0);
    }

    /** A new RECEIVING transfer, due after the policy's first delay. */
    protected DeferredTransfer newTransfer(String recipient, long size) {
        FileDescription file = new FileDescription("photo.jpg", "image/jpeg", size, "sha-1:00:11");
        return DeferredTransfer.receiving(UUID.randomUUID(), "sip:alice@example.com", recipient, file,
                POLICY.firstAttemptAt(clock.instant()), POLICY.expiresAt(clock.instant()));
    }
}
