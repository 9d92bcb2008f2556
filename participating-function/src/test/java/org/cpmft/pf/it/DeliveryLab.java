package org.cpmft.pf.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The set-up the deferred-delivery tests share: a PF (embedded H2 or PostgreSQL store) whose
 * outbound proxy is one SIPp port where bob's device answers, a file bob's device accepted and lost
 * mid-transfer (so the PF keeps the rest for that device, seed 002 4.2), and the S-CSCF's
 * third-party REGISTER of that device.
 */
final class DeliveryLab implements AutoCloseable {

    static final String BOB = "sip:bob@127.0.0.1";
    static final String DEVICE = "urn:gsma:imei:35999999-999999-0";
    static final Duration STEP = Duration.ofSeconds(60);
    /** The MSRP chunk size of the sender (the msrp CLI) and of the PF's deliveries. */
    static final int CHUNK = 64 * 1024;

    enum Backend { H2, POSTGRESQL }

    final Path dir;
    final int devicePort = FreePorts.next();
    final PfUnderTest pf;

    DeliveryLab(Path dir, Backend backend) throws Exception {
        this.dir = dir;
        Map<String, String> env = new HashMap<>(Map.of("PF_SIP_TRUSTED_CORE", "127.0.0.1/32",
                "PF_SIP_OUTBOUND_PROXY", "sip:127.0.0.1:" + devicePort + ";lr"));
        if (backend == Backend.POSTGRESQL) {
            TestPostgres pg = TestPostgres.fromEnvironment();
            env.putAll(Map.of("PF_STORE_JDBC_URL", pg.url(), "PF_STORE_USER", pg.user(),
                    "PF_STORE_PASSWORD", pg.password()));
        }
        this.pf = new PfUnderTest(dir, env);
    }

    /**
     * Alice pushes {@code file} (with its thumbnail, deferral-uac-push-icon.xml); bob's device
     * accepts it with its +sip.instance (deferral-recipient-device.xml) and drops its MSRP
     * connection after {@code dropAfter} octets: the PF takes the rest into its store.
     *
     * @return the octets the device confirmed before the drop
     */
    long storeForTheDevice(Path file, long dropAfter) throws Exception {
        String path = "msrp://127.0.0.1:" + FreePorts.next() + "/bobdev1;tcp";
        try (ProcessUnderTest dropping = DeferralIT.receiver(dir, path, "first.bin", "--drop-after",
                Long.toString(dropAfter), "--result", dir.resolve("first.txt").toString())) {
            Sipp device = Sipp.scenario("deferral-recipient-device.xml", "device-accepting", dir).atPort(devicePort)
                    .key("msrp_path", path).start();
            String sent = DeferralIT.push(dir, pf, "deferral-uac-push-icon.xml", file, 8000);
            assertThat(sent).as("the sender saw a normal transfer")
                    .contains("sha256=" + DeferralIT.sha256(Files.readAllBytes(file)));
            assertThat(device.awaitExit()).as("device\n%s", device.report()).isZero();
            assertThat(dropping.awaitExit(STEP)).isZero();
        }
        assertThat(pf.metrics()).contains("pf_deferred_intake_total{cause=\"media_interrupted\"} 1.0");
        Matcher m = Pattern.compile("dropped after confirming (\\d+) bytes").matcher(Files.readString(dir.resolve("first.txt")));
        assertThat(m.find()).isTrue();
        return Long.parseLong(m.group(1));
    }

    /**
     * Alice pushes {@code file} (with its thumbnail) while bob answers 480 (deferral-recipient-480.xml):
     * the PF keeps the whole file, for any of bob's devices.
     */
    void storeWhole(Path file) throws Exception {
        Sipp busy = Sipp.scenario("deferral-recipient-480.xml", "device-480", dir).atPort(devicePort).start();
        String sent = DeferralIT.push(dir, pf, "deferral-uac-push-icon.xml", file, 6000);
        assertThat(sent).as("the sender saw a normal transfer")
                .contains("sha256=" + DeferralIT.sha256(Files.readAllBytes(file)));
        assertThat(busy.awaitExit()).as("device answering 480\n%s", busy.report()).isZero();
        assertThat(pf.metrics()).contains("pf_deferred_intake_total{cause=\"temporarily_unavailable\"} 1.0");
    }

    /** The S-CSCF's third-party REGISTER of bob's device, then its de-registration (c-third-party-register.xml). */
    void register(String name) throws Exception {
        Sipp register = Sipp.scenario("conformance/c-third-party-register.xml", name, dir)
                .to("127.0.0.1:" + pf.sipPort).key("user", BOB).key("instance", DEVICE).pause(Duration.ofMillis(200))
                .start();
        assertThat(register.awaitExit()).as("REGISTER\n%s", register.report()).isZero();
    }

    /** The 0-based octet an offer in this SIPp trace resumes at (a=file-range start - 1). */
    static long resumeOffset(String messages) {
        Matcher range = Pattern.compile("a=file-range:(\\d+)-").matcher(messages);
        assertThat(range.find()).as("a file-range in\n%s", messages).isTrue();
        return Long.parseLong(range.group(1)) - 1;
    }

    @Override
    public void close() {
        pf.close();
    }

    static byte[] join(byte[] head, long upTo, byte[] tail) {
        byte[] out = tail.clone();
        System.arraycopy(head, 0, out, 0, (int) upTo);
        return out;
    }
}
