package org.cpmft.store.transfer;

import jakarta.persistence.LockModeType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import org.cpmft.store.StoreException;
import org.cpmft.store.db.Transactions;
import org.cpmft.store.lease.LeaseClaimer;
import org.cpmft.store.lease.LeaseClaimer.LeasedTable;
import org.cpmft.store.lease.LeaseLostException;
import org.cpmft.store.notification.DeferredNotification;
import org.cpmft.store.notification.NotificationRepository;
import org.cpmft.store.retry.RetryPolicy;
import org.hibernate.Session;

/**
 * Deferred transfer records: creation, delivery scheduling with leases, ending, and the queries
 * the operator CLI and metrics need. Content goes through {@code ContentStore}.
 *
 * <p>Every method runs in its own transaction. Methods taking a {@code nodeId} act only while
 * that node holds the lease and throw {@link LeaseLostException} otherwise.
 */
public final class TransferRepository {
    private static final String TABLE = "deferred_transfer";
    private static final List<String> LIVE_STATES =
            List.of(TransferState.RECEIVING.name(), TransferState.STORED.name(), TransferState.DELIVERING.name());

    private final Transactions tx;
    private final LeaseClaimer claimer = new LeaseClaimer(
            new LeasedTable(TABLE, TransferState.STORED.name(), TransferState.DELIVERING.name()));

    public TransferRepository(Transactions tx) {
        this.tx = tx;
    }

    /** Stores a new transfer in state RECEIVING and returns it as stored. */
    public DeferredTransfer create(DeferredTransfer draft) {
        Objects.requireNonNull(draft, "draft");
        if (draft.state() != TransferState.RECEIVING || draft.createdAt() != null) {
            throw new IllegalArgumentException("not a new transfer: " + draft);
        }
        try {
            return tx.inSession(s -> {
                draft.created(tx.now());
                s.persist(draft);
                s.flush();
                s.detach(draft);
                return draft;
            });
        } catch (RuntimeException e) {
            throw Transactions.wrap("cannot create transfer " + draft.id(), e);
        }
    }

    public Optional<DeferredTransfer> find(UUID id) {
        return Optional.ofNullable(tx.inSession(s -> s.get(DeferredTransfer.class, id)));
    }

    /** The operator CLI's {@code show}. */
    public DeferredTransfer show(UUID id) {
        return find(id).orElseThrow(() -> new StoreException("no deferred transfer " + id));
    }

    /**
     * Transfers not yet ended for a recipient, oldest first: what a third-party REGISTER of that
     * user may deliver. URIs compare exactly, so the caller normalises them the same way on
     * both paths.
     */
    public List<DeferredTransfer> findByRecipient(String recipientUri) {
        return tx.inSession(s -> s.createSelectionQuery(
                        "from DeferredTransfer where recipientUri = :r and state in (:states) order by createdAt, id",
                        DeferredTransfer.class)
                .setParameter("r", recipientUri)
                .setParameterList("states", List.of(TransferState.RECEIVING, TransferState.STORED,
                        TransferState.DELIVERING))
                .getResultList());
    }

    /** Upper bound of {@link #findBetween} rows: a resume INVITE refers to a recent transfer of the pair. */
    public static final int MAX_BETWEEN = 100;

    /**
     * Transfers from {@code senderUri} to {@code recipientUri} in one of {@code states}, newest
     * first, at most {@code max}: what a resume INVITE between the two may refer to (seed 004
     * 7.4.5; a resuming sender has the original sender and recipient, a resuming receiver or a
     * pull has them the other way round). URIs compare exactly, as in {@link #findByRecipient}.
     */
    public List<DeferredTransfer> findBetween(String senderUri, String recipientUri, Collection<TransferState> states,
                                              int max) {
        Objects.requireNonNull(senderUri, "senderUri");
        Objects.requireNonNull(recipientUri, "recipientUri");
        if (max < 1 || max > MAX_BETWEEN) {
            throw new IllegalArgumentException("max must be within 1.." + MAX_BETWEEN + ": " + max);
        }
        if (states.isEmpty()) {
            return List.of();
        }
        return tx.inSession(s -> s.createSelectionQuery("from DeferredTransfer where recipientUri = :r"
                                + " and senderUri = :s and state in (:states) order by createdAt desc, id",
                        DeferredTransfer.class)
                .setParameter("r", recipientUri)
                .setParameter("s", senderUri)
                .setParameterList("states", List.copyOf(states))
                .setMaxResults(max)
                .getResultList());
    }

