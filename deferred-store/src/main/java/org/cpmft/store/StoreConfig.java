package org.cpmft.store;

import java.nio.file.Path;
import java.util.Objects;

/**
 * How to reach the deferred store database and how to lay out content.
 *
 * <p>Default: an embedded H2 file database {@code <dataDir>/pf-store.mv.db} for a single node.
 * Several PF nodes share one PostgreSQL instead ({@link #postgres}).
 *
 * @param jdbcUrl   JDBC URL of an H2 or PostgreSQL database
 * @param user      database user
 * @param password  database password (may be empty)
 * @param poolSize  maximum JDBC connections held by this node
 * @param chunkSize the content writer's buffer: octets per content row, fewer where a flush cut
 *                  it (a flush appends what it makes durable as a row of its own)
 */
public record StoreConfig(String jdbcUrl, String user, String password, int poolSize, int chunkSize) {
    public static final int DEFAULT_POOL_SIZE = 8;
    /** Rows are cut by flushes anyway; a full row per commit only when no flush comes first. */
    public static final int DEFAULT_CHUNK_SIZE = 1024 * 1024;
    /** The largest row we write; keeps a chunk well inside one JDBC bind and one H2 page. */
    public static final int MAX_CHUNK_SIZE = 16 * 1024 * 1024;

    public StoreConfig {
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        if (!jdbcUrl.startsWith("jdbc:h2:") && !jdbcUrl.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException("only H2 and PostgreSQL are supported: " + jdbcUrl);
        }
        Objects.requireNonNull(user, "user");
        password = password == null ? "" : password;
        if (poolSize < 2) {
            // the content writer and a lease claim may each need a connection at once
            throw new IllegalArgumentException("poolSize must be >= 2: " + poolSize);
        }
        if (chunkSize < 1024 || chunkSize > MAX_CHUNK_SIZE) {
            throw new IllegalArgumentException("chunkSize must be within 1 KiB..16 MiB: " + chunkSize);
        }
    }

    /**
     * The embedded default. {@code WRITE_DELAY=0} makes H2 write each commit to the file before
     * the commit returns, so an acknowledged byte survives a crash of the process.
     */
    public static StoreConfig embedded(Path dataDir) {
        Path db = dataDir.toAbsolutePath().resolve("pf-store");
        return new StoreConfig("jdbc:h2:file:" + db + ";WRITE_DELAY=0", "sa", "", DEFAULT_POOL_SIZE,
                DEFAULT_CHUNK_SIZE);
    }

    public static StoreConfig postgres(String jdbcUrl, String user, String password) {
        return new StoreConfig(jdbcUrl, user, password, DEFAULT_POOL_SIZE, DEFAULT_CHUNK_SIZE);
    }

    public StoreConfig withPoolSize(int value) {
        return new StoreConfig(jdbcUrl, user, password, value, chunkSize);
    }

    public StoreConfig withChunkSize(int value) {
        return new StoreConfig(jdbcUrl, user, password, poolSize, value);
    }

    public boolean isPostgres() {
        return jdbcUrl.startsWith("jdbc:postgresql:");
    }

    /** No password in here: this is what gets logged. */
    @Override
    public String toString() {
        return "StoreConfig[jdbcUrl=" + jdbcUrl + ", user=" + user + ", poolSize=" + poolSize + ", chunkSize="
                + chunkSize + "]";
    }
}
