package org.cpmft.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.cpmft.store.TestDatabases.Backend;
import org.cpmft.store.TestDatabases.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Flyway migrations: applied once, re-open is a no-op, entities validate against the schema. */
public abstract class MigrationContract {
    protected abstract Backend backend();

    /** Flyway creates the history table quoted on H2 (upper-case names elsewhere) and plain on PostgreSQL. */
    static String historyQuery(Backend backend) {
        return backend == Backend.H2
                ? "SELECT \"version\", \"success\" FROM \"flyway_schema_history\" ORDER BY \"installed_rank\""
                : "SELECT version, success FROM flyway_schema_history ORDER BY installed_rank";
    }

    @Test
    void migratesOnceAndReopensOnTheSameSchema(@TempDir Path dir) throws Exception {
        try (TestDatabase db = TestDatabases.create(backend(), dir)) {
            try (DeferredStore store = DeferredStore.open(db.config(), Clock.systemUTC())) {
                assertThat(store.transfers().countByState().values()).allMatch(n -> n == 0L);
            }
            // the second open finds nothing to migrate and Hibernate's validation still passes
            try (DeferredStore store = DeferredStore.open(db.config(), Clock.systemUTC())) {
                assertThat(store.transfers().listAll(0, 1)).isEmpty();
            }
            List<String> applied = new ArrayList<>();
            StoreConfig c = db.config();
            try (Connection conn = DriverManager.getConnection(c.jdbcUrl(), c.user(), c.password());
                 Statement st = conn.createStatement();
                 ResultSet rs = st.executeQuery(
                         MigrationContract.historyQuery(backend()))) {
                while (rs.next()) {
                    if (rs.getString(1) == null) {
                        continue; // Flyway's own schema-creation marker row
                    }
                    applied.add(rs.getString(1) + ":" + rs.getBoolean(2));
                }
            }
            assertThat(applied).contains("1:true", "3:true").allMatch(v -> v.endsWith(":true"));
            // V2 (content column stored EXTERNAL) is PostgreSQL-only: db/postgresql
            if (backend() == Backend.POSTGRES) {
                assertThat(applied).contains("2:true");
                try (Connection conn = DriverManager.getConnection(c.jdbcUrl(), c.user(), c.password());
                     Statement st = conn.createStatement();
                     ResultSet rs = st.executeQuery("SELECT a.attstorage FROM pg_attribute a"
                             + " WHERE a.attrelid = 'transfer_content_chunk'::regclass AND a.attname = 'data'")) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getString(1)).isEqualTo("e");
                }
            } else {
                assertThat(applied).noneMatch(v -> v.startsWith("2:"));
            }
        }
    }
}