    /**
     * Claims one transfer for a delivery the recipient asked for itself (a pull or a resuming
     * receiver the PF serves from its store, seed 004 7.4.5.2): like {@link #claimDue} for this
     * id only and regardless of the next attempt time. Only a STORED transfer, or a DELIVERING one
     * whose lease ran out, not expired, can be claimed.
     *
     * @return the claimed transfer (DELIVERING, leased to {@code nodeId}, one attempt more), or
     *         empty when it is not claimable now
     */
    public Optional<DeferredTransfer> claim(UUID id, String nodeId, Duration lease) {
        Objects.requireNonNull(id, "id");
        LeaseClaimer.checkArguments(nodeId, 1, lease);
        try {
            return tx.inSession(s -> {
                Instant now = tx.now();
                int n = s.createNativeMutationQuery("UPDATE " + TABLE + " SET state = :active,"
                                + " lease_owner = :owner, lease_until = :until, attempts = attempts + 1,"
                                + " updated_at = :now, version = version + 1"
                                + " WHERE id = :id AND expires_at > :now AND (state = :waiting"
                                + " OR (state = :active AND lease_until <= :now))")
                        .setParameter("active", TransferState.DELIVERING.name())
                        .setParameter("waiting", TransferState.STORED.name())
                        .setParameter("owner", nodeId)
                        .setParameter("until", now.plus(lease))
                        .setParameter("now", now)
                        .setParameter("id", id)
                        .executeUpdate();
                if (n != 1) {
                    return Optional.<DeferredTransfer>empty();
                }
                return Optional.of(load(s, List.of(id)).get(0));
            });
        } catch (RuntimeException e) {
            throw Transactions.wrap("claim of " + id + " by " + nodeId + " failed", e);
        }
    }

    /**
     * Claims up to {@code max} transfers whose next attempt is due (or whose delivering node's
     * lease ran out), moving them to DELIVERING under a lease of {@code lease} for
     * {@code nodeId} and counting one attempt each. Two nodes never get the same transfer.
     */
    public List<DeferredTransfer> claimDue(String nodeId, int max, Duration lease) {
        return claim(nodeId, max, lease, null);
    }

    /**
     * Like {@link #claimDue} for one recipient that just registered, regardless of the next
     * attempt time.
     */
    public List<DeferredTransfer> claimForRecipient(String recipientUri, String nodeId, int max, Duration lease) {
        Objects.requireNonNull(recipientUri, "recipientUri");
        return claim(nodeId, max, lease, recipientUri);
    }

    private List<DeferredTransfer> claim(String nodeId, int max, Duration lease, String recipient) {
        LeaseClaimer.checkArguments(nodeId, max, lease);
        try {
            return tx.inSession(s -> {
                Instant now = tx.now();
                List<UUID> ids = claimer.claim(s, nodeId, max, now, now.plus(lease),
                        recipient == null ? null : "recipient_uri", recipient);
                return load(s, ids);
            });
        } catch (RuntimeException e) {
            throw Transactions.wrap("claim by " + nodeId + " failed", e);
        }
    }

    private static List<DeferredTransfer> load(Session s, List<UUID> ids) {
        if (ids.isEmpty()) {
            return List.of();
        }
        List<DeferredTransfer> rows = s.createSelectionQuery(
                        "from DeferredTransfer where id in (:ids) order by nextAttemptAt, id", DeferredTransfer.class)
                .setParameterList("ids", ids)
                .getResultList();
        return Collections.unmodifiableList(new ArrayList<>(rows));
    }

    /** Extends the caller's lease to now + {@code lease}, for a delivery that takes long. */
    public Instant extendLease(UUID id, String nodeId, Duration lease) {
        LeaseClaimer.checkArguments(nodeId, 1, lease);
        return withLease(id, nodeId, (s, t) -> {
            Instant until = tx.now().plus(lease);
            t.lease(nodeId, until);
            return until;
        });
    }

