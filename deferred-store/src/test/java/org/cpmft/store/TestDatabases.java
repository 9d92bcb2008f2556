package org.cpmft.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.PostgreSQLContainer;

/**
 * Where tests get their databases. H2: a file database in a temporary directory. PostgreSQL, in
 * this order: a Testcontainers container when a Docker engine is available; else the server
 * named by {@code PF_TEST_PG_URL}, {@code PF_TEST_PG_USER}, {@code PF_TEST_PG_PASSWORD} (as
 * {@code .ci/test.sh} exports them); else the test fails, saying so. Each PostgreSQL test database
 * is a fresh schema, dropped by {@link TestDatabase#close()}.
 */
public final class TestDatabases {
    public enum Backend { H2, POSTGRES }

    /** A database for one test class: its config, and clean-up. */
    public record TestDatabase(StoreConfig config, String schema) implements AutoCloseable {
        /** Empties every store table (fast reset between tests). */
        public void clear() {
            execute(config, "DELETE FROM transfer_content_chunk", "DELETE FROM deferred_notification",
                    "DELETE FROM deferred_transfer", "DELETE FROM registration_binding");
        }

        @Override
        public void close() {
            if (schema != null) {
                execute(PostgresServer.get().base(), "DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            }
        }
    }

    private TestDatabases() {
    }

    public static TestDatabase create(Backend backend, Path tempDir) {
        return switch (backend) {
            case H2 -> new TestDatabase(StoreConfig.embedded(tempDir.resolve("h2-" + UUID.randomUUID())), null);
            case POSTGRES -> postgresSchema();
        };
    }

    private static TestDatabase postgresSchema() {
        StoreConfig base = PostgresServer.get().base();
        String schema = "t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16).toLowerCase(Locale.ROOT);
        execute(base, "CREATE SCHEMA " + schema);
        String url = base.jdbcUrl() + (base.jdbcUrl().contains("?") ? "&" : "?") + "currentSchema=" + schema;
        return new TestDatabase(new StoreConfig(url, base.user(), base.password(), 4, base.chunkSize()), schema);
    }

    static void execute(StoreConfig config, String... sql) {
        try (Connection c = DriverManager.getConnection(config.jdbcUrl(), config.user(), config.password());
             Statement st = c.createStatement()) {
            for (String s : sql) {
                st.execute(s);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot run " + String.join("; ", sql) + " on " + config.jdbcUrl(), e);
        }
    }

    /** The one PostgreSQL server of this test JVM. */
    private static final class PostgresServer {
        private static PostgresServer instance;
        private final StoreConfig base;

        private PostgresServer(StoreConfig base) {
            this.base = base;
        }

        static synchronized PostgresServer get() {
            if (instance == null) {
                instance = new PostgresServer(locate());
            }
            return instance;
        }

        StoreConfig base() {
            return base;
        }

        private static StoreConfig locate() {
            if (dockerAvailable()) {
                // Stopped by Testcontainers' reaper when the JVM exits.
                PostgreSQLContainer<?> pg = new PostgreSQLContainer<>("postgres:15-alpine");
                pg.start();
                return StoreConfig.postgres(pg.getJdbcUrl(), pg.getUsername(), pg.getPassword());
            }
            String url = System.getenv("PF_TEST_PG_URL");
            String user = System.getenv("PF_TEST_PG_USER");
            String password = System.getenv("PF_TEST_PG_PASSWORD");
            if (url == null || url.isBlank() || user == null || user.isBlank()) {
                throw new IllegalStateException("No PostgreSQL for the deferred-store tests: no Docker engine for "
                        + "Testcontainers and PF_TEST_PG_URL / PF_TEST_PG_USER / PF_TEST_PG_PASSWORD are not set. "
                        + "Run the tests through .ci/test.sh, which starts a throwaway PostgreSQL and exports "
                        + "them, or set them yourself (e.g. PF_TEST_PG_URL=jdbc:postgresql://127.0.0.1:55432/postgres).");
            }
            return StoreConfig.postgres(url, user, password);
        }

        private static boolean dockerAvailable() {
            try {
                return DockerClientFactory.instance().isDockerAvailable();
            } catch (RuntimeException | LinkageError e) {
                return false;
            }
        }
    }
}
