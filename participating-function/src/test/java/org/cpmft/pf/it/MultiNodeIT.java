package org.cpmft.pf.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.cpmft.pf.it.DeferralNodes.RECIPIENT;
import static org.cpmft.pf.it.DeferralNodes.delivered;
import static org.cpmft.pf.it.DeferralNodes.node;
import static org.cpmft.pf.it.DeferralNodes.recipientUas;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two PF processes on one PostgreSQL (DESIGN "Scale-out", docs/deferred-delivery.md "Several
 * nodes"): files deferred on node A are re-offered by the retry timer of whichever node claims
 * them, each exactly once, and a node that dies mid-delivery leaves its work to the other once
 * its lease has run out.
 *
 * <p>The files are deferred because the recipient is known to be unregistered (third-party
 * REGISTER with Expires 0, OMA CPM 8.2.3.1 1): the PF answers the sender at once, and the
 * recipient's SIPp UAS, which both nodes use as outbound proxy, only ever sees re-offers.
 */
class MultiNodeIT {

    private static final Duration FIRST_DELAY = Duration.ofSeconds(8);
    private static final Duration STEP = Duration.ofSeconds(30);
    private static final int SIZE = 8 * 1024 + 17;

    @Test
    void eachDeferredFileIsDeliveredExactlyOnceWhicheverNodeClaimsIt(@TempDir Path dir) throws Exception {
        TestPostgres pg = TestPostgres.fromEnvironment();
        StoredTransfers store = new StoredTransfers(pg);
        int uasPort = FreePorts.next();
        List<byte[]> files = new ArrayList<>();
        try (MsrpRecipient recipient = MsrpRecipient.listen();
             ProcessUnderTest uas = recipientUas(uasPort, recipient, dir, Duration.ofSeconds(120));
             PfUnderTest a = node(dir, "a", pg, uasPort, FIRST_DELAY);
             PfUnderTest b = node(dir, "b", pg, uasPort, FIRST_DELAY)) {
            CpmFileSenders.deregister(a.sipPort, RECIPIENT, dir);

            // Node A stalls (a long GC pause, a frozen VM) while its files fall due: B takes them all.
            // A takes the files in, so it can only stall once they are stored, before they fall due.
            List<byte[]> first = CpmFileSenders.randomFiles(8, SIZE, 1);
            CpmFileSenders.push(a, first, dir, "first", STEP);
            files.addAll(first);
            assertThat(store.rows()).as("stored, none due yet (first delay %s)", FIRST_DELAY).hasSize(8)
                    .allMatch(r -> r.state().equals("STORED"));
            Signals.stop(a.process());
            try {
                store.await(rows -> countIn(rows, "DELIVERED") == 8, STEP, "delivery of the first files by B");
            } finally {
                Signals.resume(a.process());
            }

            // Then B stalls: A takes the next ones.
            List<byte[]> second = CpmFileSenders.randomFiles(8, SIZE, 2);
            Signals.stop(b.process());
            try {
                CpmFileSenders.push(a, second, dir, "second", STEP);
                files.addAll(second);
                store.await(rows -> countIn(rows, "DELIVERED") == 16, STEP, "delivery of the second files by A");
            } finally {
                Signals.resume(b.process());
            }

            // Both run: their timers compete for the same due rows (FOR UPDATE SKIP LOCKED leases).
            List<byte[]> third = CpmFileSenders.randomFiles(12, SIZE, 3);
            CpmFileSenders.push(a, third, dir, "third", STEP);
            files.addAll(third);
            List<StoredTransfers.Row> rows = store.await(r -> countIn(r, "DELIVERED") == files.size(), STEP,
                    "delivery of every file");
            assertThat(rows).hasSize(files.size()).allSatisfy(r -> {
                assertThat(r.state()).isEqualTo("DELIVERED");
                assertThat(r.attempts()).as("claimed once").isEqualTo(1);
            });

            List<MsrpRecipient.Session> sessions = recipient.await(s -> s.stream().filter(
                    MsrpRecipient.Session::complete).count() >= files.size(), STEP, "every file arriving");
            Map<String, Long> bySha = sessions.stream().filter(MsrpRecipient.Session::complete)
                    .collect(Collectors.groupingBy(MsrpRecipient.Session::sha256, Collectors.counting()));
            Map<String, Long> expected = files.stream().map(f -> MsrpRecipient.sha256(f, f.length))
                    .collect(Collectors.toMap(Function.identity(), x -> 1L));
            assertThat(bySha).as("each file received exactly once").isEqualTo(expected);
            assertThat(sessions).as("no other MSRP session was opened to the recipient").hasSize(files.size());

            double byA = delivered(a);
            double byB = delivered(b);
            System.out.printf("MultiNodeIT: %d files, delivered by node A %.0f, by node B %.0f%n", files.size(),
                    byA, byB);
            assertThat(byA + byB).isEqualTo(files.size());
            assertThat(byA).as("node A delivered the files that fell due while B stalled").isGreaterThanOrEqualTo(8);
            assertThat(byB).as("node B delivered the files that fell due while A stalled").isGreaterThanOrEqualTo(8);
            assertThat(uas.isAlive()).as("recipient UAS\n%s", uas.output()).isTrue();
        }
    }

    @Test
    void whenTheNodeHoldingTheLeasesDiesTheOtherTakesOverOnceTheyRunOut(@TempDir Path dir) throws Exception {
        TestPostgres pg = TestPostgres.fromEnvironment();
        StoredTransfers store = new StoredTransfers(pg);
        int uasPort = FreePorts.next();
        List<byte[]> files = CpmFileSenders.randomFiles(2, 640 * 1024, 9);
        try (MsrpRecipient recipient = MsrpRecipient.paced(64 * 1024);
             ProcessUnderTest uas = recipientUas(uasPort, recipient, dir, Duration.ofSeconds(120));
             PfUnderTest a = node(dir, "a", pg, uasPort, FIRST_DELAY);
             PfUnderTest b = node(dir, "b", pg, uasPort, FIRST_DELAY)) {
            CpmFileSenders.deregister(a.sipPort, RECIPIENT, dir);

            // B stalls while the files are stored and fall due, so A claims them and starts streaming.
            String ownerA = null;
            Signals.stop(b.process());
            try {
                CpmFileSenders.push(a, files, dir, "big", STEP);
                List<StoredTransfers.Row> claimed = store.await(rows -> rows.size() == 2 && rows.stream().allMatch(
                        r -> r.state().equals("DELIVERING")), STEP, "A claiming both files");
                ownerA = claimed.get(0).leaseOwner();
                assertThat(ownerA).endsWith(DeferralNodes.nodeIdSuffix(a));
                // Both sessions share the relay's one connection to the recipient (RFC 4975 section
                // 5.4, RFC 6135): the second file's chunks queue behind the first's, so only one
                // may have reached the recipient when A dies.
                recipient.await(s -> !s.isEmpty(), STEP, "a delivery under way");
            } finally {
                Signals.resume(b.process());
            }
            Signals.kill(a.process());
            List<MsrpRecipient.Session> cut = recipient.sessions();
            assertThat(cut).as("A died mid-delivery; A:\n%s", a.process().output())
                    .noneMatch(MsrpRecipient.Session::complete);
            recipient.unpace();

            // The lease keeps B away while it lasts, although A is gone (B ticks every second).
            Thread.sleep(3000);
            String owner = ownerA;
            assertThat(store.rows()).allSatisfy(r -> {
                assertThat(r.state()).isEqualTo("DELIVERING");
                assertThat(r.leaseOwner()).isEqualTo(owner);
            });

            assertThat(store.expireLeasesOf(ownerA)).isEqualTo(2);
            List<StoredTransfers.Row> rows = store.await(r -> countIn(r, "DELIVERED") == 2, Duration.ofSeconds(40),
                    "B delivering both files");
            assertThat(rows).allSatisfy(r -> assertThat(r.attempts()).as("A's claim and B's").isEqualTo(2));

            // What A had already handed to the kernel still reaches the recipient after kill -9, so a
            // session of A's may end up whole as well (same Message-ID as B's re-delivery of that file).
            Set<String> wanted = files.stream().map(f -> MsrpRecipient.sha256(f, f.length))
                    .collect(Collectors.toSet());
            List<MsrpRecipient.Session> sessions = recipient.await(s -> s.stream().filter(
                    MsrpRecipient.Session::complete).map(MsrpRecipient.Session::sha256)
                    .collect(Collectors.toSet()).containsAll(wanted), STEP, "both files arriving whole");
            assertThat(sessions.stream().filter(MsrpRecipient.Session::complete).map(MsrpRecipient.Session::sha256))
                    .isSubsetOf(wanted);
            assertThat(sessions).as("B's two whole sessions besides the one(s) A had started").hasSizeBetween(3, 4);
            assertThat(delivered(b)).isEqualTo(2);
            assertThat(uas.isAlive()).as("recipient UAS\n%s", uas.output()).isTrue();
        }
    }

    private static long countIn(List<StoredTransfers.Row> rows, String state) {
        return rows.stream().filter(r -> r.state().equals(state)).count();
    }
}
