package org.cpmft.pf.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.cpmft.pf.it.DeferralNodes.RECIPIENT;
import static org.cpmft.pf.it.DeferralNodes.node;
import static org.cpmft.pf.it.DeferralNodes.recipientUas;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Resume toward the PF (seed 004 7.4.5, seed 000 7.4.4, RFC 5547 section 9) over real SIP (SIPp),
 * real MSRP and the real store on PostgreSQL: a sender cut while the PF stores its file resumes with
 * a new INVITE (a=sendonly, a=file-range) and the PF takes only the octets it does not hold into the
 * same transfer, which is then delivered whole; a resume of a file the PF does not know is refused
 * with 488 and a Warning (7.4.5.2 ii).
 */
class ResumeIT {

    private static final Duration STEP = Duration.ofSeconds(60);
    private static final Path SCENARIOS = PfJar.deployDir().resolve("sipp");

    @Test
    void aSenderCutWhileStoringResumesAndThePfTakesOnlyTheMissingOctets(@TempDir Path dir) throws Exception {
        resumeThroughTheStore(dir, 4 * 1024 * 1024 + 11, 1024 * 1024 + 5, 64 * 1024);
    }

    @Test
    void aHundredMebibyteFileCutInTheMiddleIsResumedToTheSameSha256(@TempDir Path dir) throws Exception {
        resumeThroughTheStore(dir, 100 * 1024 * 1024, 47 * 1024 * 1024 + 3, 512 * 1024);
    }

    private void resumeThroughTheStore(Path dir, int size, long cutAfter, int chunk) throws Exception {
        TestPostgres pg = TestPostgres.fromEnvironment();
        StoredTransfers store = new StoredTransfers(pg);
        byte[] file = CpmFileSenders.randomFiles(1, size, size).get(0);
        int uasPort = FreePorts.next();
        try (MsrpRecipient recipient = MsrpRecipient.listen();
             PfUnderTest pf = node(dir, "pf", pg, uasPort, Duration.ofMinutes(10))) {
            CpmFileSenders.deregister(pf.sipPort, RECIPIENT, dir);

            // 1. The push into the store, cut in the middle of a chunk (the sender's connection reset).
            String senderPath = "msrp://127.0.0.1:" + FreePorts.next() + "/alice0101;tcp";
            long acknowledged;
            Path paths = dir.resolve("paths-1.txt");
            try (ProcessUnderTest uac = uac(dir, "ft-uac-push.xml", "sipp-uac-cut", pf, file.length, null, senderPath,
                    paths, 3000);
                 PacedMsrpSender sender = new PacedMsrpSender()) {
                String pfPath = awaitAnswer(paths, uac, pf)[0];
                sender.cutAfter(cutAfter);
                assertThatThrownBy(() -> sender.send(file, pfPath, senderPath, chunk, Duration.ZERO))
                        .isInstanceOf(IOException.class).hasMessageContaining("reset");
                acknowledged = sender.acknowledged();
                assertThat(uac.awaitExit(STEP)).as("cut sender's call\n%s\nPF:\n%s", uac.output(),
                        pf.process().output()).isZero();
            }
            assertThat(acknowledged).isGreaterThanOrEqualTo(cutAfter).isLessThan(file.length);
            StoredTransfers.Row cut = settled(store);
            assertThat(cut.state()).as("resumable").isEqualTo("RECEIVING");
            assertThat(cut.bytesStored()).as("what was acknowledged, at most one chunk more")
                    .isBetween(acknowledged, acknowledged + chunk);

            // 2. The resume: a new INVITE from the first octet the sender has no 200 for.
            String resumePath = "msrp://127.0.0.1:" + FreePorts.next() + "/alice0102;tcp";
            Path paths2 = dir.resolve("paths-2.txt");
            long sentAgain;
            try (ProcessUnderTest uac = uac(dir, "resume-uac-push.xml", "sipp-uac-resume", pf, file.length,
                    (acknowledged + 1) + "-" + file.length, resumePath, paths2, 5000 + size / 10_000);
                 PacedMsrpSender sender = new PacedMsrpSender()) {
                String[] answer = awaitAnswer(paths2, uac, pf);
                long from = Long.parseLong(answer[1]) - 1;
                assertThat(from).as("the answer's file-range starts after the octets the PF holds")
                        .isEqualTo(cut.bytesStored());
                sentAgain = cut.bytesStored() - from; // octets the PF held and is sent anew: none
                assertThat(sender.send(file, from, answer[0], resumePath, chunk, Duration.ZERO))
                        .isEqualTo(file.length);
                assertThat(uac.awaitExit(STEP)).as("resuming sender's call\n%s\nPF:\n%s", uac.output(),
                        pf.process().output()).isZero();
            }
            assertThat(sentAgain).isZero();
            List<StoredTransfers.Row> rows = store.await(r -> r.size() == 1 && r.get(0).state().equals("STORED"),
                    STEP, "the resumed file complete in the same transfer");
            assertThat(rows.get(0).id()).isEqualTo(cut.id());
            assertThat(rows.get(0).bytesStored()).isEqualTo(file.length);

            // 3. Delivered whole on the recipient's REGISTER.
            try (ProcessUnderTest uas = recipientUas(uasPort, recipient, dir, Duration.ofSeconds(90))) {
                CpmFileSenders.register(pf.sipPort, RECIPIENT, 3600, dir);
                List<MsrpRecipient.Session> sessions = recipient.await(s -> s.stream()
                        .anyMatch(MsrpRecipient.Session::complete), STEP, "the whole file at the recipient");
                assertThat(sessions).singleElement().satisfies(s -> assertThat(s.sha256()).as("SHA-256")
                        .isEqualTo(MsrpRecipient.sha256(file, file.length)));
                store.await(r -> r.get(0).state().equals("DELIVERED"), STEP, "delivery recorded");
                assertThat(uas.isAlive()).as("recipient UAS\n%s", uas.output()).isTrue();
            }
        }
    }

