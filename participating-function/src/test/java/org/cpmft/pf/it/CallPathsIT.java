package org.cpmft.pf.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.cpmft.pf.cpm.role.Role;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The per-call paths of {@code TransferCall} at SIP level, in both roles (a PF deferring on the
 * originating side, CPM 8.2.3.1, and one deferring on the terminating side, 8.3.3.1): the
 * invitation timer for a push (the PF answers, CANCEL downstream) and for a pull (408 upstream,
 * CANCEL downstream), a pull to a 480 recipient (the 480 reaches the requester), a re-INVITE in a
 * dialog the PF accepted itself (the added file is stored and later delivered, SHA-256 equal), a
 * CANCEL; and none of these logs a stack trace or an ERROR.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CallPathsIT {

    private static final Path SCENARIOS = PfJar.deployDir().resolve("sipp");
    private static final Duration STEP = Duration.ofSeconds(60);

    @TempDir
    static Path dir;
    private static final Map<Role, PfUnderTest> PFS = new EnumMap<>(Role.class);
    private static final Map<Role, Integer> NEXT_HOP = new EnumMap<>(Role.class);

    @BeforeAll
    static void startPfs() throws Exception {
        for (Role role : Role.values()) {
            int hop = FreePorts.next();
            NEXT_HOP.put(role, hop);
            PFS.put(role, new PfUnderTest(Files.createDirectories(dir.resolve("pf-" + role)), Map.of(
                    "PF_SIP_TRUSTED_CORE", "127.0.0.1/32",
                    "PF_SIP_OUTBOUND_PROXY", "sip:127.0.0.1:" + hop + ";lr",
                    "PF_SIP_INVITE_TIMEOUT", "2s",
                    "PF_POLICY_DEFER_ON", role.name().toLowerCase(java.util.Locale.ROOT))));
        }
    }

    @AfterAll
    static void stopPfs() {
        PFS.values().forEach(PfUnderTest::close);
    }

    private static String sescase(Role role) {
        return role == Role.ORIGINATING ? "orig" : "term";
    }

    private static String served(Role role) {
        return role == Role.ORIGINATING ? "alice" : "bob";
    }

    /** Runs a UAC scenario against the role's PF with a far end on the PF's next hop; both must pass. */
    private static void run(Role role, String uac, String uas, boolean tcp, Map<String, String> keys) throws Exception {
        PfUnderTest pf = PFS.get(role);
        String tag = uac + "-" + role + (tcp ? "-tcp" : "");
        Sipp far = Sipp.scenario(uas, tag + "-uas", dir).atPort(NEXT_HOP.get(role)).start();
        try {
            Sipp sender = Sipp.scenario("conformance/" + uac + ".xml", tag + "-uac", dir)
                    .to("127.0.0.1:" + pf.sipPort).tcp(tcp).key("callee", "127.0.0.1:9")
                    .key("sescase", sescase(role)).key("served", served(role))
                    // the MSRP CLI a scenario starts needs a JVM start and the transfer before the BYE
                    .pause(Duration.ofMillis(keys.containsKey("msrp_cmd") ? 8000 : 500));
            keys.forEach(sender::key);
            sender.start();
            int senderExit = sender.awaitExit();
            int farExit = far.awaitExit();
            assertThat(senderExit).as("sender %s\n%s\n%s\nPF:\n%s", uac, sender.report(), far.report(),
                    pf.process().output()).isZero();
            assertThat(farExit).as("far end %s\n%s", uas, far.report()).isZero();
        } finally {
            far.kill();
        }
    }

    @ParameterizedTest
    @EnumSource(Role.class)
    @Order(1)
    void anExpiredInvitationOfAPushIsAnsweredByThePfAndCancelledDownstream(Role role) throws Exception {
        run(role, "c-expiry-push", "conformance/s-ring-expiry.xml", false, Map.of());
    }

    @Test
    @Order(2)
    void anExpiredInvitationOverTcp() throws Exception {
        run(Role.TERMINATING, "c-expiry-push", "conformance/s-ring-expiry.xml", true, Map.of());
    }

    @ParameterizedTest
    @EnumSource(Role.class)
    @Order(3)
    void anExpiredPullGets408AndIsCancelledDownstream(Role role) throws Exception {
        run(role, "c-expiry-pull", "conformance/s-ring-expiry.xml", false, Map.of());
    }

    @ParameterizedTest
    @EnumSource(Role.class)
    @Order(4)
    void aPullToAnUnavailableRecipientGetsItsFailure(Role role) throws Exception {
        run(role, "c-pull-480", "deferral-recipient-480.xml", false, Map.of());
    }

    @ParameterizedTest
    @EnumSource(Role.class)
    @Order(5)
    void aCancelGoesDownstreamWithItsReason(Role role) throws Exception {
        run(role, "c-cancel", "conformance/s-cancel.xml", false, Map.of());
    }

    /**
     * CPM 8.2.3.1 1 / 8.3.3.1 1: the PF accepted the transfer itself (recipient 480); the sender's
     * re-INVITE adds a second file, which the PF takes into the store like the first and delivers on
     * the recipient's REGISTER.
     */
    @ParameterizedTest
    @EnumSource(Role.class)
    @Order(6)
    void aFileAddedByReinviteInADialogThePfAcceptedIsStoredAndDelivered(Role role) throws Exception {
        PfUnderTest pf = PFS.get(role);
        byte[] content = new byte[300 * 1024];
        new Random(20261208L + role.ordinal()).nextBytes(content);
        Path file = Files.write(dir.resolve("added-" + role + ".bin"), content);
        String senderPath = "msrp://127.0.0.1:" + FreePorts.next() + "/alice" + FreePorts.next() + ";tcp";
        Path sent = dir.resolve("added-" + role + ".sent.txt");
        String sendCmd = String.join(" ", ProcessUnderTest.javaJar("msrp", "send", "--file", file.toString(),
                "--from-path", "'" + senderPath + "'", "--result", sent.toString(), "--to-path"));
        run(role, "c-reinvite-pf-accepted", "deferral-recipient-480.xml", false, Map.of(
                "ft_name", file.getFileName().toString(), "ft_size", Integer.toString(content.length),
                "msrp_path", senderPath, "msrp_cmd", sendCmd));
        assertThat(Files.readString(sent)).as("the sender's MSRP through the PF").contains("sha256=" + DeferralIT.sha256(content));

        String recipientPath = "msrp://127.0.0.1:" + FreePorts.next() + "/bob" + FreePorts.next() + ";tcp";
        Path received = dir.resolve("added-" + role + ".received.bin");
        try (ProcessUnderTest receiver = DeferralIT.receiver(dir, recipientPath, received.getFileName().toString());
             ProcessUnderTest uas = ProcessUnderTest.start("sipp-recipient-" + role, List.of("sipp", "-sf",
                     SCENARIOS.resolve("ft-uas-recipient.xml").toString(), "-i", "127.0.0.1", "-p",
                     Integer.toString(NEXT_HOP.get(role)), "-m", "1", "-nostdin", "-timeout", "60s",
                     "-key", "msrp_path", recipientPath), Map.of(), dir)) {
            DeferralIT.register(dir, pf, "sip:bob@example.net", "urn:gsma:imei:35999999-999999-0");
            assertThat(uas.awaitExit(STEP)).as("recipient of the delivery\n%s\nPF:\n%s", uas.output(),
                    pf.process().output()).isZero();
            assertThat(receiver.awaitExit(STEP)).as("MSRP receiver\n%s", receiver.output()).isZero();
        }
        assertThat(DeferralIT.sha256(Files.readAllBytes(received))).as("the file added by re-INVITE, delivered from the store")
                .isEqualTo(DeferralIT.sha256(content));
    }

    /** CPM call paths are normal flows: one log line each at most, never a stack trace or an ERROR. */
    @Test
    @Order(100)
    void noneOfThesePathsLoggedAStackTraceOrAnError() {
        for (Map.Entry<Role, PfUnderTest> e : PFS.entrySet()) {
            String out = e.getValue().process().output();
            List<String> bad = new ArrayList<>();
            for (String line : out.split("\n")) {
                if (line.startsWith("\tat ") || line.contains(" ERROR ") || line.contains("Exception:")) {
                    bad.add(line);
                }
            }
            assertThat(bad).as("PF %s output:\n%s", e.getKey(), out).isEmpty();
        }
    }
}
