package org.cpmft.pf.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nothing of an FT call outlives it: after calls ended by the sender's BYE, by the recipient's BYE,
 * by the sender's CANCEL and by the far end's refusal, the PF's relay sessions are back where they
 * started and the container holds no application session and no SIP session. Read from /metrics,
 * polled up to a bounded deadline shorter than the expiry the servlet sets as a safety net, so the
 * sessions must go by invalidate-when-ready.
 */
class SessionTeardownIT {

    private static final int CALLS = 50;
    private static final int RATE = 25;
    /**
     * A refused or cancelled INVITE's client transaction stays for Timer D (32 s over UDP, RFC 3261
     * 17.1.1.2), and its SIP session with it; the servlet's safety-net expiry (one minute) is later.
     */
    private static final Duration DEADLINE = Duration.ofSeconds(50);

    @TempDir
    Path dir;

    @Test
    void relaySessionsAndApplicationSessionsGoWithTheCalls() throws Exception {
        // As in deploy/bench/sip-setup.sh: the far end's a=path names a port nobody listens on, and
        // deferral is off on the sender's side, so the failed relay connect does not defer the file.
        try (PfUnderTest pf = new PfUnderTest(Files.createDirectories(dir.resolve("pf")),
                Map.of("PF_POLICY_DEFER_ON", "terminating"))) {
            double relayBefore = metric(pf.metrics(), "msrp_relay_sessions_active");

            run(pf, "ft-setup-uac.xml", "ft-setup-uas.xml", "sender-bye");
            run(pf, "teardown-uac-recipient-bye.xml", "teardown-uas-bye.xml", "recipient-bye");
            run(pf, "teardown-uac-cancel.xml", "teardown-uas-cancelled.xml", "cancel");
            run(pf, "teardown-uac-rejected.xml", "teardown-uas-busy.xml", "rejected");

            String metrics = awaitMetrics(pf, m -> metric(m, "msrp_relay_sessions_active") == relayBefore
                    && metric(m, "pf_sip_application_sessions_active") == 0
                    && metric(m, "pf_sip_sessions_active") == 0);
            assertThat(metric(metrics, "msrp_relay_sessions_active")).isEqualTo(relayBefore);
            assertThat(metric(metrics, "pf_sip_application_sessions_active")).isZero();
            assertThat(metric(metrics, "pf_sip_sessions_active")).isZero();
            assertThat(metric(metrics, "pf_ft_sessions_established_total")).isEqualTo(2.0 * CALLS);
        }
    }

    private void run(PfUnderTest pf, String uacScenario, String uasScenario, String name) throws Exception {
        Sipp farEnd = Sipp.scenario("bench/" + uasScenario, name + "-uas", dir).calls(CALLS, 0).start();
        try {
            Sipp sender = Sipp.scenario("bench/" + uacScenario, name + "-uac", dir).calls(CALLS, RATE)
                    .to("127.0.0.1:" + pf.sipPort).key("callee", farEnd.address()).start();
            assertThat(sender.awaitExit()).as(sender.report()).isZero();
            assertThat(farEnd.awaitExit()).as(farEnd.report()).isZero();
        } finally {
            farEnd.kill();
        }
    }

    private static String awaitMetrics(PfUnderTest pf, java.util.function.Predicate<String> done) throws Exception {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        String metrics = pf.metrics();
        while (!done.test(metrics) && System.nanoTime() < deadline) {
            Thread.sleep(250);
            metrics = pf.metrics();
        }
        return metrics;
    }

    private static double metric(String metrics, String name) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "(?:\\{[^}]*\\})? (\\S+)$").matcher(metrics);
        if (!m.find()) {
            throw new AssertionError("no " + name + " in /metrics:\n" + metrics);
        }
        return Double.parseDouble(m.group(1));
    }
}
