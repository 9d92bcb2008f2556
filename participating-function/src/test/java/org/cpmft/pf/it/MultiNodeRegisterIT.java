package org.cpmft.pf.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.cpmft.pf.it.DeferralNodes.RECIPIENT;
import static org.cpmft.pf.it.DeferralNodes.counter;
import static org.cpmft.pf.it.DeferralNodes.delivered;
import static org.cpmft.pf.it.DeferralNodes.node;
import static org.cpmft.pf.it.DeferralNodes.recipientUas;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A third-party REGISTER reaching any node triggers delivery (DESIGN "Scale-out", OMA CPM 8.2.3.1
 * 1.a): files node A took in are delivered by node B at once when the S-CSCF's REGISTER of the
 * recipient reaches B, long before their first periodic attempt. And every node decides on an
 * INVITE from the registration state whichever node the REGISTERs reached (table
 * registration_binding).
 */
class MultiNodeRegisterIT {

    private static final Duration STEP = Duration.ofSeconds(30);

    @Test
    void aRegisterOnTheOtherNodeDeliversWhatTheFirstNodeStored(@TempDir Path dir) throws Exception {
        TestPostgres pg = TestPostgres.fromEnvironment();
        StoredTransfers store = new StoredTransfers(pg);
        int uasPort = FreePorts.next();
        List<byte[]> files = CpmFileSenders.randomFiles(3, 100 * 1024 + 1, 3);
        Duration timerOutOfTheWay = Duration.ofMinutes(10);
        try (MsrpRecipient recipient = MsrpRecipient.listen();
             ProcessUnderTest uas = recipientUas(uasPort, recipient, dir, Duration.ofSeconds(80));
             PfUnderTest a = node(dir, "a", pg, uasPort, timerOutOfTheWay);
             PfUnderTest b = node(dir, "b", pg, uasPort, timerOutOfTheWay)) {
            CpmFileSenders.deregister(a.sipPort, RECIPIENT, dir);
            CpmFileSenders.push(a, files, dir, "later", STEP);
            assertThat(store.rows()).hasSize(3).allMatch(r -> r.state().equals("STORED"));

            CpmFileSenders.register(b.sipPort, RECIPIENT, 3600, dir);
            List<StoredTransfers.Row> rows = store.await(r -> r.stream().allMatch(x -> x.state().equals("DELIVERED")),
                    STEP, "delivery on the REGISTER at B");
            assertThat(rows).allSatisfy(r -> assertThat(r.attempts()).isEqualTo(1));
            List<MsrpRecipient.Session> sessions = recipient.await(s -> s.stream()
                    .filter(MsrpRecipient.Session::complete).count() == 3, STEP, "the three files");
            assertThat(sessions).hasSize(3);
            assertThat(sessions.stream().map(MsrpRecipient.Session::sha256)).containsExactlyInAnyOrderElementsOf(
                    files.stream().map(f -> MsrpRecipient.sha256(f, f.length)).toList());
            assertThat(delivered(b)).isEqualTo(3);
            assertThat(delivered(a)).isZero();
        }
    }

    @Test
    void everyNodeDecidesFromTheRegistrationsTheOtherNodesWereTold(@TempDir Path dir) throws Exception {
        TestPostgres pg = TestPostgres.fromEnvironment();
        StoredTransfers store = new StoredTransfers(pg);
        int uasPort = FreePorts.next();
        List<byte[]> first = CpmFileSenders.randomFiles(1, 64 * 1024 + 1, 21);
        List<byte[]> deferred = CpmFileSenders.randomFiles(1, 64 * 1024 + 2, 22);
        List<byte[]> last = CpmFileSenders.randomFiles(1, 64 * 1024 + 3, 23);
        Duration timerOutOfTheWay = Duration.ofMinutes(10);
        try (MsrpRecipient recipient = MsrpRecipient.listen();
             ProcessUnderTest uas = recipientUas(uasPort, recipient, dir, Duration.ofSeconds(150));
             PfUnderTest a = node(dir, "a", pg, uasPort, timerOutOfTheWay);
             PfUnderTest b = node(dir, "b", pg, uasPort, timerOutOfTheWay)) {
            // Expires 0, then a new registration, both through A only: B forwards the INVITE
            CpmFileSenders.deregister(a.sipPort, RECIPIENT, dir);
            CpmFileSenders.register(a.sipPort, RECIPIENT, 3600, dir);
            CpmFileSenders.push(b, first, dir, "first", STEP);
            recipient.await(s -> complete(s) == 1, STEP, "the first file, relayed by B");
            assertThat(store.rows()).as("nothing deferred").isEmpty();

            // deregistered through A: B, never told, takes the file at once
            CpmFileSenders.deregister(a.sipPort, RECIPIENT, dir);
            CpmFileSenders.push(b, deferred, dir, "deferred", STEP);
            assertThat(store.rows()).singleElement().satisfies(r -> assertThat(r.state()).isEqualTo("STORED"));
            assertThat(intakeNotRegistered(b)).isEqualTo(1);

            // B is told of a deregistration, then the user registers through A: A delivers what B
            // stored, and B's own Expires 0 is stale, so B forwards the next INVITE
            CpmFileSenders.deregister(b.sipPort, RECIPIENT, dir);
            CpmFileSenders.register(a.sipPort, RECIPIENT, 3600, dir);
            store.await(r -> r.size() == 1 && r.get(0).state().equals("DELIVERED"), STEP, "delivery on the REGISTER at A");
            CpmFileSenders.push(b, last, dir, "last", STEP);
            List<MsrpRecipient.Session> sessions = recipient.await(s -> complete(s) == 3, STEP, "the three files");
            assertThat(sessions.stream().filter(MsrpRecipient.Session::complete).map(MsrpRecipient.Session::sha256))
                    .containsExactlyInAnyOrderElementsOf(List.of(first.get(0), deferred.get(0), last.get(0)).stream()
                            .map(f -> MsrpRecipient.sha256(f, f.length)).toList());
            assertThat(store.rows()).as("only the one deferred file").hasSize(1);
            assertThat(intakeNotRegistered(b)).isEqualTo(1);
            assertThat(intakeNotRegistered(a)).isZero();
            assertThat(delivered(a)).isEqualTo(1);
        }
    }

    private static long complete(List<MsrpRecipient.Session> sessions) {
        return sessions.stream().filter(MsrpRecipient.Session::complete).count();
    }

    private static double intakeNotRegistered(PfUnderTest node) throws Exception {
        return counter(node, "pf_deferred_intake_total", "cause=\"recipient_not_registered\"");
    }
}
