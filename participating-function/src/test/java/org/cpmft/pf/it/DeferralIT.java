package org.cpmft.pf.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Deferred delivery end to end: the recipient answers 480, the PF takes the file itself (the
 * sender sees a normal transfer), and on the recipient's third-party REGISTER the PF re-offers
 * it and the recipient receives the same bytes (OMA CPM 8.2.3.1 1.a, seed 004).
 */
class DeferralIT {

    private static final Duration STEP = Duration.ofSeconds(60);

    @Test
    void aFileRefusedWith480IsStoredAndDeliveredOnRegister(@TempDir Path dir) throws Exception {
        byte[] content = new byte[512 * 1024 + 123];
        new Random(480L).nextBytes(content);
        Path file = dir.resolve("later.bin");
        Files.write(file, content);
        String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));

        int uasPort = FreePorts.next();
        int recipientMsrpPort = FreePorts.next();
        String senderPath = "msrp://127.0.0.1:" + FreePorts.next() + "/alice0480;tcp";
        String recipientPath = "msrp://127.0.0.1:" + recipientMsrpPort + "/bob0480;tcp";
        Path scenarios = PfJar.deployDir().resolve("sipp");

        try (PfUnderTest pf = new PfUnderTest(dir, Map.of("PF_SIP_OUTBOUND_PROXY", "sip:127.0.0.1:" + uasPort + ";lr"))) {
            try (ProcessUnderTest busy = ProcessUnderTest.start("sipp-uas-480", List.of("sipp", "-sf",
                    scenarios.resolve("deferral-recipient-480.xml").toString(), "-i", "127.0.0.1", "-p",
                    Integer.toString(uasPort), "-m", "1", "-nostdin", "-timeout", "60s"), Map.of(), dir)) {
                String sendCmd = String.join(" ", ProcessUnderTest.javaJar("msrp", "send",
                        "--file", file.toString(), "--from-path", "'" + senderPath + "'",
                        "--result", dir.resolve("sent.txt").toString(), "--to-path"));
                try (ProcessUnderTest uac = ProcessUnderTest.start("sipp-uac", List.of("sipp", "-sf",
                        scenarios.resolve("ft-uac-push.xml").toString(), "127.0.0.1:" + pf.sipPort,
                        "-i", "127.0.0.1", "-p", Integer.toString(FreePorts.next()), "-s", "bob", "-m", "1",
                        "-d", "6000", "-nostdin", "-timeout", "60s",
                        "-key", "ft_name", "later.bin", "-key", "ft_type", "application/octet-stream",
                        "-key", "ft_size", Integer.toString(content.length),
                        "-key", "msrp_path", senderPath, "-key", "msrp_cmd", sendCmd), Map.of(), dir)) {
                    assertThat(uac.awaitExit(STEP)).as("sender (SIPp UAC)\n%s\nPF:\n%s", uac.output(),
                            pf.process().output()).isZero();
                }
                assertThat(busy.awaitExit(STEP)).as("recipient answering 480\n%s", busy.output()).isZero();
            }
            assertThat(Files.readString(dir.resolve("sent.txt"))).as("the sender saw a normal transfer")
                    .contains("sha256=" + sha256);
            assertThat(pf.metrics()).contains("pf_deferred_intake_total{cause=\"temporarily_unavailable\"} 1.0");

            try (ProcessUnderTest receiver = ProcessUnderTest.start("msrp-receive", ProcessUnderTest.javaJar(
                    "msrp", "receive", "--listen", "127.0.0.1:" + recipientMsrpPort, "--session-id", "bob0480",
                    "--out", dir.resolve("received.bin").toString(), "--timeout", "60s"), Map.of(), dir);
                 ProcessUnderTest uas = ProcessUnderTest.start("sipp-uas", List.of("sipp", "-sf",
                         scenarios.resolve("ft-uas-recipient.xml").toString(), "-i", "127.0.0.1", "-p",
                         Integer.toString(uasPort), "-m", "1", "-nostdin", "-timeout", "60s", "-trace_msg",
                         "-message_file", dir.resolve("uas-messages.log").toString(),
                         "-key", "msrp_path", recipientPath), Map.of(), dir)) {
                receiver.awaitLine(l -> l.startsWith("listening"), STEP);
                try (ProcessUnderTest register = ProcessUnderTest.start("sipp-3rd-party-register", List.of("sipp",
                        "-sf", scenarios.resolve("third-party-register.xml").toString(), "127.0.0.1:" + pf.sipPort,
                        "-i", "127.0.0.1", "-p", Integer.toString(FreePorts.next()), "-m", "1", "-nostdin",
                        "-timeout", "30s", "-key", "user", "sip:bob@127.0.0.1", "-key", "expires", "3600",
                        "-key", "instance", "urn:gsma:imei:35999999-999999-0"), Map.of(), dir)) {
                    assertThat(register.awaitExit(STEP)).as("REGISTER\n%s", register.output()).isZero();
                }
                assertThat(uas.awaitExit(STEP)).as("recipient\n%s\nPF:\n%s", uas.output(), pf.process().output()).isZero();
                assertThat(receiver.awaitExit(STEP)).as("receiver\n%s", receiver.output()).isZero();
                assertThat(receiver.output()).contains("sha256=" + sha256);
            }
            String delivery = Files.readString(dir.resolve("uas-messages.log"));
            assertThat(delivery).containsPattern("(?m)^Referred-By: *<sip:alice@127\\.0\\.0\\.1>")
                    .containsPattern("(?m)^User-Agent: .*");
        }
    }

    @Test
    void aRecipientDroppingMidTransferGetsTheRestLaterFromWhereItStopped(@TempDir Path dir) throws Exception {
        byte[] content = new byte[3 * 1024 * 1024];
        new Random(4L).nextBytes(content);
        Path file = dir.resolve("big.bin");
        Files.write(file, content);
        String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));

        int uasPort = FreePorts.next();
        int recipientMsrpPort = FreePorts.next();
        String senderPath = "msrp://127.0.0.1:" + FreePorts.next() + "/alice0004;tcp";
        String recipientPath = "msrp://127.0.0.1:" + recipientMsrpPort + "/bob0004;tcp";
        Path scenarios = PfJar.deployDir().resolve("sipp");

        try (PfUnderTest pf = new PfUnderTest(dir, Map.of("PF_SIP_OUTBOUND_PROXY", "sip:127.0.0.1:" + uasPort + ";lr"))) {
            try (ProcessUnderTest dropping = ProcessUnderTest.start("msrp-receive-drop", ProcessUnderTest.javaJar(
                    "msrp", "receive", "--listen", "127.0.0.1:" + recipientMsrpPort, "--session-id", "bob0004",
                    "--out", dir.resolve("first.bin").toString(), "--timeout", "20s", "--drop-after", "700000"),
                    Map.of(), dir);
                 ProcessUnderTest uas = ProcessUnderTest.start("sipp-uas", List.of("sipp", "-sf",
                         scenarios.resolve("ft-uas-recipient.xml").toString(), "-i", "127.0.0.1", "-p",
                         Integer.toString(uasPort), "-m", "1", "-nostdin", "-timeout", "60s",
                         "-key", "msrp_path", recipientPath), Map.of(), dir)) {
                dropping.awaitLine(l -> l.startsWith("listening"), STEP);
                String sendCmd = String.join(" ", ProcessUnderTest.javaJar("msrp", "send",
                        "--file", file.toString(), "--from-path", "'" + senderPath + "'", "--chunk-size", "65536",
                        "--result", dir.resolve("sent.txt").toString(), "--to-path"));
                try (ProcessUnderTest uac = ProcessUnderTest.start("sipp-uac", List.of("sipp", "-sf",
                        scenarios.resolve("ft-uac-push.xml").toString(), "127.0.0.1:" + pf.sipPort,
                        "-i", "127.0.0.1", "-p", Integer.toString(FreePorts.next()), "-s", "bob", "-m", "1",
                        "-d", "8000", "-nostdin", "-timeout", "60s",
                        "-key", "ft_name", "big.bin", "-key", "ft_type", "application/octet-stream",
                        "-key", "ft_size", Integer.toString(content.length),
                        "-key", "msrp_path", senderPath, "-key", "msrp_cmd", sendCmd), Map.of(), dir)) {
                    assertThat(uac.awaitExit(STEP)).as("sender\n%s\nPF:\n%s", uac.output(), pf.process().output()).isZero();
                }
                assertThat(uas.awaitExit(STEP)).as("recipient\n%s", uas.output()).isZero();
                assertThat(dropping.awaitExit(STEP)).isZero();
            }
            assertThat(Files.readString(dir.resolve("sent.txt"))).as("the sender saw a normal transfer")
                    .contains("sha256=" + sha256);
            assertThat(pf.metrics()).contains("pf_deferred_intake_total{cause=\"media_interrupted\"} 1.0");

            ProcessUnderTest receiver = ProcessUnderTest.start("msrp-receive", ProcessUnderTest.javaJar(
                    "msrp", "receive", "--listen", "127.0.0.1:" + recipientMsrpPort, "--session-id", "bob0004",
                    "--out", dir.resolve("rest.bin").toString(), "--timeout", "30s"), Map.of(), dir);
            try (receiver;
                 ProcessUnderTest uas = ProcessUnderTest.start("sipp-uas-2", List.of("sipp", "-sf",
                         scenarios.resolve("ft-uas-recipient.xml").toString(), "-i", "127.0.0.1", "-p",
                         Integer.toString(uasPort), "-m", "1", "-nostdin", "-timeout", "60s", "-trace_msg",
                         "-message_file", dir.resolve("uas-2-messages.log").toString(),
                         "-key", "msrp_path", recipientPath), Map.of(), dir)) {
                receiver.awaitLine(l -> l.startsWith("listening"), STEP);
                try (ProcessUnderTest register = ProcessUnderTest.start("sipp-3rd-party-register", List.of("sipp",
                        "-sf", scenarios.resolve("third-party-register.xml").toString(), "127.0.0.1:" + pf.sipPort,
                        "-i", "127.0.0.1", "-p", Integer.toString(FreePorts.next()), "-m", "1", "-nostdin",
                        "-timeout", "30s", "-key", "user", "sip:bob@127.0.0.1", "-key", "expires", "3600",
                        "-key", "instance", "urn:gsma:imei:35999999-999999-0"), Map.of(), dir)) {
                    assertThat(register.awaitExit(STEP)).isZero();
                }
                assertThat(uas.awaitExit(STEP)).as("recipient, second time\n%s\nPF:\n%s", uas.output(),
                        pf.process().output()).isZero();
            }
            String reoffer = Files.readString(dir.resolve("uas-2-messages.log"));
            java.util.regex.Matcher range = java.util.regex.Pattern.compile("a=file-range:(\\d+)-").matcher(reoffer);
            assertThat(range.find()).as("the re-offer resumes with a file-range:\n%s", reoffer).isTrue();
            int from = Integer.parseInt(range.group(1)) - 1;
            assertThat(from).isGreaterThan(0).isLessThan(content.length);
            byte[] first = Files.readAllBytes(dir.resolve("first.bin"));
            byte[] rest = Files.readAllBytes(dir.resolve("rest.bin"));
            assertThat(java.util.Arrays.copyOfRange(first, 0, from))
                    .as("what the recipient had").isEqualTo(java.util.Arrays.copyOfRange(content, 0, from));
            assertThat(java.util.Arrays.copyOfRange(rest, from, content.length))
                    .as("what the re-offer brought").isEqualTo(java.util.Arrays.copyOfRange(content, from, content.length));
        }
    }

    @Test
    void aDeclinedDeliveryRemovesTheFileAndTellsTheSender(@TempDir Path dir) throws Exception {
        byte[] content = new byte[64 * 1024];
        new Random(603L).nextBytes(content);
        Path file = dir.resolve("unwanted.bin");
        Files.write(file, content);
        int uasPort = FreePorts.next();
        String senderPath = "msrp://127.0.0.1:" + FreePorts.next() + "/alice0603;tcp";
        Path scenarios = PfJar.deployDir().resolve("sipp");

        try (PfUnderTest pf = new PfUnderTest(dir, Map.of("PF_SIP_OUTBOUND_PROXY", "sip:127.0.0.1:" + uasPort + ";lr"))) {
            try (ProcessUnderTest busy = ProcessUnderTest.start("sipp-uas-480", List.of("sipp", "-sf",
                    scenarios.resolve("deferral-recipient-480.xml").toString(), "-i", "127.0.0.1", "-p",
                    Integer.toString(uasPort), "-m", "1", "-nostdin", "-timeout", "60s"), Map.of(), dir)) {
                String sendCmd = String.join(" ", ProcessUnderTest.javaJar("msrp", "send",
                        "--file", file.toString(), "--from-path", "'" + senderPath + "'",
                        "--result", dir.resolve("sent.txt").toString(), "--to-path"));
                try (ProcessUnderTest uac = ProcessUnderTest.start("sipp-uac", List.of("sipp", "-sf",
                        scenarios.resolve("deferral-uac-push-imdn.xml").toString(), "127.0.0.1:" + pf.sipPort,
                        "-i", "127.0.0.1", "-p", Integer.toString(FreePorts.next()), "-s", "bob", "-m", "1",
                        "-d", "5000", "-nostdin", "-timeout", "60s",
                        "-key", "ft_name", "unwanted.bin", "-key", "ft_type", "application/octet-stream",
                        "-key", "ft_size", Integer.toString(content.length),
                        "-key", "msrp_path", senderPath, "-key", "msrp_cmd", sendCmd), Map.of(), dir)) {
                    assertThat(uac.awaitExit(STEP)).as("sender\n%s", uac.output()).isZero();
                }
                assertThat(busy.awaitExit(STEP)).isZero();
            }
            try (ProcessUnderTest uas = ProcessUnderTest.start("sipp-uas-603", List.of("sipp", "-sf",
                    scenarios.resolve("deferral-recipient-603-notify.xml").toString(), "-i", "127.0.0.1", "-p",
                    Integer.toString(uasPort), "-m", "2", "-nostdin", "-timeout", "60s"), Map.of(), dir)) {
                register(dir, scenarios, pf, "sip:alice@127.0.0.1", "urn:gsma:imei:35888888-888888-0");
                register(dir, scenarios, pf, "sip:bob@127.0.0.1", "urn:gsma:imei:35999999-999999-0");
                assertThat(uas.awaitExit(STEP)).as("recipient declining, sender notified\n%s\nPF:\n%s",
                        uas.output(), pf.process().output()).isZero();
            }
            assertThat(pf.metrics()).contains("pf_deferred_deliveries_total{outcome=\"declined\"} 1.0");
        }
    }

    private static void register(Path dir, Path scenarios, PfUnderTest pf, String user, String instance)
            throws Exception {
        try (ProcessUnderTest register = ProcessUnderTest.start("sipp-3rd-party-register", List.of("sipp",
                "-sf", scenarios.resolve("third-party-register.xml").toString(), "127.0.0.1:" + pf.sipPort,
                "-i", "127.0.0.1", "-p", Integer.toString(FreePorts.next()), "-m", "1", "-nostdin",
                "-timeout", "30s", "-key", "user", user, "-key", "expires", "3600", "-key", "instance", instance),
                Map.of(), dir)) {
            assertThat(register.awaitExit(STEP)).as("REGISTER %s\n%s", user, register.output()).isZero();
        }
    }
}
