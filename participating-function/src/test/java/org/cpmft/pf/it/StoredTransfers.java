package org.cpmft.pf.it;

import java.io.ByteArrayOutputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * The deferred store as the tests see it: plain SQL on the PostgreSQL the PF nodes share
 * (schema: deferred-store V1__deferred_store.sql), independent of the PF's own code.
 */
final class StoredTransfers {

    record Row(UUID id, String state, long bytesStored, long bytesDelivered, Long totalSize, int attempts,
               String leaseOwner, String lastError) {
    }

    private final TestPostgres pg;

    StoredTransfers(TestPostgres pg) {
        this.pg = pg;
    }

    List<Row> rows() throws SQLException {
        List<Row> out = new ArrayList<>();
        try (Connection c = pg.connect(); ResultSet rs = c.createStatement().executeQuery(
                "SELECT id, state, bytes_stored, bytes_delivered, total_size, attempts, lease_owner, last_error"
                        + " FROM deferred_transfer ORDER BY created_at, id")) {
            while (rs.next()) {
                long total = rs.getLong(5);
                out.add(new Row(rs.getObject(1, UUID.class), rs.getString(2), rs.getLong(3), rs.getLong(4),
                        rs.wasNull() ? null : total, rs.getInt(6), rs.getString(7), rs.getString(8)));
            }
        }
        return out;
    }

    long count(String state) throws SQLException {
        return rows().stream().filter(r -> r.state().equals(state)).count();
    }

    /** Polls the table until the rows satisfy the condition; fails showing them when they do not in time. */
    List<Row> await(Predicate<List<Row>> condition, Duration timeout, String what) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<Row> rows = rows();
            if (condition.test(rows)) {
                return rows;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + " did not happen within " + timeout + "; rows:\n" + format(rows));
            }
            Thread.sleep(100);
        }
    }

    static String format(List<Row> rows) {
        StringBuilder b = new StringBuilder();
        rows.forEach(r -> b.append(r).append('\n'));
        return b.toString();
    }

    /**
     * Makes the leases of a node run out now, as if their time (2 minutes, DeferralSettings) had
     * passed: the PF has no setting for the lease length, and an integration test cannot wait it out.
     */
    int expireLeasesOf(String leaseOwner) throws SQLException {
        try (Connection c = pg.connect(); PreparedStatement ps = c.prepareStatement(
                "UPDATE deferred_transfer SET lease_until = CURRENT_TIMESTAMP - INTERVAL '1 second'"
                        + " WHERE lease_owner = ?")) {
            ps.setString(1, leaseOwner);
            return ps.executeUpdate();
        }
    }

    /** The stored octets [content_start, bytes_stored) of a transfer, from its chunk rows. */
    byte[] content(UUID id) throws SQLException {
        TreeMap<Long, byte[]> chunks = new TreeMap<>();
        long start;
        long stored;
        try (Connection c = pg.connect()) {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT content_start, bytes_stored FROM deferred_transfer WHERE id = ?")) {
                ps.setObject(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        throw new AssertionError("no transfer " + id);
                    }
                    start = rs.getLong(1);
                    stored = rs.getLong(2);
                }
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT chunk_offset, data FROM transfer_content_chunk WHERE transfer_id = ? ORDER BY chunk_offset")) {
                ps.setObject(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        chunks.put(rs.getLong(1), rs.getBytes(2));
                    }
                }
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long expected = start;
        for (var e : chunks.entrySet()) {
            if (e.getKey() != expected) {
                throw new AssertionError("chunk rows of " + id + " not contiguous at " + expected + ": " + chunks.keySet());
            }
            out.writeBytes(e.getValue());
            expected += e.getValue().length;
        }
        byte[] all = out.toByteArray();
        if (all.length < stored - start) {
            throw new AssertionError("transfer " + id + " says " + stored + " octets stored, chunk rows hold "
                    + (start + all.length));
        }
        return java.util.Arrays.copyOf(all, (int) (stored - start));
    }
}
