package org.cpmft.pf.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.cpmft.msrp.client.MsrpFileSender;
import org.cpmft.msrp.client.MsrpTransferException;
import org.cpmft.msrp.message.MsrpUri;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The SIP conformance suite of deploy/sipp/conformance (see its README) run against the PF jar:
 * every scenario is a SIPp UAC that sends one request to the PF and checks the answer, with a
 * SIPp UAS as the far end where the request is relayed. A scenario passes when SIPp exits 0.
 *
 * <p>Two PFs: one with the default policy, one with {@code thumbnailOversize=refuse} and group file
 * transfer allowed. Both trust 127.0.0.1 only as their SIP/IP core, so a request from 127.0.0.3
 * comes from outside it. No outbound proxy: the PF routes by Request-URI, which names the far end.
 */
class ConformanceIT {

    private static final String FT_TAG = "urn:urn-7:3gpp-service.ims.icsi.oma.cpm.filetransfer";
    /** Requests the SIP stack cannot take as they are: 400 with a Warning naming the problem. */
    private static final List<String> MALFORMED = List.of("c-malformed-to", "c-missing-from", "c-missing-to",
            "c-missing-cseq");

    /** The far ends listen on 127.0.0.1: a Request-URI sip:conf-...@127.0.0.1 names a group session. */
    private static final String GROUP_IDENTITIES = "sip:conf-!.*!@127.0.0.1";

    @TempDir
    static Path dir;
    private static PfUnderTest standard;
    private static PfUnderTest alternative;

    @BeforeAll
    static void startPfs() throws Exception {
        standard = new PfUnderTest(Files.createDirectories(dir.resolve("pf-standard")),
                Map.of("PF_SIP_TRUSTED_CORE", "127.0.0.1/32", "PF_POLICY_GROUP_SESSION_IDENTITIES", GROUP_IDENTITIES));
        alternative = new PfUnderTest(Files.createDirectories(dir.resolve("pf-alternative")),
                Map.of("PF_SIP_TRUSTED_CORE", "127.0.0.1/32", "PF_POLICY_THUMBNAIL_OVERSIZE", "refuse",
                        "PF_POLICY_GROUP_FILE_TRANSFER", "true", "PF_POLICY_GROUP_SESSION_IDENTITIES", GROUP_IDENTITIES));
    }

    @AfterAll
    static void stopPfs() {
        Stream.of(standard, alternative).filter(p -> p != null).forEach(PfUnderTest::close);
    }

