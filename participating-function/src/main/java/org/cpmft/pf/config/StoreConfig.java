package org.cpmft.pf.config;

import java.nio.file.Path;

/**
 * The deferred store database and where files are kept.
 *
 * @param jdbcUrl   the database; by default an embedded H2 file database under {@code dataDir}
 * @param user      database user, empty for none
 * @param password  database password, empty for none; never printed by {@link #toString()}
 * @param chunkSize bytes per stored content chunk
 */
public record StoreConfig(String jdbcUrl, String user, String password, Path dataDir, int poolSize, int chunkSize) {

    public StoreConfig {
        if (!Check.present("store.jdbcUrl", jdbcUrl).startsWith("jdbc:") || jdbcUrl.length() <= 5) {
            throw new ConfigException("store.jdbcUrl", "'" + jdbcUrl + "' is not a JDBC URL (jdbc:...)");
        }
        user = user == null ? "" : user;
        password = password == null ? "" : password;
        Check.present("store.dataDir", dataDir);
        Check.intRange("store.poolSize", poolSize, 1, 1000);
        // Bounds keep one chunk a sensible unit of work: not a row per byte, not a heap-sized blob.
        Check.intRange("store.chunkSize", chunkSize, 1024, 64 << 20);
    }

    /**
     * The URL used when store.jdbcUrl is not set: H2 in PostgreSQL mode, one file under dataDir. The PF
     * closes the store itself on shutdown, after the deferral engine has stopped; H2's own shutdown hook
     * (DB_CLOSE_ON_EXIT) closed it under the engine's last round.
     */
    public static String embeddedUrl(Path dataDir) {
        String dir = dataDir.toAbsolutePath().normalize().toString();
        if (dir.indexOf(';') >= 0) {
            throw new ConfigException("store.dataDir", "'" + dir + "' contains ';', which cannot be put in a JDBC URL");
        }
        return "jdbc:h2:file:" + dir + "/store/pf;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_ON_EXIT=FALSE";
    }

    public boolean isEmbedded() {
        return jdbcUrl.startsWith("jdbc:h2:");
    }

    @Override
    public String toString() {
        return "StoreConfig[jdbcUrl=" + jdbcUrl + ", user=" + user + ", password=" + (password.isEmpty() ? "" : "****")
                + ", dataDir=" + dataDir + ", poolSize=" + poolSize + ", chunkSize=" + chunkSize + "]";
    }
}
