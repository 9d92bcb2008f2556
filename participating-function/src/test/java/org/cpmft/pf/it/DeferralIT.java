package org.cpmft.pf.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Deferred delivery end to end over real SIP (SIPp) and MSRP: the PF takes the file itself when the
 * recipient cannot (the sender sees a normal transfer), and re-offers it on the recipient's
 * third-party REGISTER (OMA CPM 8.2.3.1 1.a, 8.3.3.3; seed 004).
 */
class DeferralIT {

    private static final Duration STEP = Duration.ofSeconds(60);
    private static final Path SCENARIOS = PfJar.deployDir().resolve("sipp");
    private static final String BOB = "sip:bob@127.0.0.1";

    @Test
    void aFileRefusedWith480IsStoredAndDeliveredOnRegister(@TempDir Path dir) throws Exception {
        byte[] content = randomFile(512 * 1024 + 123, 480L);
        Path file = write(dir, "later.bin", content);
        int uasPort = FreePorts.next();
        String recipientPath = "msrp://127.0.0.1:" + FreePorts.next() + "/bob0480;tcp";

        try (PfUnderTest pf = pfRoutingTo(dir, uasPort)) {
            assertThat(pushToBusyRecipient(dir, pf, uasPort, "ft-uac-push.xml", file, 6000))
                    .as("the sender saw a normal transfer").contains("sha256=" + sha256(content));
            assertThat(pf.metrics()).contains("pf_deferred_intake_total{cause=\"temporarily_unavailable\"} 1.0");

            try (ProcessUnderTest receiver = receiver(dir, recipientPath, "received.bin");
                 ProcessUnderTest uas = acceptingRecipient(dir, uasPort, recipientPath, "uas-messages.log")) {
                register(dir, pf, BOB, "urn:gsma:imei:35999999-999999-0");
                assertThat(uas.awaitExit(STEP)).as("recipient\n%s\nPF:\n%s", uas.output(), pf.process().output()).isZero();
                assertThat(receiver.awaitExit(STEP)).as("receiver\n%s", receiver.output()).isZero();
                assertThat(receiver.output()).contains("sha256=" + sha256(content));
            }
            assertThat(Files.readString(dir.resolve("uas-messages.log")))
                    .containsPattern("(?m)^Referred-By: *<sip:alice@127\\.0\\.0\\.1>")
                    .containsPattern("(?m)^User-Agent: .*");
        }
    }

    @Test
    void aRecipientDroppingMidTransferGetsTheRestLaterFromWhereItStopped(@TempDir Path dir) throws Exception {
        byte[] content = randomFile(3 * 1024 * 1024, 4L);
        Path file = write(dir, "big.bin", content);
        int uasPort = FreePorts.next();
        String recipientPath = "msrp://127.0.0.1:" + FreePorts.next() + "/bob0004;tcp";

        try (PfUnderTest pf = pfRoutingTo(dir, uasPort)) {
            try (ProcessUnderTest dropping = receiver(dir, recipientPath, "first.bin", "--drop-after", "700000",
                    "--result", dir.resolve("first.txt").toString());
                 ProcessUnderTest uas = acceptingRecipient(dir, uasPort, recipientPath, null)) {
                assertThat(push(dir, pf, "ft-uac-push.xml", file, 8000)).as("the sender saw a normal transfer")
                        .contains("sha256=" + sha256(content));
                assertThat(uas.awaitExit(STEP)).as("recipient\n%s", uas.output()).isZero();
                assertThat(dropping.awaitExit(STEP)).isZero();
            }
            assertThat(pf.metrics()).contains("pf_deferred_intake_total{cause=\"media_interrupted\"} 1.0");
            Matcher dropped = Pattern.compile("dropped after confirming (\\d+) bytes")
                    .matcher(Files.readString(dir.resolve("first.txt")));
            assertThat(dropped.find()).isTrue();
            long confirmed = Long.parseLong(dropped.group(1));

            try (ProcessUnderTest receiver = receiver(dir, recipientPath, "rest.bin");
                 ProcessUnderTest uas = acceptingRecipient(dir, uasPort, recipientPath, "uas-2-messages.log")) {
                register(dir, pf, BOB, "urn:gsma:imei:35999999-999999-0");
                assertThat(uas.awaitExit(STEP)).as("recipient, second time\n%s\nPF:\n%s", uas.output(),
                        pf.process().output()).isZero();
            }
            String reoffer = Files.readString(dir.resolve("uas-2-messages.log"));
            Matcher range = Pattern.compile("a=file-range:(\\d+)-").matcher(reoffer);
            assertThat(range.find()).as("the re-offer resumes with a file-range:\n%s\nPF:\n%s", reoffer,
                    pf.process().output()).isTrue();
            int from = Integer.parseInt(range.group(1)) - 1;
            // The relay passes the sender's 64 KiB chunks on as they are: 10 answered, dropped in the 11th.
            assertThat((long) from).as("resumes after the last octet the recipient confirmed").isEqualTo(confirmed)
                    .isEqualTo(10 * 64 * 1024);
            byte[] first = Files.readAllBytes(dir.resolve("first.bin"));
            byte[] rest = Files.readAllBytes(dir.resolve("rest.bin"));
            assertThat(Arrays.copyOfRange(first, 0, from)).as("what the recipient had")
                    .isEqualTo(Arrays.copyOfRange(content, 0, from));
            assertThat(Arrays.copyOfRange(rest, from, content.length)).as("what the re-offer brought")
                    .isEqualTo(Arrays.copyOfRange(content, from, content.length));
        }
    }

