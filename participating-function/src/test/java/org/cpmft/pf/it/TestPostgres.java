package org.cpmft.pf.it;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The PostgreSQL server the test command (.ci/test.sh) starts for the run. A fresh schema-less
 * database per use keeps tests independent of each other and of earlier runs.
 */
record TestPostgres(String url, String user, String password) {

    static TestPostgres fromEnvironment() throws SQLException {
        String url = System.getenv("PF_TEST_PG_URL");
        if (url == null || url.isBlank()) {
            throw new IllegalStateException("PF_TEST_PG_URL is not set: run the tests with `bash .ci/test.sh`, "
                    + "which starts a throwaway PostgreSQL, or set PF_TEST_PG_URL/USER/PASSWORD");
        }
        TestPostgres admin = new TestPostgres(url, System.getenv("PF_TEST_PG_USER"), System.getenv("PF_TEST_PG_PASSWORD"));
        String db = "pf_it_" + Long.toHexString(System.nanoTime());
        try (Connection c = admin.connect()) {
            c.createStatement().execute("CREATE DATABASE " + db);
        }
        return new TestPostgres(url.substring(0, url.lastIndexOf('/') + 1) + db, admin.user, admin.password);
    }

    Connection connect() throws SQLException {
        return DriverManager.getConnection(url, user, password);
    }

    List<String> tables() throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = connect(); ResultSet rs = c.getMetaData().getTables(null, "public", "%", new String[] {"TABLE"})) {
            while (rs.next()) {
                out.add(rs.getString("TABLE_NAME"));
            }
        }
        return out;
    }
}
