package org.cpmft.store.lease;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.cpmft.store.StoreConfig;
import org.cpmft.store.StoreTestBase;
import org.cpmft.store.content.ContentWriter;
import org.cpmft.store.transfer.DeferredTransfer;
import org.cpmft.store.transfer.TransferState;
import org.junit.jupiter.api.Test;

/** Retry claims with leases across nodes; run on H2 and PostgreSQL. */
public abstract class LeaseClaimContract extends StoreTestBase {
    private static final String BOB = "sip:bob@example.com";
    private static final Duration LEASE = Duration.ofMinutes(5);

    @Test
    void twoConcurrentClaimersNeverGetTheSameTransfer() throws Exception {
        int total = 120;
        Set<UUID> all = new HashSet<>();
        for (int i = 0; i < total; i++) {
            all.add(stored("sip:user" + i + "@example.com").id());
        }
        clock.advance(Duration.ofHours(1));

        CyclicBarrier start = new CyclicBarrier(2);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<List<UUID>>> results = new ArrayList<>();
            for (String node : List.of("node-a", "node-b")) {
                results.add(pool.submit(() -> {
                    List<UUID> mine = new ArrayList<>();
                    start.await(10, TimeUnit.SECONDS);
                    // bounded: at most total claims of at least one row each, plus the empty one
                    for (int round = 0; round <= total; round++) {
                        List<DeferredTransfer> got = store.transfers().claimDue(node, 3, LEASE);
                        if (got.isEmpty()) {
                            break;
                        }
                        got.forEach(t -> assertThat(t.leaseOwner()).isEqualTo(node));
                        got.forEach(t -> mine.add(t.id()));
                    }
                    return mine;
                }));
            }
            List<UUID> a = results.get(0).get(60, TimeUnit.SECONDS);
            List<UUID> b = results.get(1).get(60, TimeUnit.SECONDS);
            System.out.printf("%s: node-a claimed %d, node-b claimed %d%n", backend(), a.size(), b.size());

            Set<UUID> overlap = new HashSet<>(a);
            overlap.retainAll(b);
            assertThat(overlap).isEmpty();
            assertThat(a).doesNotHaveDuplicates();
            assertThat(b).doesNotHaveDuplicates();
            Set<UUID> union = new HashSet<>(a);
            union.addAll(b);
            assertThat(union).isEqualTo(all);
        } finally {
            pool.shutdownNow();
            assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(store.transfers().countByState().get(TransferState.DELIVERING)).isEqualTo(total);
    }

    @Test
    void aRowLockedByAnotherNodesClaimIsSkippedNotWaitedFor() throws Exception {
        DeferredTransfer locked = stored(BOB);
        DeferredTransfer free = stored("sip:carol@example.com");
        clock.advance(Duration.ofHours(1));
        StoreConfig cfg = database.config();
        try (Connection other = DriverManager.getConnection(cfg.jdbcUrl(), cfg.user(), cfg.password())) {
            other.setAutoCommit(false);
            try (PreparedStatement ps = other.prepareStatement(
                    "SELECT id FROM deferred_transfer WHERE id = ? FOR UPDATE")) {
                ps.setObject(1, locked.id());
                try (ResultSet rs = ps.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                }
            }
            List<DeferredTransfer> got = store.transfers().claimDue("node-b", 10, LEASE);
            assertThat(got).extracting(DeferredTransfer::id).containsExactly(free.id());
            other.rollback();
        }
        assertThat(store.transfers().claimDue("node-b", 10, LEASE)).extracting(DeferredTransfer::id)
                .containsExactly(locked.id());
    }

    @Test
    void onlyDueTransfersAreClaimedInDueOrderUpToMax() {
        DeferredTransfer first = stored(BOB);
        clock.advance(Duration.ofSeconds(5));
        DeferredTransfer second = stored(BOB);
        clock.advance(Duration.ofSeconds(5));
        DeferredTransfer third = stored(BOB);
        store.transfers().create(newTransfer(BOB, 10)); // RECEIVING: never claimed

        clock.set(first.nextAttemptAt().minusMillis(1));
        assertThat(store.transfers().claimDue("n", 10, LEASE)).isEmpty();
        clock.set(third.nextAttemptAt());
        assertThat(store.transfers().claimDue("n", 2, LEASE)).extracting(DeferredTransfer::id)
                .containsExactly(first.id(), second.id());
        assertThat(store.transfers().claimDue("n", 2, LEASE)).extracting(DeferredTransfer::id)
                .containsExactly(third.id());
        assertThat(store.transfers().claimDue("n", 2, LEASE)).isEmpty();
    }