    @Test
    void aDeclinedDeliveryRemovesTheFileAndTellsTheSender(@TempDir Path dir) throws Exception {
        Path file = write(dir, "unwanted.bin", randomFile(64 * 1024, 603L));
        int uasPort = FreePorts.next();

        try (PfUnderTest pf = pfRoutingTo(dir, uasPort)) {
            pushToBusyRecipient(dir, pf, uasPort, "deferral-uac-push-imdn.xml", file, 5000);
            try (ProcessUnderTest uas = sipp(dir, "sipp-uas-603", "deferral-recipient-603-notify.xml", null,
                    uasPort, 2, Map.of())) {
                register(dir, pf, "sip:alice@127.0.0.1", "urn:gsma:imei:35888888-888888-0");
                register(dir, pf, BOB, "urn:gsma:imei:35999999-999999-0");
                assertThat(uas.awaitExit(STEP)).as("recipient declining, sender notified\n%s\nPF:\n%s",
                        uas.output(), pf.process().output()).isZero();
            }
            assertThat(pf.metrics()).contains("pf_deferred_deliveries_total{outcome=\"declined\"} 1.0");
        }
    }

    private static PfUnderTest pfRoutingTo(Path dir, int nextHopPort) throws Exception {
        return new PfUnderTest(dir, Map.of("PF_SIP_OUTBOUND_PROXY", "sip:127.0.0.1:" + nextHopPort + ";lr"));
    }

    /** Client A pushes the file while the recipient answers 480 once; returns the sender's result line. */
    private static String pushToBusyRecipient(Path dir, PfUnderTest pf, int uasPort, String scenario, Path file,
                                              int holdMillis) throws Exception {
        try (ProcessUnderTest busy = sipp(dir, "sipp-uas-480", "deferral-recipient-480.xml", null, uasPort, 1,
                Map.of())) {
            String result = push(dir, pf, scenario, file, holdMillis);
            assertThat(busy.awaitExit(STEP)).as("recipient answering 480\n%s", busy.output()).isZero();
            return result;
        }
    }