    /**
     * Gives a claimed transfer back untouched (e.g. on orderly shutdown): STORED again and due
     * at once, so another node picks it up. The attempt stays counted.
     */
    public void releaseLease(UUID id, String nodeId) {
        withLease(id, nodeId, (s, t) -> {
            Instant now = tx.now();
            t.moveTo(TransferState.STORED, now);
            t.lease(null, null);
            t.schedule(now);
            return null;
        });
    }

    /**
     * Records how many octets the recipient has acknowledged so far, the point a later attempt
     * resumes from (RFC 5547 section 9 file-range).
     */
    public void recordDelivered(UUID id, String nodeId, long bytesDelivered) {
        withLease(id, nodeId, (s, t) -> {
            if (bytesDelivered < 0 || bytesDelivered > t.bytesStored()) {
                throw new IllegalArgumentException("bytes delivered " + bytesDelivered + " outside 0.."
                        + t.bytesStored() + " of " + id);
            }
            t.delivered(bytesDelivered);
            t.touch(tx.now());
            return null;
        });
    }

    /** The recipient has the whole file: DELIVERED, content removed. */
    public DeferredTransfer markDelivered(UUID id, String nodeId) {
        return markDelivered(id, nodeId, null);
    }

    /**
     * As {@link #markDelivered(UUID, String)}, and in the same transaction queues
     * {@code deliveryNotice} (the IMDN for the sender), so that neither is lost in a crash.
     */
    public DeferredTransfer markDelivered(UUID id, String nodeId, DeferredNotification deliveryNotice) {
        return withLease(id, nodeId, (s, t) -> {
            Instant now = tx.now();
            t.moveTo(TransferState.DELIVERED, now);
            t.lease(null, null);
            t.delivered(t.bytesStored());
            t.lastError(null);
            deleteContent(s, id);
            if (deliveryNotice != null) {
                NotificationRepository.persistNew(s, deliveryNotice, now);
            }
            return t;
        });
    }

    /** The attempt failed; try again at {@code nextAttemptAt}. */
    public DeferredTransfer reschedule(UUID id, String nodeId, Instant nextAttemptAt, String reason) {
        Objects.requireNonNull(nextAttemptAt, "nextAttemptAt");
        return withLease(id, nodeId, (s, t) -> {
            t.moveTo(TransferState.STORED, tx.now());
            t.lease(null, null);
            t.schedule(nextAttemptAt);
            t.lastError(reason);
            return t;
        });
    }

    /**
     * The claim offered nothing because the device the file is for is not registered (device
     * affinity): STORED again, next look at {@code nextAttemptAt}, and the attempt the claim
     * counted is given back, so waiting for the device does not use up the retry budget (expiry
     * still applies).
     */
    public DeferredTransfer awaitDevice(UUID id, String nodeId, Instant nextAttemptAt, String reason) {
        Objects.requireNonNull(nextAttemptAt, "nextAttemptAt");
        return withLease(id, nodeId, (s, t) -> {
            t.moveTo(TransferState.STORED, tx.now());
            t.lease(null, null);
            t.schedule(nextAttemptAt);
            t.lastError(reason);
            t.uncountAttempt();
            return t;
        });
    }

    /**
     * The attempt failed; schedule the next one by {@code policy}, or expire the transfer when
     * the policy gives up, queueing {@code failureNotice} (applied to the transfer, may return
     * null) in the same transaction.
     */
    public DeferredTransfer rescheduleOrExpire(UUID id, String nodeId, RetryPolicy policy, String reason,
                                               Function<DeferredTransfer, DeferredNotification> failureNotice) {
        return withLease(id, nodeId, (s, t) -> {
            Instant now = tx.now();
            Optional<Instant> next = policy.nextAttemptAt(t.attempts(), now, t.expiresAt());
            t.lease(null, null);
            t.lastError(reason);
            if (next.isPresent()) {
                t.moveTo(TransferState.STORED, now);
                t.schedule(next.get());
            } else {
                end(s, t, TransferState.EXPIRED, now, failureNotice);
            }
            return t;
        });
    }

