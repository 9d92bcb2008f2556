package org.cpmft.pf.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PF nodes with deferred delivery on a shared PostgreSQL and a recipient that takes re-offers
 * (SIPp UAS deferral-recipient-devices.xml in front of an {@link MsrpRecipient}), the set-up the
 * multi-node and crash tests share.
 */
final class DeferralNodes {

    static final String RECIPIENT = "sip:bob@127.0.0.1";

    private DeferralNodes() {
    }

    /** A PF node on the shared store whose outgoing requests (re-offers) go to the recipient's UAS. */
    static PfUnderTest node(Path dir, String name, TestPostgres pg, int recipientSipPort, Duration firstDelay)
            throws IOException, InterruptedException {
        Path work = Files.createDirectories(dir.resolve(name));
        Map<String, String> env = new HashMap<>();
        env.put("PF_STORE_JDBC_URL", pg.url());
        env.put("PF_STORE_USER", pg.user());
        env.put("PF_STORE_PASSWORD", pg.password());
        env.put("PF_SIP_OUTBOUND_PROXY", "sip:127.0.0.1:" + recipientSipPort + ";lr");
        env.put("PF_RETRY_FIRST_DELAY", firstDelay.toSeconds() + "s");
        for (int attempt = 1; ; attempt++) {
            try {
                return new PfUnderTest(work, env);
            } catch (AssertionError e) {
                // A port FreePorts found free was taken (an ephemeral port of some other connection on the
                // machine) before the PF bound it: start again on other ports.
                if (attempt == 3 || e.getMessage() == null || !e.getMessage().contains("Address already in use")) {
                    throw e;
                }
            }
        }
    }

    /** The recipient's SIP side: answers every re-offer with its own MSRP session on the recipient's listener. */
    static ProcessUnderTest recipientUas(int sipPort, MsrpRecipient msrp, Path dir, Duration lifetime)
            throws IOException {
        return ProcessUnderTest.start("sipp-recipient", List.of("sipp", "-sf",
                PfJar.deployDir().resolve("sipp").resolve("deferral-recipient-devices.xml").toString(),
                "-i", "127.0.0.1", "-p", Integer.toString(sipPort), "-nostdin", "-timeout", lifetime.toSeconds() + "s",
                "-key", "msrp_host", "127.0.0.1", "-key", "msrp_port", Integer.toString(msrp.port()),
                "-key", "msrp_session", "bob"), Map.of(), dir);
    }

    /** The lease owner name of a node: DeferralSettings.defaultNodeId() is host/pid. */
    static String nodeIdSuffix(PfUnderTest node) {
        return "/" + node.process().pid();
    }

    /** A counter of the node's Prometheus endpoint, 0 when it has not been counted yet. */
    static double counter(PfUnderTest node, String name, String label) throws IOException, InterruptedException {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "\\{[^}]*" + Pattern.quote(label)
                + "[^}]*\\} (\\S+)$").matcher(node.metrics());
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    static double delivered(PfUnderTest node) throws IOException, InterruptedException {
        return counter(node, "pf_deferred_deliveries_total", "outcome=\"delivered\"");
    }
}
