package org.cpmft.pf.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.cpmft.pf.it.DeferralNodes.RECIPIENT;
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
 * recipient reaches B, long before their first periodic attempt.
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
}
