package org.cpmft.store.lease;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import org.hibernate.Session;

/**
 * Claims due rows of a leased work table for one node, so that nodes sharing a database never
 * work on the same row at once.
 *
 * <p>Algorithm, in one transaction:
 * <ol>
 *   <li>{@code SELECT id ... WHERE (waiting and due) OR (active and lease ran out) ORDER BY
 *       next_attempt_at FETCH FIRST n ROWS ONLY FOR UPDATE SKIP LOCKED}: rows another node is
 *       claiming right now are locked by it and skipped, not waited for;</li>
 *   <li>{@code UPDATE ... SET state = active, lease_owner = node, lease_until = now + lease,
 *       attempts = attempts + 1} for the selected ids.</li>
 * </ol>
 * After commit, the lease itself (not a database lock) keeps other nodes away until
 * {@code lease_until}. PostgreSQL and H2 2.x both implement {@code SKIP LOCKED} with row locks.
 */
public final class LeaseClaimer {
    /**
     * A table following the lease column convention: id, state, next_attempt_at, expires_at,
     * lease_owner, lease_until, attempts, updated_at, version.
     */
    public record LeasedTable(String table, String waitingState, String activeState) {
        public LeasedTable {
            Objects.requireNonNull(table);
            Objects.requireNonNull(waitingState);
            Objects.requireNonNull(activeState);
        }
    }

    /** Upper bound of rows one claim may take, so one node cannot hoard the backlog. */
    public static final int MAX_CLAIM = 1000;

    private final LeasedTable table;

    public LeaseClaimer(LeasedTable table) {
        this.table = table;
    }

    public static void checkArguments(String nodeId, int max, Duration lease) {
        if (nodeId == null || nodeId.isBlank() || nodeId.length() > 255) {
            throw new IllegalArgumentException("nodeId must be 1..255 characters: " + nodeId);
        }
        if (max < 1 || max > MAX_CLAIM) {
            throw new IllegalArgumentException("max must be within 1.." + MAX_CLAIM + ": " + max);
        }
        if (lease == null || lease.isNegative() || lease.isZero()) {
            throw new IllegalArgumentException("lease must be positive: " + lease);
        }
    }

    /**
     * Claims up to {@code max} rows that are due at {@code now}.
     *
     * @param recipientColumn when not null, only rows whose column equals {@code recipient}, and
     *                        regardless of next_attempt_at (the recipient just registered)
     * @return the claimed ids, in due order
     */
    public List<UUID> claim(Session session, String nodeId, int max, Instant now, Instant leaseUntil,
                            String recipientColumn, String recipient) {
        String waitingDue = recipientColumn == null
                ? "(state = :waiting AND next_attempt_at <= :now)"
                : "state = :waiting";
        String sql = "SELECT id FROM " + table.table()
                + " WHERE expires_at > :now"
                + (recipientColumn == null ? "" : " AND " + recipientColumn + " = :recipient")
                + " AND (" + waitingDue + " OR (state = :active AND lease_until <= :now))"
                + " ORDER BY next_attempt_at, id"
                + " FETCH FIRST " + max + " ROWS ONLY"
                + " FOR UPDATE SKIP LOCKED";
        var select = session.createNativeQuery(sql, UUID.class)
                .setParameter("now", now)
                .setParameter("waiting", table.waitingState())
                .setParameter("active", table.activeState());
        if (recipientColumn != null) {
            select.setParameter("recipient", recipient);
        }
        List<UUID> ids = select.getResultList();
        if (ids.isEmpty()) {
            return ids;
        }
        int updated = session.createNativeMutationQuery("UPDATE " + table.table()
                        + " SET state = :active, lease_owner = :owner, lease_until = :until,"
                        + " attempts = attempts + 1, updated_at = :now, version = version + 1"
                        + " WHERE id IN (:ids)")
                .setParameter("active", table.activeState())
                .setParameter("owner", nodeId)
                .setParameter("until", leaseUntil)
                .setParameter("now", now)
                .setParameterList("ids", ids)
                .executeUpdate();
        if (updated != ids.size()) {
            throw new IllegalStateException("claimed " + ids.size() + " rows of " + table.table()
                    + " but updated " + updated);
        }
        return ids;
    }

    /**
     * Selects and locks up to {@code max} rows past their expiry that no live lease protects,
     * for the expiry sweep.
     */
    public List<UUID> lockExpired(Session session, int max, Instant now, List<String> liveStates) {
        String sql = "SELECT id FROM " + table.table()
                + " WHERE expires_at <= :now AND state IN (:states)"
                + " AND (state <> :active OR lease_until <= :now)"
                + " ORDER BY expires_at, id"
                + " FETCH FIRST " + max + " ROWS ONLY"
                + " FOR UPDATE SKIP LOCKED";
        return session.createNativeQuery(sql, UUID.class)
                .setParameter("now", now)
                .setParameterList("states", liveStates)
                .setParameter("active", table.activeState())
                .getResultList();
    }
}
