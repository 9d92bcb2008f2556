package org.cpmft.store.content;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.cpmft.store.StoreConfig;
import org.cpmft.store.transfer.TransferState;

/**
 * The SQL of the content hot path, plain JDBC (same text on H2 and PostgreSQL). Rows of one
 * transfer are contiguous: each starts at the file offset where the previous one ends, so the
 * next row is always found by its exact offset.
 */
final class ChunkRows {
    /** One stored row: {@code data} holds the octets from file offset {@code offset}. */
    record Row(long offset, byte[] data) {
        long end() {
            return offset + data.length;
        }
    }

    private static final String INSERT =
            "INSERT INTO transfer_content_chunk (transfer_id, chunk_offset, chunk_size, data) VALUES (?, ?, ?, ?)";
    /** A stored octet also ends an abandonment (V4): the sender came back and resumed. */
    private static final String ADVANCE = "UPDATE deferred_transfer SET bytes_stored = ?, updated_at = ?,"
            + " abandoned_at = NULL, version = version + 1 WHERE id = ? AND bytes_stored = ? AND state = '" + TransferState.RECEIVING.name()
            + "'";
    private static final String ROWS_FROM = "SELECT chunk_offset, chunk_size, data FROM transfer_content_chunk"
            + " WHERE transfer_id = ? AND chunk_offset >= ? AND chunk_offset < ? ORDER BY chunk_offset";
    /**
     * Start of the row holding an offset. Rows are at most {@link StoreConfig#MAX_CHUNK_SIZE}
     * long, so the search is bounded below: H2 answers a descending query by walking forward
     * from the lower bound, which without one is every earlier row of the file.
     */
    private static final String ROW_START_AT = "SELECT chunk_offset FROM transfer_content_chunk"
            + " WHERE transfer_id = ? AND chunk_offset > ? AND chunk_offset <= ? ORDER BY chunk_offset DESC";

    private ChunkRows() {
    }

    /**
     * Appends one row and moves {@code bytes_stored} from {@code expectedStored} to the row's end,
     * in the caller's transaction.
     *
     * @return false when the transfer is not RECEIVING at {@code expectedStored} any more (another
     *         writer, or it ended); nothing was written then
     */
    static boolean append(Connection c, UUID id, long expectedStored, byte[] data, int length, Instant now)
            throws SQLException {
        // The transfer row first: it locks out a concurrent writer before its row insert can clash.
        try (PreparedStatement up = c.prepareStatement(ADVANCE)) {
            up.setLong(1, expectedStored + length);
            up.setObject(2, OffsetDateTime.ofInstant(now, ZoneOffset.UTC));
            up.setObject(3, id);
            up.setLong(4, expectedStored);
            if (up.executeUpdate() != 1) {
                return false;
            }
        }
        try (PreparedStatement ins = c.prepareStatement(INSERT)) {
            ins.setObject(1, id);
            ins.setLong(2, expectedStored);
            ins.setInt(3, length);
            ins.setBytes(4, length == data.length ? data : java.util.Arrays.copyOf(data, length));
            ins.executeUpdate();
        }
        return true;
    }

    /**
     * Rows starting in {@code [from, from + window)}, in file order (at least the one at
     * {@code from} when there is one, however long).
     */
    static List<Row> rowsFrom(Connection c, UUID id, long from, int window) throws SQLException {
        List<Row> rows = new ArrayList<>();
        try (PreparedStatement q = c.prepareStatement(ROWS_FROM)) {
            q.setObject(1, id);
            q.setLong(2, from);
            q.setLong(3, from + Math.max(1, window));
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    long offset = rs.getLong(1);
                    int size = rs.getInt(2);
                    byte[] data = rs.getBytes(3);
                    if (data == null || data.length != size) {
                        throw new DamagedContentException("damaged chunk of " + id + " at " + offset + ": size " + size
                                + " but " + (data == null ? 0 : data.length) + " octets");
                    }
                    rows.add(new Row(offset, data));
                }
            }
        }
        return rows;
    }

    /**
     * The transfer's state and {@code bytes_stored} as committed, or null when there is no such
     * transfer: what a writer whose commit failed checks to learn whether it happened.
     */
    static Stored stored(Connection c, UUID id) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("SELECT state, bytes_stored FROM deferred_transfer WHERE id = ?")) {
            q.setObject(1, id);
            try (ResultSet rs = q.executeQuery()) {
                return rs.next() ? new Stored(TransferState.valueOf(rs.getString(1)), rs.getLong(2)) : null;
            }
        }
    }

    record Stored(TransferState state, long bytesStored) {
    }

    /** File offset where the row holding {@code position} starts, or -1 when no row holds it. */
    static long rowStartAt(Connection c, UUID id, long position) throws SQLException {
        try (PreparedStatement q = c.prepareStatement(ROW_START_AT)) {
            q.setObject(1, id);
            q.setLong(2, position - StoreConfig.MAX_CHUNK_SIZE);
            q.setLong(3, position);
            q.setMaxRows(1);
            try (ResultSet rs = q.executeQuery()) {
                return rs.next() ? rs.getLong(1) : -1;
            }
        }
    }

    /** Raised inside a fetch when a row does not hold what its size says. */
    static final class DamagedContentException extends SQLException {
        DamagedContentException(String message) {
            super(message);
        }
    }
}
