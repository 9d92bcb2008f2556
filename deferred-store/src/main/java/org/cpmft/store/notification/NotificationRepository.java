package org.cpmft.store.notification;

import jakarta.persistence.LockModeType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.cpmft.store.StoreException;
import org.cpmft.store.db.Transactions;
import org.cpmft.store.lease.LeaseClaimer;
import org.cpmft.store.lease.LeaseClaimer.LeasedTable;
import org.cpmft.store.lease.LeaseLostException;
import org.cpmft.store.retry.RetryPolicy;
import org.hibernate.Session;

/**
 * Deferred IMDN notifications, scheduled and leased the same way as transfers: any node may send
 * any of them, one at a time.
 */
public final class NotificationRepository {
    private static final List<String> LIVE_STATES =
            List.of(NotificationState.PENDING.name(), NotificationState.SENDING.name());

    private final Transactions tx;
    private final LeaseClaimer claimer = new LeaseClaimer(new LeasedTable("deferred_notification",
            NotificationState.PENDING.name(), NotificationState.SENDING.name()));

    public NotificationRepository(Transactions tx) {
        this.tx = tx;
    }

    /**
     * Persists a new notification inside a transaction the caller runs (used by the transfer
     * repository to queue an IMDN atomically with a transfer's end). Internal to the store.
     */
    public static void persistNew(Session s, DeferredNotification n, Instant now) {
        if (n.state() != NotificationState.PENDING || n.createdAt() != null) {
            throw new IllegalArgumentException("not a new notification: " + n);
        }
        n.created(now);
        s.persist(n);
    }

    public DeferredNotification create(DeferredNotification draft) {
        Objects.requireNonNull(draft, "draft");
        try {
            return tx.inSession(s -> {
                persistNew(s, draft, tx.now());
                s.flush();
                s.detach(draft);
                return draft;
            });
        } catch (RuntimeException e) {
            throw Transactions.wrap("cannot create notification " + draft.id(), e);
        }
    }

    public Optional<DeferredNotification> find(UUID id) {
        return Optional.ofNullable(tx.inSession(s -> s.get(DeferredNotification.class, id)));
    }

    /** Notifications not yet sent to a user, oldest first. */
    public List<DeferredNotification> findPendingFor(String toUri) {
        return tx.inSession(s -> s.createSelectionQuery(
                        "from DeferredNotification where toUri = :to and state in (:live) order by createdAt, id",
                        DeferredNotification.class)
                .setParameter("to", toUri)
                .setParameterList("live", List.of(NotificationState.PENDING, NotificationState.SENDING))
                .getResultList());
    }

    public List<DeferredNotification> claimDue(String nodeId, int max, Duration lease) {
        return claim(nodeId, max, lease, null);
    }

    /** On a third-party REGISTER of {@code toUri}: its notifications, due or not. */
    public List<DeferredNotification> claimFor(String toUri, String nodeId, int max, Duration lease) {
        Objects.requireNonNull(toUri, "toUri");
        return claim(nodeId, max, lease, toUri);
    }

    private List<DeferredNotification> claim(String nodeId, int max, Duration lease, String toUri) {
        LeaseClaimer.checkArguments(nodeId, max, lease);
        return tx.inSession(s -> {
            Instant now = tx.now();
            List<UUID> ids = claimer.claim(s, nodeId, max, now, now.plus(lease), toUri == null ? null : "to_uri", toUri);
            if (ids.isEmpty()) {
                return List.of();
            }
            return s.createSelectionQuery("from DeferredNotification where id in (:ids) order by nextAttemptAt, id",
                            DeferredNotification.class)
                    .setParameterList("ids", ids)
                    .getResultList();
        });
    }

    public void markSent(UUID id, String nodeId) {
        withLease(id, nodeId, n -> {
            n.moveTo(NotificationState.SENT, tx.now());
            n.lease(null, null);
            n.lastError(null);
        });
    }

    /** Failed attempt: retry per {@code policy}, or EXPIRED when it gives up. */
    public NotificationState rescheduleOrExpire(UUID id, String nodeId, RetryPolicy policy, String reason) {
        return withLease(id, nodeId, n -> {
            Instant now = tx.now();
            Optional<Instant> next = policy.nextAttemptAt(n.attempts(), now, n.expiresAt());
            n.lease(null, null);
            n.lastError(reason);
            if (next.isPresent()) {
                n.moveTo(NotificationState.PENDING, now);
                n.schedule(next.get());
            } else {
                n.moveTo(NotificationState.EXPIRED, now);
            }
        }).state();
    }

    /** Gives a notification up for good (the network refused it permanently): FAILED. */
    public void fail(UUID id, String nodeId, String reason) {
        withLease(id, nodeId, n -> {
            n.lease(null, null);
            n.lastError(reason);
            n.moveTo(NotificationState.FAILED, tx.now());
        });
    }

    /** Expires notifications past their expiry that no live lease protects; returns how many. */
    public int expireDue(int max) {
        LeaseClaimer.checkArguments("sweep", max, Duration.ofSeconds(1));
        return tx.inSession(s -> {
            Instant now = tx.now();
            List<UUID> ids = claimer.lockExpired(s, max, now, LIVE_STATES);
            for (UUID id : ids) {
                DeferredNotification n = s.get(DeferredNotification.class, id);
                n.lease(null, null);
                n.lastError("expired");
                n.moveTo(NotificationState.EXPIRED, now);
            }
            return ids.size();
        });
    }

    public Map<NotificationState, Long> countByState() {
        return tx.inSession(s -> {
            Map<NotificationState, Long> counts = new EnumMap<>(NotificationState.class);
            for (NotificationState st : NotificationState.values()) {
                counts.put(st, 0L);
            }
            for (Object[] row : s.createSelectionQuery(
                    "select state, count(*) from DeferredNotification group by state", Object[].class).getResultList()) {
                counts.put((NotificationState) row[0], (Long) row[1]);
            }
            return counts;
        });
    }

    public List<DeferredNotification> listAll(int offset, int limit) {
        return new ArrayList<>(tx.inSession(s -> s.createSelectionQuery(
                        "from DeferredNotification order by createdAt desc, id", DeferredNotification.class)
                .setFirstResult(offset)
                .setMaxResults(limit)
                .getResultList()));
    }

    /** Removes ended notifications last changed before {@code before}. */
    public int purgeEnded(Instant before) {
        return tx.inSession(s -> s.createMutationQuery(
                        "delete from DeferredNotification where state in (:ended) and updatedAt < :before")
                .setParameterList("ended", List.of(NotificationState.SENT, NotificationState.EXPIRED,
                        NotificationState.FAILED))
                .setParameter("before", before)
                .executeUpdate());
    }

    private DeferredNotification withLease(UUID id, String nodeId, java.util.function.Consumer<DeferredNotification> work) {
        return tx.inSession(s -> {
            DeferredNotification n = s.find(DeferredNotification.class, id, LockModeType.PESSIMISTIC_WRITE);
            if (n == null) {
                throw new StoreException("no deferred notification " + id);
            }
            if (n.state() != NotificationState.SENDING || !nodeId.equals(n.leaseOwner())) {
                throw new LeaseLostException(id, nodeId, "state " + n.state() + ", lease owner " + n.leaseOwner());
            }
            work.accept(n);
            return n;
        });
    }
}
