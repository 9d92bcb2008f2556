package org.cpmft.pf.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.cpmft.pf.it.DeferralNodes.RECIPIENT;
import static org.cpmft.pf.it.DeferralNodes.delivered;
import static org.cpmft.pf.it.DeferralNodes.node;
import static org.cpmft.pf.it.DeferralNodes.recipientUas;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The PF process killed with SIGKILL (no shutdown hook, no lease released) and started again on
 * the same PostgreSQL: what was acknowledged to a sender is still in the store (RFC 4975 section
 * 7.1: the 200 to a chunk is the receiver's acknowledgement; DESIGN "nothing acknowledged to the
 * sender is ever lost, even across a crash"), and a delivery cut by the crash is offered again
 * and completes.
 */
class CrashIT {

    private static final Duration STEP = Duration.ofSeconds(30);

    @Test
    void octetsAcknowledgedToTheSenderSurviveACrashWhileStoring(@TempDir Path dir) throws Exception {
        TestPostgres pg = TestPostgres.fromEnvironment();
        StoredTransfers store = new StoredTransfers(pg);
        byte[] file = CpmFileSenders.randomFiles(1, 2 * 1024 * 1024 + 7, 480).get(0);
        int uasPort = FreePorts.next();
        Path paths = dir.resolve("paths.txt");
        Files.writeString(paths, "");
        String senderPath = "msrp://127.0.0.1:" + FreePorts.next() + "/alice0009;tcp";
        Path scenarios = PfJar.deployDir().resolve("sipp");
        long acknowledged;

        PfUnderTest first = node(dir, "first", pg, uasPort, Duration.ofSeconds(60));
        try (first;
             ProcessUnderTest busy = ProcessUnderTest.start("sipp-uas-480", List.of("sipp", "-sf",
                     scenarios.resolve("deferral-recipient-480.xml").toString(), "-i", "127.0.0.1", "-p",
                     Integer.toString(uasPort), "-m", "1", "-nostdin", "-timeout", "60s"), Map.of(), dir);
             ProcessUnderTest uac = ProcessUnderTest.start("sipp-uac", List.of("sipp", "-sf",
                     scenarios.resolve("ft-uac-push.xml").toString(), "127.0.0.1:" + first.sipPort,
                     "-i", "127.0.0.1", "-p", Integer.toString(FreePorts.next()), "-s", "bob", "-m", "1",
                     "-d", "60000", "-nostdin", "-timeout", "60s",
                     "-key", "ft_name", "crash.bin", "-key", "ft_type", "application/octet-stream",
                     "-key", "ft_size", Integer.toString(file.length),
                     "-key", "msrp_path", senderPath, "-key", "msrp_cmd", "echo >> " + paths), Map.of(), dir);
             PacedMsrpSender sender = new PacedMsrpSender()) {
            String pfPath = awaitPath(paths, uac);
            // 32 KiB chunks, 40 ms apart: about 3 s for the file, time enough to crash the PF in the middle.
            CompletableFuture<Long> sending = CompletableFuture.supplyAsync(() -> {
                try {
                    return sender.send(file, pfPath, senderPath, 32 * 1024, Duration.ofMillis(40));
                } catch (Exception e) {
                    throw new java.util.concurrent.CompletionException(e);
                }
            });
            long deadline = System.nanoTime() + STEP.toNanos();
            while (sender.acknowledged() < 512 * 1024 && !sending.isDone() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(sending).as("still sending when the PF is killed; PF:\n%s", first.process().output())
                    .isNotDone();
            Signals.kill(first.process());
            assertThat(sending).failsWithin(Duration.ofSeconds(20)); // the connection went with the PF
            acknowledged = sender.acknowledged();
        }
        assertThat(acknowledged).isGreaterThanOrEqualTo(512 * 1024).isLessThan(file.length);

        List<StoredTransfers.Row> rows = store.rows();
        assertThat(rows).hasSize(1);
        StoredTransfers.Row row = rows.get(0);
        assertThat(row.state()).as("still receiving: the sender may resume").isEqualTo("RECEIVING");
        assertThat(row.bytesStored()).as("every octet the sender got a 200 for is stored")
                .isGreaterThanOrEqualTo(acknowledged);
        assertThat(store.content(row.id())).as("and they are the sender's octets")
                .isEqualTo(Arrays.copyOf(file, (int) row.bytesStored()));
        System.out.printf("CrashIT: sender acknowledged %d octets, store holds %d of %d%n", acknowledged,
                row.bytesStored(), file.length);

        try (PfUnderTest second = node(dir, "second", pg, uasPort, Duration.ofSeconds(60))) {
            Thread.sleep(2500); // a couple of timer rounds (expiry sweep, claims) of the restarted PF
            StoredTransfers.Row after = store.rows().get(0);
            assertThat(after.state()).isEqualTo("RECEIVING");
            assertThat(after.bytesStored()).isEqualTo(row.bytesStored());
            assertThat(store.content(after.id())).isEqualTo(Arrays.copyOf(file, (int) row.bytesStored()));
        }
    }

    @Test
    void aDeliveryCutByACrashIsOfferedAgainAfterTheRestartAndCompletes(@TempDir Path dir) throws Exception {
        TestPostgres pg = TestPostgres.fromEnvironment();
        StoredTransfers store = new StoredTransfers(pg);
        byte[] file = CpmFileSenders.randomFiles(1, 512 * 1024 + 3, 408).get(0);
        String sha256 = MsrpRecipient.sha256(file, file.length);
        int uasPort = FreePorts.next();
        Duration firstDelay = Duration.ofSeconds(2);
        // Slow enough that the delivery is surely under way when the PF is killed, even on a loaded machine.
        try (MsrpRecipient recipient = MsrpRecipient.paced(8 * 1024);
             ProcessUnderTest uas = recipientUas(uasPort, recipient, dir, Duration.ofSeconds(90))) {
            String crashed;
            try (PfUnderTest first = node(dir, "first", pg, uasPort, firstDelay)) {
                CpmFileSenders.deregister(first.sipPort, RECIPIENT, dir);
                CpmFileSenders.push(first, List.of(file), dir, "cut", STEP);
                recipient.await(s -> s.size() == 1 && s.get(0).octets() >= 32 * 1024, STEP, "the delivery under way");
                List<StoredTransfers.Row> rows = store.rows();
                assertThat(rows).singleElement().satisfies(r -> assertThat(r.state()).isEqualTo("DELIVERING"));
                crashed = rows.get(0).leaseOwner();
                assertThat(crashed).endsWith(DeferralNodes.nodeIdSuffix(first));
                Signals.kill(first.process());
            }
            assertThat(recipient.sessions()).singleElement().satisfies(s -> assertThat(s.complete()).isFalse());
            recipient.unpace();

            try (PfUnderTest second = node(dir, "second", pg, uasPort, firstDelay)) {
                // The crashed process's lease (2 min) would keep the transfer until it runs out.
                assertThat(store.expireLeasesOf(crashed)).isEqualTo(1);
                List<StoredTransfers.Row> rows = store.await(r -> r.get(0).state().equals("DELIVERED"), STEP,
                        "delivery by the restarted PF");
                assertThat(rows.get(0).attempts()).as("the cut attempt and the one after the restart").isEqualTo(2);
                List<MsrpRecipient.Session> sessions = recipient.await(s -> s.stream()
                        .anyMatch(MsrpRecipient.Session::complete), STEP, "the whole file");
                assertThat(sessions).hasSize(2);
                assertThat(sessions.get(1).complete()).isTrue();
                assertThat(sessions.get(1).sha256()).as("SHA-256 of the delivered file").isEqualTo(sha256);
                assertThat(delivered(second)).isEqualTo(1);
            }
            assertThat(uas.isAlive()).as("recipient UAS\n%s", uas.output()).isTrue();
        }
    }

    private static String awaitPath(Path paths, ProcessUnderTest uac) throws Exception {
        long deadline = System.nanoTime() + STEP.toNanos();
        while (System.nanoTime() < deadline) {
            String p = Files.readString(paths).trim();
            if (!p.isEmpty()) {
                return p;
            }
            if (!uac.isAlive()) {
                break;
            }
            TimeUnit.MILLISECONDS.sleep(50);
        }
        throw new AssertionError("the PF did not answer the sender's INVITE\n" + uac.output());
    }
}