    @Test
    void aResumingReceiverIsServedFromTheStoreFromItsFileRange(@TempDir Path dir) throws Exception {
        TestPostgres pg = TestPostgres.fromEnvironment();
        StoredTransfers store = new StoredTransfers(pg);
        byte[] file = CpmFileSenders.randomFiles(1, 3 * 1024 * 1024 + 17, 31).get(0);
        try (PfUnderTest pf = node(dir, "pf", pg, FreePorts.next(), Duration.ofMinutes(10))) {
            CpmFileSenders.deregister(pf.sipPort, RECIPIENT, dir);
            String alicePath = "msrp://127.0.0.1:" + FreePorts.next() + "/alice0103;tcp";
            Path pushed = dir.resolve("paths-push.txt");
            try (ProcessUnderTest uac = uac(dir, "ft-uac-push.xml", "sipp-uac-push", pf, file.length, null, alicePath,
                    pushed, 3000);
                 PacedMsrpSender alice = new PacedMsrpSender()) {
                assertThat(alice.send(file, awaitAnswer(pushed, uac, pf)[0], alicePath, 64 * 1024, Duration.ZERO))
                        .isEqualTo(file.length);
                assertThat(uac.awaitExit(STEP)).as("sender's call\n%s", uac.output()).isZero();
            }
            List<StoredTransfers.Row> rows = store.await(r -> r.size() == 1 && r.get(0).state().equals("STORED"),
                    STEP, "the file stored");

            // Bob's device had received the first octets of an earlier delivery and asks for the rest itself.
            long from = 1_000_003;
            String bobPath = "msrp://127.0.0.1:" + FreePorts.next() + "/bob0103;tcp";
            Path paths = dir.resolve("paths-pull.txt");
            Files.writeString(paths, "");
            try (ProcessUnderTest uac = ProcessUnderTest.start("sipp-uac-pull", List.of("sipp", "-sf",
                    SCENARIOS.resolve("resume-uac-pull.xml").toString(), "127.0.0.1:" + pf.sipPort,
                    "-i", "127.0.0.1", "-p", Integer.toString(FreePorts.next()), "-s", "alice", "-m", "1",
                    "-d", "4000", "-nostdin", "-timeout", "60s",
                    "-key", "ft_name", "resumed.bin", "-key", "ft_type", "application/octet-stream",
                    "-key", "ft_size", Integer.toString(file.length),
                    "-key", "ft_range", (from + 1) + "-" + file.length, "-key", "msrp_path", bobPath,
                    "-key", "msrp_cmd", "echo >> " + paths), Map.of(), dir);
                 PullingMsrpReceiver bob = new PullingMsrpReceiver()) {
                String[] answer = awaitAnswer(paths, uac, pf);
                assertThat(Long.parseLong(answer[1])).as("the answer's file-range").isEqualTo(from + 1);
                byte[] got;
                try {
                    got = bob.receive(answer[0], bobPath, file.length, STEP);
                } catch (IOException e) {
                    throw new AssertionError(e.getMessage() + "\nPF:\n" + pf.process().output(), e);
                }
                assertThat(bob.firstOffset()).as("played from the requested octet").isEqualTo(from);
                assertThat(bob.received()).as("only the rest").isEqualTo(file.length - from);
                assertThat(Arrays.copyOfRange(got, (int) from, file.length))
                        .isEqualTo(Arrays.copyOfRange(file, (int) from, file.length));
                assertThat(uac.awaitExit(STEP)).as("requester's call\n%s\nPF:\n%s", uac.output(),
                        pf.process().output()).isZero();
            }
            try {
                store.await(r -> r.get(0).state().equals("DELIVERED"), Duration.ofSeconds(20),
                        "the served file recorded as delivered");
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "\nPF:\n" + pf.process().output(), e);
            }
            assertThat(store.rows().get(0).id()).isEqualTo(rows.get(0).id());
        }
    }

    @Test
    void aResumeOfAFileThePfDoesNotKnowIsRefusedWith488AndAWarning(@TempDir Path dir) throws Exception {
        TestPostgres pg = TestPostgres.fromEnvironment();
        StoredTransfers store = new StoredTransfers(pg);
        try (PfUnderTest pf = node(dir, "pf", pg, FreePorts.next(), Duration.ofMinutes(10))) {
            CpmFileSenders.deregister(pf.sipPort, RECIPIENT, dir);
            try (ProcessUnderTest uac = ProcessUnderTest.start("sipp-uac-unknown", List.of("sipp", "-sf",
                    SCENARIOS.resolve("resume-unknown-488.xml").toString(), "127.0.0.1:" + pf.sipPort,
                    "-i", "127.0.0.1", "-p", Integer.toString(FreePorts.next()), "-s", "bob", "-m", "1",
                    "-nostdin", "-timeout", "30s"), Map.of(), dir)) {
                assertThat(uac.awaitExit(STEP)).as("488 with the Warning\n%s\nPF:\n%s", uac.output(),
                        pf.process().output()).isZero();
            }
            assertThat(store.rows()).as("no transfer made of a file's tail").isEmpty();
        }
    }

    private static ProcessUnderTest uac(Path dir, String scenario, String name, PfUnderTest pf, int size, String range,
                                        String msrpPath, Path paths, int holdMillis) throws IOException {
        Files.writeString(paths, "");
        List<String> cmd = new java.util.ArrayList<>(List.of("sipp", "-sf", SCENARIOS.resolve(scenario).toString(),
                "127.0.0.1:" + pf.sipPort, "-i", "127.0.0.1", "-p", Integer.toString(FreePorts.next()), "-s", "bob",
                "-m", "1", "-d", Integer.toString(holdMillis), "-nostdin", "-timeout", "120s",
                "-key", "ft_name", "resumed.bin", "-key", "ft_type", "application/octet-stream",
                "-key", "ft_size", Integer.toString(size), "-key", "msrp_path", msrpPath,
                "-key", "msrp_cmd", "echo >> " + paths));
        if (range != null) {
            cmd.addAll(List.of("-key", "ft_range", range));
        }
        return ProcessUnderTest.start(name, cmd, Map.of(), dir);
    }

    /** The words the scenario's command wrote once the 200 came: the PF's a=path, and the range start if any. */
    private static String[] awaitAnswer(Path paths, ProcessUnderTest uac, PfUnderTest pf) throws Exception {
        long deadline = System.nanoTime() + STEP.toNanos();
        while (System.nanoTime() < deadline) {
            String p = Files.readString(paths).trim();
            if (!p.isEmpty()) {
                return p.split("\\s+");
            }
            if (!uac.isAlive()) {
                break;
            }
            TimeUnit.MILLISECONDS.sleep(50);
        }
        throw new AssertionError("the PF did not answer the sender's INVITE\n" + uac.output() + "\nPF:\n"
                + pf.process().output());
    }

    /** The one transfer once its octets stopped moving (the cut chunk's part is flushed after the reset). */
    private static StoredTransfers.Row settled(StoredTransfers store) throws Exception {
        long deadline = System.nanoTime() + STEP.toNanos();
        StoredTransfers.Row last = null;
        while (System.nanoTime() < deadline) {
            List<StoredTransfers.Row> rows = store.rows();
            assertThat(rows).hasSize(1);
            StoredTransfers.Row now = rows.get(0);
            if (last != null && now.bytesStored() == last.bytesStored()) {
                return now;
            }
            last = now;
            TimeUnit.MILLISECONDS.sleep(500);
        }
        throw new AssertionError("the stored octets kept moving: " + last);
    }
}
