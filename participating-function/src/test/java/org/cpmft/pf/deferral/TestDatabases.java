package org.cpmft.pf.deferral;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;
import org.cpmft.store.StoreConfig;

/**
 * Databases for the deferral tests. H2: a file database in a temporary directory. PostgreSQL:
 * the server named by {@code PF_TEST_PG_URL}, {@code PF_TEST_PG_USER}, {@code PF_TEST_PG_PASSWORD}
 * (exported by {@code .ci/test.sh}), a fresh schema per test class, dropped on close; without
 * them the PostgreSQL tests fail saying so (this module has no Testcontainers dependency).
 */
public final class TestDatabases {
    public enum Backend { H2, POSTGRES }

    public record TestDatabase(StoreConfig config, String schema, StoreConfig admin) implements AutoCloseable {
        public void clear() {
            execute(config, "DELETE FROM transfer_content_chunk", "DELETE FROM deferred_notification",
                    "DELETE FROM deferred_transfer");
        }

        @Override
        public void close() {
            if (schema != null) {
                execute(admin, "DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            }
        }
    }

    private TestDatabases() {
    }

    public static TestDatabase create(Backend backend, Path tempDir) {
        if (backend == Backend.H2) {
            return new TestDatabase(StoreConfig.embedded(tempDir.resolve("h2-" + UUID.randomUUID())), null, null);
        }
        String url = System.getenv("PF_TEST_PG_URL");
        String user = System.getenv("PF_TEST_PG_USER");
        if (url == null || url.isBlank() || user == null || user.isBlank()) {
            throw new IllegalStateException("No PostgreSQL for the deferral tests: PF_TEST_PG_URL / PF_TEST_PG_USER / "
                    + "PF_TEST_PG_PASSWORD are not set. Run the tests through .ci/test.sh, which starts a throwaway "
                    + "PostgreSQL and exports them, or set them yourself.");
        }
        StoreConfig admin = StoreConfig.postgres(url, user, System.getenv("PF_TEST_PG_PASSWORD"));
        String schema = "pf_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16).toLowerCase(Locale.ROOT);
        execute(admin, "CREATE SCHEMA " + schema);
        String schemaUrl = url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema;
        return new TestDatabase(new StoreConfig(schemaUrl, admin.user(), admin.password(), 6,
                StoreConfig.DEFAULT_CHUNK_SIZE), schema, admin);
    }

    static void execute(StoreConfig config, String... sql) {
        try (Connection c = DriverManager.getConnection(config.jdbcUrl(), config.user(), config.password());
             Statement st = c.createStatement()) {
            for (String s : sql) {
                st.execute(s);
            }
            if (!c.getAutoCommit()) {
                c.commit();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot run " + String.join("; ", sql) + " on " + config.jdbcUrl(), e);
        }
    }
}
