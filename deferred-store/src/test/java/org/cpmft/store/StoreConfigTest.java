package org.cpmft.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreConfigTest {
    @Test
    void embeddedDefaultIsAnH2FileInTheDataDirectory(@TempDir Path dir) {
        StoreConfig c = StoreConfig.embedded(dir);
        assertThat(c.jdbcUrl()).startsWith("jdbc:h2:file:" + dir.toAbsolutePath().resolve("pf-store"));
        assertThat(c.chunkSize()).isEqualTo(1024 * 1024);
        assertThat(c.isPostgres()).isFalse();
        try (DeferredStore store = DeferredStore.open(c)) {
            assertThat(store.config()).isEqualTo(c);
        }
        assertThat(Files.exists(dir.resolve("pf-store.mv.db"))).isTrue();
    }

    @Test
    void rejectsBadValues() {
        assertThatThrownBy(() -> new StoreConfig("jdbc:mysql://x", "u", "p", 4, 4096))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> StoreConfig.postgres("jdbc:postgresql://h/db", "u", "p").withPoolSize(1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> StoreConfig.postgres("jdbc:postgresql://h/db", "u", "p").withChunkSize(100))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> StoreConfig.postgres("jdbc:postgresql://h/db", "u", "p")
                .withChunkSize(StoreConfig.MAX_CHUNK_SIZE + 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void toStringHidesThePassword() {
        assertThat(StoreConfig.postgres("jdbc:postgresql://h/db", "u", "s3cret").toString()).doesNotContain("s3cret");
    }

    @Test
    void openingAnUnreachableDatabaseFailsCleanly() {
        StoreConfig c = StoreConfig.postgres("jdbc:postgresql://127.0.0.1:1/none?connectTimeout=2", "u", "p");
        assertThatThrownBy(() -> DeferredStore.open(c)).isInstanceOf(StoreException.class)
                .hasMessageContaining("cannot open deferred store");
    }
}
