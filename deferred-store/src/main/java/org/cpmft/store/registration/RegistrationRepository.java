package org.cpmft.store.registration;

import jakarta.persistence.LockModeType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;
import org.cpmft.store.db.Transactions;
import org.hibernate.Session;
import org.hibernate.exception.ConstraintViolationException;

/**
 * Registration bindings of users, shared by the nodes. The rules (what a REGISTER changes, when a
 * binding counts) belong to the caller; the store makes each user's change atomic across nodes.
 */
public final class RegistrationRepository {
    /** An update that lost a race (two inserts of a user's lock row, a lock wait refused) tries again. */
    private static final int ATTEMPTS = 5;

    private final Transactions tx;

    public RegistrationRepository(Transactions tx) {
        this.tx = tx;
    }

    /**
     * What one {@link #update} did.
     *
     * @param before the user's rows before, lapsed ones included
     * @param after  the user's rows after
     */
    public record Update(List<StoredBinding> before, List<StoredBinding> after) {
    }

    /** Every row kept for the user, lapsed ones included; empty: the user is unknown. */
    public List<StoredBinding> find(String userUri) {
        Objects.requireNonNull(userUri, "userUri");
        return tx.inSession(s -> rowsOf(s, userUri).stream().map(RegistrationBinding::binding).toList());
    }

    /** The rows with their writer and time, for operators. */
    public List<RegistrationBinding> rows(String userUri) {
        return tx.inSession(s -> rowsOf(s, userUri));
    }

    private static List<RegistrationBinding> rowsOf(Session s, String userUri) {
        return s.createSelectionQuery(
                        "from RegistrationBinding where userUri = :u order by expiresAt desc, id", RegistrationBinding.class)
                .setParameter("u", userUri)
                .getResultList();
    }

    /**
     * Replaces the user's rows with {@code change} applied to them, atomically with respect to
     * other updates of the same user on any node. {@code change} may run more than once (after a
     * lost race) and must be a pure function of its argument. Rows of one device (same
     * instance, else same contact) collapse to the last one returned. The user's lapsed row without
     * contact or instance is the lock every update takes first: the first update of a user writes it
     * (and leaves it), the next one replaces it like any row and the one after writes it again.
     *
     * @param nodeId written with each row: which node was told
     */
    public Update update(String userUri, String nodeId, UnaryOperator<List<StoredBinding>> change) {
        Objects.requireNonNull(userUri, "userUri");
        Objects.requireNonNull(nodeId, "nodeId");
        Objects.requireNonNull(change, "change");
        for (int attempt = 1; ; attempt++) {
            try {
                return tx.inSession(s -> update(s, userUri, nodeId, change));
            } catch (RuntimeException e) {
                if (attempt == ATTEMPTS || !isRetryable(e)) {
                    throw Transactions.wrap("cannot update registration of " + userUri, e);
                }
            }
        }
    }

    private Update update(Session s, String userUri, String nodeId, UnaryOperator<List<StoredBinding>> change) {
        Instant now = tx.now();
        StoredBinding anchor = new StoredBinding(null, null, now);
        // First the user's lock: the row without contact or instance, inserted when there is none (two
        // first updates collide on its unique key; one fails and retries). Only then the user's rows, in a
        // statement of its own, so that they include all the previous holder committed: a FOR UPDATE
        // over the rows themselves does not wait for rows another update is inserting.
        RegistrationBinding lock = s.createSelectionQuery(
                        "from RegistrationBinding where userUri = :u and deviceKey = :k", RegistrationBinding.class)
                .setParameter("u", userUri)
                .setParameter("k", anchor.deviceKey())
                .setLockMode(LockModeType.PESSIMISTIC_WRITE)
                .uniqueResult();
        RegistrationBinding inserted = null;
        if (lock == null) {
            inserted = RegistrationBinding.of(userUri, anchor, now, nodeId);
            s.persist(inserted);
            s.flush();
        }
        RegistrationBinding fresh = inserted;
        List<RegistrationBinding> rows = rowsOf(s, userUri).stream().filter(r -> r != fresh).toList();
        List<StoredBinding> before = rows.stream().map(RegistrationBinding::binding).toList();
        Map<String, StoredBinding> next = new LinkedHashMap<>();
        for (StoredBinding b : change.apply(before)) {
            next.remove(b.deviceKey());
            next.put(b.deviceKey(), b);
        }
        Map<String, RegistrationBinding> existing = new LinkedHashMap<>();
        for (RegistrationBinding r : rows) {
            existing.put(r.deviceKey(), r);
        }
        for (Map.Entry<String, StoredBinding> e : next.entrySet()) {
            RegistrationBinding row = existing.remove(e.getKey());
            if (row == null && fresh != null && e.getKey().equals(fresh.deviceKey())) {
                row = fresh;
            }
            if (row == null) {
                s.persist(RegistrationBinding.of(userUri, e.getValue(), now, nodeId));
            } else {
                row.set(e.getValue(), now, nodeId);
            }
        }
        existing.values().forEach(s::remove);
        s.flush();
        return new Update(before, new ArrayList<>(next.values()));
    }

    /** A lost race: a unique key taken meanwhile, or the database refusing a lock wait (H2 90131, 40001). */
    private static boolean isRetryable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConstraintViolationException) {
                return true;
            }
            if (t instanceof java.sql.SQLException sql && sql.getSQLState() != null
                    && (sql.getSQLState().equals("90131") || sql.getSQLState().startsWith("40"))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Deletes up to {@code max} rows that lapsed before {@code before}, oldest first; returns how
     * many. A user whose last row goes becomes unknown.
     */
    public int pruneLapsed(Instant before, int max) {
        Objects.requireNonNull(before, "before");
        if (max < 1) {
            throw new IllegalArgumentException("max must be >= 1: " + max);
        }
        return tx.inSession(s -> s.createNativeMutationQuery("DELETE FROM registration_binding WHERE id IN ("
                        + "SELECT id FROM registration_binding WHERE expires_at < :before"
                        + " ORDER BY expires_at FETCH FIRST " + max + " ROWS ONLY)")
                .setParameter("before", before)
                .executeUpdate());
    }

    /** Rows kept, lapsed ones included. */
    public long count() {
        return tx.inSession(s -> s.createSelectionQuery("select count(*) from RegistrationBinding", Long.class)
                .getSingleResult());
    }
}