    /**
     * Operator "retry now": a STORED transfer becomes due at once, and its last error is kept.
     * Other states are left alone (RECEIVING is not complete, DELIVERING is being tried now,
     * the terminal states are over).
     *
     * @return whether the transfer was STORED and is now due
     */
    public boolean makeDue(UUID id) {
        return locked(id, (s, t) -> {
            if (t.state() != TransferState.STORED) {
                return false;
            }
            Instant now = tx.now();
            t.schedule(now);
            t.touch(now);
            return true;
        });
    }

    /**
     * Gives a transfer up for good (recipient declined, corrupt content, operator): FAILED,
     * content removed. No lease needed: a node still delivering it loses its lease.
     */
    public DeferredTransfer fail(UUID id, String reason, Function<DeferredTransfer, DeferredNotification> failureNotice) {
        return locked(id, (s, t) -> {
            t.lastError(reason);
            t.lease(null, null);
            end(s, t, TransferState.FAILED, tx.now(), failureNotice);
            return t;
        });
    }

    /**
     * Expires up to {@code max} transfers past their expiry time that no live lease protects,
     * removing their content and queueing {@code failureNotice} for each in the same
     * transaction. Safe to run on every node at once: each transfer is expired by one.
     *
     * @return the transfers expired now
     */
    public List<DeferredTransfer> expireDue(int max, Function<DeferredTransfer, DeferredNotification> failureNotice) {
        LeaseClaimer.checkArguments("sweep", max, Duration.ofSeconds(1));
        return tx.inSession(s -> {
            Instant now = tx.now();
            List<UUID> ids = claimer.lockExpired(s, max, now, LIVE_STATES);
            List<DeferredTransfer> expired = new ArrayList<>(ids.size());
            for (UUID id : ids) {
                DeferredTransfer t = s.get(DeferredTransfer.class, id);
                t.lease(null, null);
                t.lastError("expired");
                end(s, t, TransferState.EXPIRED, now, failureNotice);
                expired.add(t);
            }
            return expired;
        });
    }

    /**
     * The sender abandoned the upload of a transfer still RECEIVING (BYE or CANCEL before the end
     * of the file): it stays RECEIVING, so the sender may resume it, until
     * {@link #removeAbandoned} ends it after the resume window. A later stored octet clears the
     * mark (the sender came back). Nothing happens to a transfer in another state.
     *
     * @return whether the transfer was RECEIVING and is now marked
     */
    public boolean abandon(UUID id) {
        try {
            return tx.inSession(s -> s.createNativeMutationQuery("UPDATE " + TABLE + " SET abandoned_at = :now,"
                            + " updated_at = :now, version = version + 1 WHERE id = :id AND state = :receiving")
                    .setParameter("now", tx.now())
                    .setParameter("id", id)
                    .setParameter("receiving", TransferState.RECEIVING.name())
                    .executeUpdate() == 1);
        } catch (RuntimeException e) {
            throw Transactions.wrap("cannot mark " + id + " abandoned", e);
        }
    }

    /**
     * Ends up to {@code max} uploads abandoned before {@code abandonedBefore} and not resumed
     * since ({@link #abandon}): EXPIRED, content removed, no notice (the sender ended the
     * transfer itself). Safe to run on every node at once.
     *
     * @return the transfers ended now
     */
    public List<DeferredTransfer> removeAbandoned(Instant abandonedBefore, int max) {
        LeaseClaimer.checkArguments("sweep", max, Duration.ofSeconds(1));
        return tx.inSession(s -> {
            Instant now = tx.now();
            List<UUID> ids = s.createNativeQuery("SELECT id FROM " + TABLE
                            + " WHERE abandoned_at <= :before AND state = :receiving ORDER BY abandoned_at, id"
                            + " FETCH FIRST " + max + " ROWS ONLY FOR UPDATE SKIP LOCKED", UUID.class)
                    .setParameter("before", abandonedBefore)
                    .setParameter("receiving", TransferState.RECEIVING.name())
                    .getResultList();
            List<DeferredTransfer> removed = new ArrayList<>(ids.size());
            for (UUID id : ids) {
                DeferredTransfer t = s.get(DeferredTransfer.class, id);
                t.lastError("abandoned by the sender; not resumed within the resume window");
                end(s, t, TransferState.EXPIRED, now, null);
                removed.add(t);
            }
            return removed;
        });
    }