    /** Client A (SIPp UAC + the MSRP CLI it starts on the 200) pushes the file through the PF. */
    static String push(Path dir, PfUnderTest pf, String scenario, Path file, int holdMillis)
            throws Exception {
        String senderPath = "msrp://127.0.0.1:" + FreePorts.next() + "/alice" + FreePorts.next() + ";tcp";
        Path result = dir.resolve(file.getFileName() + ".sent.txt");
        String sendCmd = String.join(" ", ProcessUnderTest.javaJar("msrp", "send", "--file", file.toString(),
                "--from-path", "'" + senderPath + "'", "--result", result.toString(), "--to-path"));
        List<String> cmd = new ArrayList<>(List.of("sipp", "-sf", SCENARIOS.resolve(scenario).toString(),
                "127.0.0.1:" + pf.sipPort, "-i", "127.0.0.1", "-p", Integer.toString(FreePorts.next()), "-s", "bob",
                "-m", "1", "-d", Integer.toString(holdMillis), "-nostdin", "-timeout", "60s"));
        cmd.addAll(List.of("-key", "ft_name", file.getFileName().toString(), "-key", "ft_type",
                "application/octet-stream", "-key", "ft_size", Long.toString(Files.size(file)),
                "-key", "msrp_path", senderPath, "-key", "msrp_cmd", sendCmd));
        try (ProcessUnderTest uac = ProcessUnderTest.start("sipp-uac", cmd, Map.of(), dir)) {
            assertThat(uac.awaitExit(STEP)).as("sender (SIPp UAC)\n%s\nPF:\n%s", uac.output(),
                    pf.process().output()).isZero();
        }
        return Files.readString(result);
    }

    /** Client B accepting one FT INVITE with its MSRP path; traces the messages when a log name is given. */
    private static ProcessUnderTest acceptingRecipient(Path dir, int uasPort, String msrpPath, String traceLog)
            throws Exception {
        return sipp(dir, "sipp-uas", "ft-uas-recipient.xml", traceLog, uasPort, 1, Map.of("msrp_path", msrpPath));
    }

    private static ProcessUnderTest sipp(Path dir, String name, String scenario, String traceLog, int port, int calls,
                                         Map<String, String> keys) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("sipp", "-sf", SCENARIOS.resolve(scenario).toString(),
                "-i", "127.0.0.1", "-p", Integer.toString(port), "-m", Integer.toString(calls), "-nostdin",
                "-timeout", "60s"));
        if (traceLog != null) {
            cmd.addAll(List.of("-trace_msg", "-message_file", dir.resolve(traceLog).toString()));
        }
        keys.forEach((k, v) -> cmd.addAll(List.of("-key", k, v)));
        return ProcessUnderTest.start(name, cmd, Map.of(), dir);
    }

    /** The MSRP CLI listening on the path's port for the path's session, writing into {@code out}. */
    static ProcessUnderTest receiver(Path dir, String msrpPath, String out, String... extra) throws Exception {
        Matcher m = Pattern.compile("msrp://([^:/]+):(\\d+)/([^;]+);tcp").matcher(msrpPath);
        assertThat(m.matches()).isTrue();
        List<String> args = new ArrayList<>(List.of("msrp", "receive", "--listen", m.group(1) + ":" + m.group(2),
                "--session-id", m.group(3), "--out", dir.resolve(out).toString(), "--timeout", "30s"));
        args.addAll(List.of(extra));
        ProcessUnderTest receiver = ProcessUnderTest.start("msrp-receive-" + out,
                ProcessUnderTest.javaJar(args.toArray(String[]::new)), Map.of(), dir);
        receiver.awaitLine(l -> l.startsWith("listening"), STEP);
        return receiver;
    }

    /** The S-CSCF's third-party REGISTER of one device of the user. */
    static void register(Path dir, PfUnderTest pf, String user, String instance) throws Exception {
        try (ProcessUnderTest register = ProcessUnderTest.start("sipp-3rd-party-register", List.of("sipp",
                "-sf", SCENARIOS.resolve("third-party-register.xml").toString(), "127.0.0.1:" + pf.sipPort,
                "-i", "127.0.0.1", "-p", Integer.toString(FreePorts.next()), "-m", "1", "-nostdin",
                "-timeout", "30s", "-key", "user", user, "-key", "expires", "3600", "-key", "instance", instance),
                Map.of(), dir)) {
            assertThat(register.awaitExit(STEP)).as("REGISTER %s\n%s", user, register.output()).isZero();
        }
    }

    static byte[] randomFile(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    static Path write(Path dir, String name, byte[] content) throws Exception {
        return Files.write(dir.resolve(name), content);
    }

    static String sha256(byte[] content) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    }
}
