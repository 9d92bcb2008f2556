package org.cpmft.pf.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
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
 * The lab topology of deploy/kamailio: Kamailio as the SIP/IP core (registrar, FT iFC towards the
 * PF, third-party REGISTER, parallel forking), the PF behind it, and Bob's two devices B1 and B2.
 * Alice pushes a file to Bob: Kamailio sends the INVITE to the PF (originating role), the PF sends it
 * back, Kamailio forks to B1 and B2; B2 answers, so B1 gets a CANCEL with
 * {@code Reason: SIP;cause=200;text="Call completed elsewhere"} (RFC 3326, CPM Annex C), and the file
 * reaches B2's MSRP receiver through the PF relay with the same SHA-256.
 */
class KamailioTopologyIT {

    private static final Duration STEP = Duration.ofSeconds(60);

    @Test
    void fileReachesTheAnsweringDeviceAndTheOtherIsCancelled(@TempDir Path dir) throws Exception {
        byte[] content = new byte[256 * 1024];
        new Random(20261122L).nextBytes(content);
        Path file = dir.resolve("photo.bin");
        Files.write(file, content);
        String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));

        int corePort = FreePorts.next();
        int b2MsrpPort = FreePorts.next();
        String b2Path = "msrp://127.0.0.1:" + b2MsrpPort + "/bob2dev;tcp";
        String alicePath = "msrp://127.0.0.1:" + FreePorts.next() + "/alice0001;tcp";

        try (PfUnderTest pf = new PfUnderTest(dir, Map.of("PF_SIP_OUTBOUND_PROXY", "sip:127.0.0.1:" + corePort + ";lr"));
             KamailioCore core = new KamailioCore(dir, corePort, pf.sipPort);
             ProcessUnderTest receiver = ProcessUnderTest.start("msrp-receive", ProcessUnderTest.javaJar(
                     "msrp", "receive", "--listen", "127.0.0.1:" + b2MsrpPort, "--session-id", "bob2dev",
                     "--out", dir.resolve("received.bin").toString(), "--timeout", "60s"), Map.of(), dir)) {
            receiver.awaitLine(l -> l.startsWith("listening"), STEP);

            Sipp b1Register = register(dir, core, "b1", "35999999-999999-1");
            Sipp b2Register = register(dir, core, "b2", "35999999-999999-2");
            // The S-CSCF role: one third-party REGISTER to the PF per device registration.
            awaitMetricAtLeast(pf, "pf_third_party_registers_total", 2, Duration.ofSeconds(10));

            Sipp b1 = Sipp.scenario("conformance/s-cancel.xml", "b1-device", dir).atPort(b1Register.port()).start();
            // B2 rings before it answers, so B1's 180 reaches Kamailio first. When the 200 wins that race,
            // tm holds B1's CANCEL until B1's 1xx (RFC 3261 9.1) and then builds it with cause=200 but no
            // text: the CANCEL from a proxy that is not ours, not this PF's rule.
            Sipp b2 = Sipp.scenario("ft-uas-recipient.xml", "b2-device", dir).atPort(b2Register.port())
                    .pause(Duration.ofSeconds(2)).key("msrp_path", b2Path).start();
            try {
                String sendCmd = String.join(" ", ProcessUnderTest.javaJar("msrp", "send",
                        "--file", file.toString(), "--from-path", "'" + alicePath + "'",
                        "--result", dir.resolve("sent.txt").toString(), "--to-path"));
                Sipp alice = Sipp.scenario("ft-uac-push.xml", "alice", dir).to(core.address()).service("bob")
                        .pause(Duration.ofSeconds(4))
                        .key("ft_name", "photo.bin").key("ft_type", "application/octet-stream")
                        .key("ft_size", Integer.toString(content.length))
                        .key("msrp_path", alicePath).key("msrp_cmd", sendCmd).start();
                assertThat(alice.awaitExit()).as("Alice\n%s\n--- kamailio:\n%s", alice.report(), core.log()).isZero();
                assertThat(b2.awaitExit()).as("B2 (answers)\n%s", b2.report()).isZero();
                assertThat(b1.awaitExit()).as("B1 (cancelled)\n%s", b1.report()).isZero();

                assertThat(b1.messages()).contains("CANCEL sip:bob@127.0.0.1:" + b1Register.port())
                        .containsPattern("(?m)^Reason: *SIP;cause=200;text=\"Call completed elsewhere\"");
                assertThat(receiver.awaitExit(STEP)).as("receiver\n%s", receiver.output()).isZero();
                assertThat(receiver.output()).contains("sha256=" + sha256);
                assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                        .digest(Files.readAllBytes(dir.resolve("received.bin"))))).isEqualTo(sha256);

                // The INVITE went through the PF: its relay, not Alice, is in B2's a=path offer.
                String invite = b2.messages();
                Matcher path = Pattern.compile("a=path:msrp://([^:/]+):(\\d+)/").matcher(invite);
                assertThat(path.find()).isTrue();
                assertThat(path.group(2)).isEqualTo(Integer.toString(pf.msrpPort));
                assertThat(core.log()).contains("to the PF", "back from the PF", "forked to the registered contacts of bob",
                        "third-party REGISTER of bob");
            } finally {
                b1.kill();
                b2.kill();
            }
        }
    }

    private static Sipp register(Path dir, KamailioCore core, String name, String imei) throws Exception {
        Sipp reg = Sipp.scenario("registration/register-device.xml", name + "-register", dir).to(core.address())
                .key("user", "bob").key("domain", "127.0.0.1").key("instance", imei).key("expires", "600").start();
        assertThat(reg.awaitExit()).as("REGISTER of %s\n%s", name, reg.report()).isZero();
        return reg;
    }

    private static void awaitMetricAtLeast(PfUnderTest pf, String name, double atLeast, Duration timeout)
            throws IOException, InterruptedException {
        Pattern line = Pattern.compile("(?m)^" + Pattern.quote(name) + "(?:\\{[^}]*\\})? ([0-9.eE+-]+)$");
        long deadline = System.nanoTime() + timeout.toNanos();
        double value = -1;
        while (System.nanoTime() < deadline) {
            Matcher m = line.matcher(pf.metrics());
            value = m.find() ? Double.parseDouble(m.group(1)) : -1;
            if (value >= atLeast) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError(name + " = " + value + ", expected at least " + atLeast);
    }
}
