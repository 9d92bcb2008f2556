package org.cpmft.pf.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The baseline beside the delivery figures: how long one durable single-row UPDATE + COMMIT takes
 * on the PF's PostgreSQL at the same moment (every delivery needs a few such transactions).
 */
final class CommitProbe implements AutoCloseable {
    private final Connection connection;
    private final PreparedStatement update;
    private final List<Long> micros = new ArrayList<>();

    CommitProbe(String url, String user, String password) throws SQLException {
        connection = DriverManager.getConnection(url, user, password);
        connection.setAutoCommit(false);
        update = connection.prepareStatement("UPDATE bench_commit_probe SET n = n + 1 WHERE id = 1");
    }

    void commitOnce() throws SQLException {
        long start = System.nanoTime();
        update.executeUpdate();
        connection.commit();
        micros.add((System.nanoTime() - start) / 1000);
    }

    List<Long> micros() {
        return micros;
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }
}
