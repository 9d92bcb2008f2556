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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue "first transfer": a CPM Client A (SIPp UAC + MSRP client) pushes a 1 MiB file through the
 * PF in the originating role to CPM Client B (SIPp UAS + MSRP client); real SIP, real MSRP.
 */
class FirstFileTransferIT {

    private static final Duration STEP = Duration.ofSeconds(60);

    @Test
    void oneMebibyteFileArrivesIntactThroughThePf(@TempDir Path dir) throws Exception {
        byte[] content = new byte[1024 * 1024];
        new Random(20261121L).nextBytes(content);
        Path file = dir.resolve("holiday.bin");
        Files.write(file, content);
        String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));

        int uasPort = FreePorts.next();
        int uacPort = FreePorts.next();
        int recipientMsrpPort = FreePorts.next();
        String senderPath = "msrp://127.0.0.1:" + FreePorts.next() + "/alice0001;tcp";
        String recipientPath = "msrp://127.0.0.1:" + recipientMsrpPort + "/bob0001;tcp";
        Path scenarios = PfJar.deployDir().resolve("sipp");

        try (PfUnderTest pf = new PfUnderTest(dir, Map.of(
                "PF_SIP_OUTBOUND_PROXY", "sip:127.0.0.1:" + uasPort + ";lr"));
             ProcessUnderTest receiver = ProcessUnderTest.start("msrp-receive", ProcessUnderTest.javaJar(
                     "msrp", "receive", "--listen", "127.0.0.1:" + recipientMsrpPort, "--session-id", "bob0001",
                     "--out", dir.resolve("received.bin").toString(), "--timeout", "60s"), Map.of(), dir);
             ProcessUnderTest uas = ProcessUnderTest.start("sipp-uas", List.of("sipp", "-sf",
                     scenarios.resolve("ft-uas-recipient.xml").toString(), "-i", "127.0.0.1", "-p",
                     Integer.toString(uasPort), "-m", "1", "-nostdin", "-timeout", "60s", "-trace_msg",
                     "-message_file", dir.resolve("uas-messages.log").toString(),
                     "-key", "msrp_path", recipientPath), Map.of(), dir)) {
            receiver.awaitLine(l -> l.startsWith("listening"), STEP);

            String sendCmd = String.join(" ", ProcessUnderTest.javaJar("msrp", "send",
                    "--file", file.toString(), "--from-path", "'" + senderPath + "'",
                    "--result", dir.resolve("sent.txt").toString(), "--to-path"));
            try (ProcessUnderTest uac = ProcessUnderTest.start("sipp-uac", List.of("sipp", "-sf",
                    scenarios.resolve("ft-uac-push.xml").toString(), "127.0.0.1:" + pf.sipPort,
                    "-i", "127.0.0.1", "-p", Integer.toString(uacPort), "-s", "bob", "-m", "1",
                    "-d", "6000", "-nostdin", "-timeout", "60s",
                    "-trace_msg", "-message_file", dir.resolve("uac-messages.log").toString(),
                    "-key", "ft_name", "holiday.bin", "-key", "ft_type", "application/octet-stream",
                    "-key", "ft_size", Integer.toString(content.length),
                    "-key", "msrp_path", senderPath, "-key", "msrp_cmd", sendCmd), Map.of(), dir)) {
                assertThat(uac.awaitExit(STEP)).as("SIPp UAC\n%s", uac.output()).isZero();
            }
            assertThat(uas.awaitExit(STEP)).as("SIPp UAS\n%s", uas.output()).isZero();
            assertThat(receiver.awaitExit(STEP)).as("receiver\n%s", receiver.output()).isZero();

            assertThat(receiver.output()).contains("sha256=" + sha256);
            assertThat(Files.readString(dir.resolve("sent.txt"))).contains("sha256=" + sha256);
            assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(Files.readAllBytes(dir.resolve("received.bin"))))).isEqualTo(sha256);

            String forwardedInvite = firstMessage(Files.readString(dir.resolve("uas-messages.log")), "INVITE sip:");
            assertThat(forwardedInvite)
                    .containsPattern("(?m)^Accept-Contact:.*urn%3Aurn-7%3A3gpp-service\\.ims\\.icsi\\.oma\\.cpm\\.filetransfer")
                    .containsPattern("(?m)^Contact:.*urn%3Aurn-7%3A3gpp-service\\.ims\\.icsi\\.oma\\.cpm\\.filetransfer")
                    .containsPattern("(?m)^Conversation-ID: *f81d4fae-7dec-11d0-a765-00a0c91e6bf6")
                    .containsPattern("(?m)^Contribution-ID: *abcdef-1234-5678-90ab-cdef01234567")
                    .contains("a=file-selector:name:\"holiday.bin\" type:application/octet-stream size:" + content.length)
                    .contains("a=file-transfer-id:vBnG916bdberum2fFEABR1FR3ExZMUrd")
                    .contains("a=sendonly")
                    .doesNotContain(senderPath);
            Matcher path = Pattern.compile("a=path:msrp://([^:/]+):(\\d+)/").matcher(forwardedInvite);
            assertThat(path.find()).isTrue();
            assertThat(path.group(1) + ":" + path.group(2)).isEqualTo("127.0.0.1:" + pf.msrpPort);

            String answerToSender = firstMessage(Files.readString(dir.resolve("uac-messages.log")), "SIP/2.0 200 OK");
            assertThat(answerToSender).contains("a=path:msrp://127.0.0.1:" + pf.msrpPort + "/").doesNotContain(recipientPath);

            assertThat(pf.terminate(Duration.ofSeconds(10))).as("PF exit on SIGTERM\n%s", pf.process().output()).isZero();
        }
    }

    /** The first message in a SIPp -trace_msg log whose start line begins with the prefix. */
    private static String firstMessage(String log, String startLine) {
        int at = log.indexOf("\n" + startLine);
        assertThat(at).as("no %s in the SIPp trace:\n%s", startLine, log).isNotNegative();
        int end = log.indexOf("\n----------------------------------------------- ", at);
        return end < 0 ? log.substring(at + 1) : log.substring(at + 1, end);
    }
}