    private void end(Session s, DeferredTransfer t, TransferState terminal, Instant now,
                     Function<DeferredTransfer, DeferredNotification> failureNotice) {
        t.moveTo(terminal, now);
        deleteContent(s, t.id());
        if (failureNotice != null) {
            DeferredNotification notice = failureNotice.apply(t);
            if (notice != null) {
                NotificationRepository.persistNew(s, notice, now);
            }
        }
    }

    private static void deleteContent(Session s, UUID id) {
        s.createNativeMutationQuery("DELETE FROM transfer_content_chunk WHERE transfer_id = :id")
                .setParameter("id", id)
                .executeUpdate();
    }

    /** Operator view, newest first. */
    public List<DeferredTransfer> listAll(int offset, int limit) {
        return tx.inSession(s -> s.createSelectionQuery(
                        "from DeferredTransfer order by createdAt desc, id", DeferredTransfer.class)
                .setFirstResult(offset)
                .setMaxResults(limit)
                .getResultList());
    }

    public List<DeferredTransfer> listByState(TransferState state, int offset, int limit) {
        return tx.inSession(s -> s.createSelectionQuery(
                        "from DeferredTransfer where state = :st order by createdAt desc, id", DeferredTransfer.class)
                .setParameter("st", state)
                .setFirstResult(offset)
                .setMaxResults(limit)
                .getResultList());
    }

    /** Operator purge of one transfer in any state, with its content. */
    public boolean purge(UUID id) {
        return tx.inSession(s -> {
            deleteContent(s, id);
            return s.createMutationQuery("delete from DeferredTransfer where id = :id")
                    .setParameter("id", id)
                    .executeUpdate() == 1;
        });
    }

    /** Removes ended transfers (DELIVERED, EXPIRED, FAILED) last changed before {@code before}. */
    public int purgeEnded(Instant before) {
        return tx.inSession(s -> s.createMutationQuery(
                        "delete from DeferredTransfer where state in (:ended) and updatedAt < :before")
                .setParameterList("ended", List.of(TransferState.DELIVERED, TransferState.EXPIRED, TransferState.FAILED))
                .setParameter("before", before)
                .executeUpdate());
    }

    /** Number of transfers in each state, every state present. */
    public Map<TransferState, Long> countByState() {
        return tx.inSession(s -> {
            Map<TransferState, Long> counts = new EnumMap<>(TransferState.class);
            for (TransferState st : TransferState.values()) {
                counts.put(st, 0L);
            }
            for (Object[] row : s.createSelectionQuery(
                    "select state, count(*) from DeferredTransfer group by state", Object[].class).getResultList()) {
                counts.put((TransferState) row[0], (Long) row[1]);
            }
            return counts;
        });
    }

    /** Age of the oldest transfer not yet ended (RECEIVING, STORED or DELIVERING), if any. */
    public Optional<Duration> oldestPendingAge() {
        return tx.inSession(s -> {
            Instant oldest = s.createSelectionQuery(
                            "select min(createdAt) from DeferredTransfer where state in (:live)", Instant.class)
                    .setParameterList("live", List.of(TransferState.RECEIVING, TransferState.STORED,
                            TransferState.DELIVERING))
                    .getSingleResult();
            return Optional.ofNullable(oldest).map(o -> Duration.between(o, tx.now()));
        });
    }

    private interface LockedWork<T> {
        T apply(Session s, DeferredTransfer t);
    }

    private <T> T locked(UUID id, LockedWork<T> work) {
        return tx.inSession(s -> {
            DeferredTransfer t = s.find(DeferredTransfer.class, id, LockModeType.PESSIMISTIC_WRITE);
            if (t == null) {
                throw new StoreException("no deferred transfer " + id);
            }
            return work.apply(s, t);
        });
    }

    private <T> T withLease(UUID id, String nodeId, LockedWork<T> work) {
        return locked(id, (s, t) -> {
            if (t.state() != TransferState.DELIVERING || !nodeId.equals(t.leaseOwner())) {
                throw new LeaseLostException(id, nodeId, "state " + t.state() + ", lease owner " + t.leaseOwner());
            }
            return work.apply(s, t);
        });
    }
}