    @Test
    void expiredTransfersAreNotClaimed() {
        stored(BOB);
        clock.advance(POLICY.expiry());
        assertThat(store.transfers().claimDue("n", 10, LEASE)).isEmpty();
        assertThat(store.transfers().claimForRecipient(BOB, "n", 10, LEASE)).isEmpty();
    }

    @Test
    void anExpiredLeaseIsReclaimedAndTheFormerOwnerLosesIt() {
        DeferredTransfer t = stored(BOB);
        clock.advance(Duration.ofHours(1));
        assertThat(store.transfers().claimDue("node-a", 10, LEASE)).hasSize(1);

        clock.advance(LEASE.minusSeconds(1));
        assertThat(store.transfers().claimDue("node-b", 10, LEASE)).isEmpty();
        clock.advance(Duration.ofSeconds(1));
        List<DeferredTransfer> reclaimed = store.transfers().claimDue("node-b", 10, LEASE);
        assertThat(reclaimed).hasSize(1);
        assertThat(reclaimed.get(0).leaseOwner()).isEqualTo("node-b");
        assertThat(reclaimed.get(0).attempts()).isEqualTo(2);
        assertThat(reclaimed.get(0).state()).isEqualTo(TransferState.DELIVERING);

        assertThatThrownBy(() -> store.transfers().markDelivered(t.id(), "node-a"))
                .isInstanceOf(LeaseLostException.class)
                .hasMessageContaining("node-b");
        assertThatThrownBy(() -> store.transfers().recordDelivered(t.id(), "node-a", 1))
                .isInstanceOf(LeaseLostException.class);
        assertThat(store.transfers().markDelivered(t.id(), "node-b").state()).isEqualTo(TransferState.DELIVERED);
    }

    @Test
    void anExtendedLeaseIsNotReclaimed() {
        DeferredTransfer t = stored(BOB);
        clock.advance(Duration.ofHours(1));
        store.transfers().claimDue("node-a", 10, LEASE);
        clock.advance(LEASE.minusSeconds(10));
        assertThat(store.transfers().extendLease(t.id(), "node-a", LEASE)).isEqualTo(clock.instant().plus(LEASE));
        clock.advance(Duration.ofSeconds(20));
        assertThat(store.transfers().claimDue("node-b", 10, LEASE)).isEmpty();
    }

    @Test
    void aReleasedLeaseIsClaimableAtOnceByAnotherNode() {
        DeferredTransfer t = stored(BOB);
        clock.advance(Duration.ofHours(1));
        store.transfers().claimDue("node-a", 10, LEASE);
        assertThatThrownBy(() -> store.transfers().releaseLease(t.id(), "node-b")).isInstanceOf(LeaseLostException.class);
        store.transfers().releaseLease(t.id(), "node-a");
        DeferredTransfer released = store.transfers().show(t.id());
        assertThat(released.state()).isEqualTo(TransferState.STORED);
        assertThat(released.leaseOwner()).isNull();
        assertThat(store.transfers().claimDue("node-b", 10, LEASE)).extracting(DeferredTransfer::id)
                .containsExactly(t.id());
    }

    @Test
    void aRegisterClaimsTheRecipientsTransfersBeforeTheyAreDue() {
        DeferredTransfer bob1 = stored(BOB);
        DeferredTransfer bob2 = stored(BOB);
        stored("sip:carol@example.com");
        List<DeferredTransfer> got = store.transfers().claimForRecipient(BOB, "node-a", 10, LEASE);
        assertThat(got).extracting(DeferredTransfer::id).containsExactlyInAnyOrder(bob1.id(), bob2.id());
        assertThat(store.transfers().claimForRecipient(BOB, "node-b", 10, LEASE)).isEmpty();
    }

    @Test
    void claimArgumentsAreChecked() {
        assertThatThrownBy(() -> store.transfers().claimDue("", 1, LEASE)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.transfers().claimDue("n", 0, LEASE)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.transfers().claimDue("n", 1, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.transfers().claimDue("n", LeaseClaimer.MAX_CLAIM + 1, LEASE))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private DeferredTransfer stored(String recipient) {
        DeferredTransfer t = store.transfers().create(newTransfer(recipient, 10));
        try (ContentWriter w = store.content().openWriter(t.id(), 0)) {
            w.write(new byte[10]);
            w.finish();
        }
        return store.transfers().show(t.id());
    }
}