    /** One row of the README table. */
    record Case(String name, String uac, String uas, boolean alternativePf, boolean tcp, String fromIp,
                List<String> keys) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        List<Case> c = new ArrayList<>();
        c.add(relayed("push, originating role (Route orig)", "c-push-orig", "s-push-checks"));
        c.add(relayed("push, terminating role (P-Served-User)", "c-push-term", "s-push-checks"));
        c.add(new Case("push over TCP", "c-push-orig", "s-push-checks", false, true, "127.0.0.1", List.of()));
        c.add(relayed("pull (recvonly offer)", "c-pull", "s-accept-pull"));
        for (String header : List.of(
                "Accept-Contact: *;+g.3gpp.icsi-ref=\"" + FT_TAG + "\"",
                "Accept-Contact: *;+g.3gpp.icsi-ref=\"urn%3Aurn-7%3A3gpp-service.ims.icsi.oma.cpm.session,"
                        + "urn%3Aurn-7%3A3gpp-service.ims.icsi.oma.cpm.filetransfer\"",
                "Accept-Contact: *;+g.3gpp.icsi-ref=\"urn%3aurn-7%3a3gpp-service.ims.icsi.oma.cpm.filetransfer\";require;explicit",
                "Accept-Contact: *;+3gpp-service.ims.icsi.oma.cpm.filetransfer",
                "P-Asserted-Service: " + FT_TAG,
                "P-Preferred-Service: " + FT_TAG)) {
            c.add(new Case("feature tag: " + header, "c-feature-tag", "s-accept", false, false, "127.0.0.1",
                    List.of("service_header", header)));
        }
        c.add(relayed("chat INVITE passes untouched", "c-chat-passthrough", "s-chat"));
        c.add(relayed("two files in two m-lines", "c-multi-file", "s-multi-file"));
        c.add(relayed("file-icon within the limit travels", "c-file-icon", "s-file-icon"));
        c.add(relayed("oversize file-icon stripped", "c-file-icon-large", "s-no-icon"));
        c.add(new Case("oversize file-icon refused (policy refuse)", "c-file-icon-large-refused", null, true, false,
                "127.0.0.1", List.of()));
        c.add(refused("sendrecv FT stream: 488", "c-sdp-sendrecv"));
        c.add(refused("no file-transfer-id: 488", "c-sdp-no-file-transfer-id"));
        c.add(refused("duplicate file-transfer-id: 488", "c-sdp-duplicate-file-transfer-id"));
        c.add(refused("bad file-selector size: 488", "c-sdp-bad-size"));
        c.add(refused("file-range beyond size: 488", "c-sdp-bad-file-range"));
        c.add(refused("file-icon not cid: 488", "c-sdp-file-icon-not-cid"));
        c.add(refused("no a=path: 488", "c-sdp-no-path"));
        c.add(refused("no file-selector: 488", "c-sdp-no-file-selector"));
        c.add(refused("body is not SDP: 488", "c-sdp-unparseable"));
        c.add(refused("no SDP offer: 488", "c-no-sdp"));
        c.add(refused("multipart without boundary: 400", "c-body-bad-multipart"));
        c.add(refused("unsupported body type: 415 with Accept", "c-body-unsupported-type"));
        c.add(refused("Content-Length beyond the datagram: 400", "c-malformed-request"));
        for (String uac : MALFORMED) {
            c.add(refused(uac + ": 400 + Warning", uac));
        }
        c.add(new Case("c-malformed-to over TCP: 400 + Warning", "c-malformed-to", null, false, true, "127.0.0.1",
                List.of()));
        c.add(new Case("c-missing-cseq over TCP: 400 + Warning", "c-missing-cseq", null, false, true, "127.0.0.1",
                List.of()));
        c.add(refused("file over max size: 403 + 133 Size exceeded", "c-size-exceeded"));
        c.add(refused("FT in group not allowed: 403 + 122", "c-group-ft"));
        c.add(new Case("FT in group allowed, one file relayed", "c-group-ft-allowed", "s-accept", true, false,
                "127.0.0.1", List.of()));
        c.add(new Case("two files to a group: 403 + 122", "c-group-ft-two-files", null, true, false, "127.0.0.1",
                List.of()));
        c.add(refused("Request-URI is a CPM Group Session Identity, group FT not allowed: 403 + 122",
                "c-group-ft-identity"));
        c.add(new Case("group session identity answered 480: relayed, not deferred as a 1-1", "c-group-ft-identity-480",
                "s-group-480", true, false, "127.0.0.1", List.of()));
        c.add(relayed("a client's IMDN MESSAGE passed on, content and DateTime intact", "c-imdn-message",
                "s-imdn-message"));
        c.add(relayed("forking: first 2xx wins, later 2xx ACKed and BYEd", "c-fork", "s-fork"));
        c.add(relayed("CANCEL forwarded with its Reason", "c-cancel", "s-cancel"));
        c.add(relayed("BYE from the recipient", "c-recipient-bye", "s-recipient-bye"));
        c.add(relayed("re-INVITE: new file in a reused m-line gets a new relay path, then port 0", "c-reinvite",
                "s-reinvite"));
        c.add(relayed("re-INVITE with the same file-transfer-id keeps the relay path", "c-reinvite-same-id",
                "s-reinvite-same-id"));
        c.add(relayed("re-INVITE without SDP: the 2xx's offer and the ACK's answer name the relay", "c-reinvite-no-sdp",
                "s-reinvite-no-sdp"));
        c.add(new Case("re-INVITE without SDP over TCP", "c-reinvite-no-sdp", "s-reinvite-no-sdp", false, true,
                "127.0.0.1", List.of()));
        c.add(relayed("re-INVITE without SDP, unusable offer in the 2xx: refusing answer in the ACK, BYE both legs",
                "c-reinvite-no-sdp-bad-offer", "s-reinvite-no-sdp-bad-offer"));
        c.add(relayed("re-INVITE without SDP, unusable answer in the ACK: refusing answer in the ACK, BYE both legs",
                "c-reinvite-no-sdp-bad-answer", "s-reinvite-no-sdp-bad-answer"));
        // c-third-party-register: theThirdPartyRegisterDeliversTheStoredFileToTheDeviceThatAccepted
        c.add(refused("OPTIONS: 200 with Allow", "c-options"));
        c.add(new Case("request from outside the SIP/IP core: 403", "c-untrusted", null, false, false, "127.0.0.3",
                List.of()));
        return c.stream();
    }

    private static Case relayed(String name, String uac, String uas) {
        return new Case(name, uac, uas, false, false, "127.0.0.1", List.of());
    }

    private static Case refused(String name, String uac) {
        return new Case(name, uac, null, false, false, "127.0.0.1", List.of());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void scenarioPasses(Case c) throws Exception {
        PfUnderTest pf = c.alternativePf() ? alternative : standard;
        String tag = c.uac() + "-" + Integer.toHexString(c.name().hashCode());
        Sipp uas = null;
        try {
            String callee = "127.0.0.1:9";
            if (c.uas() != null) {
                uas = Sipp.scenario("conformance/" + c.uas() + ".xml", tag + "-uas", dir).tcp(c.tcp()).start();
                callee = uas.address();
            }
            Sipp uac = Sipp.scenario("conformance/" + c.uac() + ".xml", tag + "-uac", dir)
                    .to("127.0.0.1:" + pf.sipPort).from(c.fromIp()).tcp(c.tcp()).key("callee", callee)
                    .pause(Duration.ofMillis(200));
            for (int i = 0; i < c.keys().size(); i += 2) {
                uac.key(c.keys().get(i), c.keys().get(i + 1));
            }
            uac.start();
            int uacExit = uac.awaitExit();
            int uasExit = uas == null ? 0 : uas.awaitExit();
            String farEnd = uas == null ? "" : uas.report();
            assertThat(uacExit).as("UAC %s\n%s\n%s", c.uac(), uac.report(), farEnd).isZero();
            assertThat(uasExit).as("far end %s\n%s", c.uas(), farEnd).isZero();
        } finally {
            if (uas != null) {
                uas.kill();
            }
        }
    }

    /**
     * c-third-party-register: the S-CSCF's REGISTER of bob's device gets 200 and delivers the rest of
     * the file that device accepted and lost (CPM 8.2.3.1 1.a, seed 002 4.2): s-deferred-delivery.xml
     * checks the INVITE (Accept-Contact with the device's +sip.instance and require;explicit,
     * Referred-By, the RFC 5547 attributes with the thumbnail part, file-range, a=setup), and the
     * octets the device ends up with hash like the file. On both stores.
     */
    @ParameterizedTest(name = "c-third-party-register delivers to the device that accepted ({0})")
    @EnumSource(DeliveryLab.Backend.class)
    void theThirdPartyRegisterDeliversTheStoredFileToTheDeviceThatAccepted(DeliveryLab.Backend backend)
            throws Exception {
        Path work = Files.createDirectories(dir.resolve("third-party-register-" + backend));
        byte[] content = DeferralIT.randomFile(3 * 1024 * 1024 + 17, 9L);
        Path file = DeferralIT.write(work, "photo.bin", content);
        try (DeliveryLab lab = new DeliveryLab(work, backend)) {
            long confirmed = lab.storeForTheDevice(file, 700_000);
            String restPath = "msrp://127.0.0.1:" + FreePorts.next() + "/bobdev2;tcp";
            try (ProcessUnderTest receiver = DeferralIT.receiver(work, restPath, "rest.bin")) {
                Sipp device = Sipp.scenario("conformance/s-deferred-delivery.xml", "device-delivery", work)
                        .atPort(lab.devicePort).key("msrp_path", restPath).start();
                lab.register("c-third-party-register");
                assertThat(device.awaitExit()).as("device\n%s\nPF:\n%s", device.report(), lab.pf.process().output())
                        .isZero();
                long from = DeliveryLab.resumeOffset(device.messages());
                assertThat(from).as("resumes where the device confirmed").isEqualTo(confirmed);
                byte[] whole = DeliveryLab.join(Files.readAllBytes(work.resolve("first.bin")), from,
                        Files.readAllBytes(work.resolve("rest.bin")));
                assertThat(DeferralIT.sha256(whole)).isEqualTo(DeferralIT.sha256(content));
            }
        }
    }

    /**
     * A malformed request is answered before the stack creates a transaction: no SIP session or
     * application session appears, and the servlet never sees it (it would count a rejection).
     */
    @Test
    void malformedRequestsLeaveNothingBehind() throws Exception {
        double appSessions = metric(standard, "pf_sip_application_sessions_active");
        double sipSessions = metric(standard, "pf_sip_sessions_active");
        String rejectedBefore = rejections(standard);
        double answered = malformed(standard, "rejected");
        for (String uac : MALFORMED) {
            for (boolean tcp : new boolean[] {false, true}) {
                Sipp sipp = Sipp.scenario("conformance/" + uac + ".xml", uac + "-left-" + tcp, dir)
                        .to("127.0.0.1:" + standard.sipPort).tcp(tcp).key("callee", "127.0.0.1:9").start();
                assertThat(sipp.awaitExit()).as("%s over %s\n%s", uac, tcp ? "TCP" : "UDP", sipp.report()).isZero();
            }
        }
        // Sessions of earlier cases may end meanwhile, none may begin.
        assertThat(metric(standard, "pf_sip_application_sessions_active")).isLessThanOrEqualTo(appSessions);
        assertThat(metric(standard, "pf_sip_sessions_active")).isLessThanOrEqualTo(sipSessions);
        assertThat(rejections(standard)).isEqualTo(rejectedBefore);
        assertThat(malformed(standard, "rejected")).isGreaterThanOrEqualTo(answered + 2 * MALFORMED.size());
    }

    /**
     * RFC 3261 18.2.2: without a Via no response can be routed, so the request is dropped (counted,
     * not answered); over TCP the connection stays usable: the next request on it is answered.
     */
    @Test
    void aRequestWithoutViaIsDroppedAndTheConnectionGoesOn() throws Exception {
        double dropped = malformed(standard, "dropped");
        try (DatagramSocket udp = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            byte[] noVia = options(null, "no-via-udp").getBytes(StandardCharsets.US_ASCII);
            udp.send(new DatagramPacket(noVia, noVia.length, InetAddress.getLoopbackAddress(), standard.sipPort));
        }
        awaitMetric(() -> malformed(standard, "dropped") >= dropped + 1, "UDP request without Via dropped");

        try (Socket tcp = new Socket(InetAddress.getLoopbackAddress(), standard.sipPort)) {
            tcp.setSoTimeout(10_000);
            String via = "SIP/2.0/TCP 127.0.0.1:" + tcp.getLocalPort() + ";branch=z9hG4bK-after-no-via";
            tcp.getOutputStream().write((options(null, "no-via-tcp") + options(via, "after-no-via"))
                    .getBytes(StandardCharsets.US_ASCII));
            BufferedReader in = new BufferedReader(new InputStreamReader(tcp.getInputStream(), StandardCharsets.US_ASCII));
            assertThat(in.readLine()).isEqualTo("SIP/2.0 200 OK");
            StringBuilder headers = new StringBuilder();
            for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
                headers.append(line).append('\n');
            }
            assertThat(headers).contains("Call-ID: after-no-via");
        }
        assertThat(malformed(standard, "dropped")).isGreaterThanOrEqualTo(dropped + 2);
    }

    /** An OPTIONS request, with this Via (none if null). */
    private static String options(String via, String callId) {
        return "OPTIONS sip:pf@127.0.0.1:" + standard.sipPort + " SIP/2.0\r\n"
                + (via == null ? "" : "Via: " + via + "\r\n")
                + "Max-Forwards: 70\r\nFrom: <sip:probe@127.0.0.1>;tag=" + callId + "\r\nTo: <sip:pf@127.0.0.1>\r\n"
                + "Call-ID: " + callId + "\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n";
    }

    /** pf_sip_malformed_requests_total for this action. */
    private static double malformed(PfUnderTest pf, String action) throws IOException, InterruptedException {
        Matcher m = Pattern.compile("(?m)^pf_sip_malformed_requests_total\\{action=\"" + action + "\",?\\} (\\S+)$")
                .matcher(pf.metrics());
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    interface Check {
        boolean holds() throws Exception;
    }

    /** Bounded wait for something the PF does after the request was sent (no response tells when). */
    private static void awaitMetric(Check check, String what) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!check.holds()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not seen within 10 s: " + what);
            }
            Thread.sleep(50);
        }
    }

    /** The servlet's rejection counters (pf_ft_invites_rejected by status), as exposed. */
    private static String rejections(PfUnderTest pf) throws IOException, InterruptedException {
        StringBuilder sb = new StringBuilder();
        Matcher m = Pattern.compile("(?m)^pf_ft_invites_rejected.*$").matcher(pf.metrics());
        while (m.find()) {
            sb.append(m.group()).append('\n');
        }
        return sb.toString();
    }

    @Test
    void endingTheChatBesideATransferLeavesTheTransferUp() throws Exception {
        // Chat from 0 s to about 0.5 s, transfer from about 0.2 s to 2 s, same Conversation-ID.
        // Had the chat's BYE ended the transfer, the sender's late BYE would get 481 and fail.
        runSideBySide(Duration.ofMillis(500), Duration.ofMillis(1800), "chat-first");
    }

    @Test
    void endingATransferLeavesTheChatBesideItUp() throws Exception {
        runSideBySide(Duration.ofMillis(2000), Duration.ofMillis(200), "transfer-first");
    }

    /**
     * RFC 5547 section 8, CPM 7.4.1 2.b: the second file of a re-INVITE (new file-transfer-id in the
     * reused m-line) crosses the relay on a session of its own, and the re-INVITE closing the m-line
     * with port 0 releases that session while the SIP session is still up (the scenario sends no BYE),
     * so MSRP to the closed relay path is answered 481 and no relay session is left open.
     */
    @Test
    void aNewFileOfAReinviteCrossesTheRelayAndPortZeroReleasesItsSession() throws Exception {
        byte[] content = new byte[256 * 1024];
        new Random(20261122L).nextBytes(content);
        Path file = dir.resolve("second.bin");
        Files.write(file, content);
        String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        int recipientMsrpPort = FreePorts.next();
        String senderPath = "msrp://127.0.0.1:" + FreePorts.next() + "/alice0002;tcp";
        String recipientPath = "msrp://127.0.0.1:" + recipientMsrpPort + "/bob0002;tcp";
        double sessionsBefore = metric(standard, "msrp_relay_sessions_active");
        double reofferedBefore = metric(standard, "pf_ft_reinvite_transfers_total");

        try (ProcessUnderTest receiver = ProcessUnderTest.start("msrp-receive", ProcessUnderTest.javaJar(
                "msrp", "receive", "--listen", "127.0.0.1:" + recipientMsrpPort, "--session-id", "bob0002",
                "--out", dir.resolve("second-received.bin").toString(), "--timeout", "40s"), Map.of(), dir)) {
            receiver.awaitLine(l -> l.startsWith("listening"), Duration.ofSeconds(60));
            Sipp far = Sipp.scenario("conformance/s-reinvite-new-file.xml", "new-file-uas", dir)
                    .key("msrp_path", recipientPath).start();
            try {
                String sendCmd = String.join(" ", ProcessUnderTest.javaJar("msrp", "send", "--file", file.toString(),
                        "--from-path", "'" + senderPath + "'", "--result", dir.resolve("second-sent.txt").toString(),
                        "--to-path"));
                Sipp sender = Sipp.scenario("conformance/c-reinvite-new-file.xml", "new-file-uac", dir)
                        .to("127.0.0.1:" + standard.sipPort).key("callee", far.address())
                        .key("ft_name", "second.bin").key("ft_size", Integer.toString(content.length))
                        .key("msrp_path", senderPath).key("msrp_cmd", sendCmd)
                        .pause(Duration.ofSeconds(10)).start();
                assertThat(sender.awaitExit()).as("sender\n%s\n%s", sender.report(), far.report()).isZero();
                assertThat(far.awaitExit()).as("far end\n%s", far.report()).isZero();
                assertThat(receiver.awaitExit(Duration.ofSeconds(40))).as("receiver\n%s", receiver.output()).isZero();
                assertThat(receiver.output()).contains("sha256=" + sha256);
                assertThat(Files.readString(dir.resolve("second-sent.txt"))).contains("sha256=" + sha256);

                // The SIP session is still up: only the port 0 re-INVITE can have closed the relay session.
                String closedPath = relayPathAnswered(sender.messages(), "CSeq: 2 INVITE");
                assertThat(closedPath).as("the second file went through the relay")
                        .startsWith("msrp://127.0.0.1:" + standard.msrpPort + "/");
                assertThatMsrpIsRefused(closedPath, senderPath);
                assertThat(metric(standard, "msrp_relay_sessions_active")).isEqualTo(sessionsBefore);
                assertThat(metric(standard, "pf_ft_reinvite_transfers_total")).isEqualTo(reofferedBefore + 1);
            } finally {
                far.kill();
            }
        }
    }

    /**
     * RFC 3261 section 14.1: after a re-INVITE without SDP, the far end's 2xx offers a new file (new
     * file-transfer-id, RFC 5547 section 8) and the sender's ACK answers it; both cross the relay, so
     * the far end's MSRP SEND reaches the sender through a relay session of its own.
     */
    @Test
    void aFileOfferedInThe2xxToAReinviteWithoutSdpCrossesTheRelay() throws Exception {
        byte[] content = new byte[256 * 1024];
        new Random(20261123L).nextBytes(content);
        Path file = dir.resolve("offered-in-2xx.bin");
        Files.write(file, content);
        String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        int aliceMsrpPort = FreePorts.next();
        String alicePath = "msrp://127.0.0.1:" + aliceMsrpPort + "/alice0003;tcp";
        String bobPath = "msrp://127.0.0.1:" + FreePorts.next() + "/bob0003;tcp";
        double reofferedBefore = metric(standard, "pf_ft_reinvite_transfers_total");

        try (ProcessUnderTest receiver = ProcessUnderTest.start("msrp-receive-2xx", ProcessUnderTest.javaJar(
                "msrp", "receive", "--listen", "127.0.0.1:" + aliceMsrpPort, "--session-id", "alice0003",
                "--out", dir.resolve("offered-in-2xx-received.bin").toString(), "--timeout", "40s"), Map.of(), dir)) {
            receiver.awaitLine(l -> l.startsWith("listening"), Duration.ofSeconds(60));
            String sendCmd = String.join(" ", ProcessUnderTest.javaJar("msrp", "send", "--file", file.toString(),
                    "--from-path", "'" + bobPath + "'", "--result", dir.resolve("offered-in-2xx-sent.txt").toString(),
                    "--to-path"));
            Sipp far = Sipp.scenario("conformance/s-reinvite-no-sdp-msrp.xml", "no-sdp-msrp-uas", dir)
                    .key("ft_name", "offered-in-2xx.bin").key("ft_size", Integer.toString(content.length))
                    .key("msrp_path", bobPath).key("msrp_cmd", sendCmd).start();
            try {
                Sipp alice = Sipp.scenario("conformance/c-reinvite-no-sdp-msrp.xml", "no-sdp-msrp-uac", dir)
                        .to("127.0.0.1:" + standard.sipPort).key("callee", far.address()).key("msrp_path", alicePath)
                        .pause(Duration.ofSeconds(10)).start();
                assertThat(alice.awaitExit()).as("sender\n%s\n%s", alice.report(), far.report()).isZero();
                assertThat(far.awaitExit()).as("far end\n%s", far.report()).isZero();
                assertThat(receiver.awaitExit(Duration.ofSeconds(40))).as("receiver\n%s", receiver.output()).isZero();
                assertThat(receiver.output()).contains("sha256=" + sha256);
                assertThat(Files.readString(dir.resolve("offered-in-2xx-sent.txt"))).contains("sha256=" + sha256);
                assertThat(relayPathAnswered(alice.messages(), "CSeq: 2 INVITE"))
                        .as("the 2xx's offer names the relay").startsWith("msrp://127.0.0.1:" + standard.msrpPort + "/");
                assertThat(relayPathIn(far.messages(), "CSeq: 2 ACK"))
                        .as("the ACK's answer names the relay").startsWith("msrp://127.0.0.1:" + standard.msrpPort + "/");
                assertThat(metric(standard, "pf_ft_reinvite_transfers_total")).isEqualTo(reofferedBefore + 1);
            } finally {
                far.kill();
            }
        }
    }

    /** The a=path of the first traced message with this CSeq that has one, from a SIPp message trace. */
    private static String relayPathIn(String trace, String cseq) {
        Pattern path = Pattern.compile("(?m)^a=path:(\\S+)");
        for (String message : trace.split("\n-{20,}")) {
            Matcher m = path.matcher(message);
            if (message.contains(cseq) && m.find()) {
                return m.group(1);
            }
        }
        throw new AssertionError("no " + cseq + " with a=path in\n" + trace);
    }

    /** The a=path of the 200 answering the request with this CSeq, from a SIPp message trace. */
    private static String relayPathAnswered(String trace, String cseq) {
        Pattern path = Pattern.compile("(?m)^a=path:(\\S+)");
        for (String message : trace.split("\n-{20,}")) {
            Matcher m = path.matcher(message);
            if (message.contains("SIP/2.0 200 OK") && message.contains(cseq) && m.find()) {
                return m.group(1);
            }
        }
        throw new AssertionError("no 200 to " + cseq + " with a=path in\n" + trace);
    }

    private static void assertThatMsrpIsRefused(String relayPath, String fromPath) throws Exception {
        Path probe = Files.write(dir.resolve("probe.bin"), new byte[] {1, 2, 3});
        try (MsrpFileSender sender = new MsrpFileSender()) {
            sender.send(probe, MsrpUri.parsePath(relayPath), MsrpUri.parse(fromPath), "application/octet-stream",
                    MsrpFileSender.DEFAULT_CHUNK_SIZE, Duration.ofSeconds(10));
            throw new AssertionError("MSRP to the closed relay session " + relayPath + " was accepted");
        } catch (MsrpTransferException refused) {
            assertThat(refused.status()).as(refused.getMessage()).isEqualTo(481);
        }
    }

    /** A value of the PF's Prometheus endpoint (without labels), 0 when absent. */
    private static double metric(PfUnderTest pf, String name) throws IOException, InterruptedException {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "(?:\\{[^}]*\\})? (\\S+)$").matcher(pf.metrics());
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    private static void runSideBySide(Duration chatLength, Duration transferLength, String tag) throws Exception {
        Sipp chatFar = Sipp.scenario("conformance/s-chat.xml", tag + "-chat-uas", dir).start();
        Sipp ftFar = Sipp.scenario("conformance/s-push-checks.xml", tag + "-ft-uas", dir).start();
        try {
            Sipp chat = Sipp.scenario("conformance/c-chat-passthrough.xml", tag + "-chat-uac", dir)
                    .to("127.0.0.1:" + standard.sipPort).key("callee", chatFar.address()).pause(chatLength).start();
            Thread.sleep(200);
            Sipp ft = Sipp.scenario("conformance/c-push-orig.xml", tag + "-ft-uac", dir)
                    .to("127.0.0.1:" + standard.sipPort).key("callee", ftFar.address()).pause(transferLength).start();
            assertThat(chat.awaitExit()).as("chat sender\n%s", chat.report()).isZero();
            assertThat(ft.awaitExit()).as("FT sender\n%s", ft.report()).isZero();
            assertThat(chatFar.awaitExit()).as("chat far end\n%s", chatFar.report()).isZero();
            assertThat(ftFar.awaitExit()).as("FT far end\n%s", ftFar.report()).isZero();
            // Both dialogs ended by their own BYE, each answered 200 by the far end of that dialog only.
            assertThat(count(chatFar.messages(), "\nBYE ")).isEqualTo(1);
            assertThat(count(ftFar.messages(), "\nBYE ")).isEqualTo(1);
        } finally {
            chatFar.kill();
            ftFar.kill();
        }
    }

    private static int count(String text, String what) {
        int n = 0;
        for (int at = text.indexOf(what); at >= 0; at = text.indexOf(what, at + 1)) {
            n++;
        }
        return n;
    }
}
