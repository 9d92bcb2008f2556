package org.cpmft.pf.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Overload control (sip.maxSetupsInProgress): with one set-up allowed in progress and that one
 * waiting for a far end that does not answer, the next FT INVITE gets 503 with Retry-After and
 * a To tag, the sender's ACK is taken, and /metrics counts the refusal.
 */
class OverloadControlIT {

    @TempDir
    Path dir;

    @Test
    void beyondTheSetupsInProgressANewInviteGets503WithRetryAfter() throws Exception {
        try (PfUnderTest pf = new PfUnderTest(Files.createDirectories(dir.resolve("pf")), Map.of(
                "PF_SIP_MAX_SETUPS_IN_PROGRESS", "1", "PF_SIP_OVERLOAD_RETRY_AFTER", "7s"))) {
            Sipp farEnd = Sipp.scenario("bench/overload-uas-silent.xml", "silent-uas", dir).start();
            try {
                Sipp held = Sipp.scenario("bench/overload-uac-held.xml", "held-uac", dir)
                        .to("127.0.0.1:" + pf.sipPort).key("callee", farEnd.address()).start();
                assertThat(held.awaitExit()).as(held.report()).isZero();

                Sipp refused = Sipp.scenario("bench/overload-uac-refused.xml", "refused-uac", dir)
                        .to("127.0.0.1:" + pf.sipPort).key("callee", farEnd.address()).start();
                assertThat(refused.awaitExit()).as(refused.report()).isZero();
                assertThat(refused.messages()).contains("Retry-After: 7");

                String metrics = pf.metrics();
                assertThat(metrics).containsPattern("(?m)^pf_sip_overload_refused_total(\\{[^}]*\\})? 1\\.0$");
                assertThat(metrics).containsPattern("(?m)^pf_sip_setups_in_progress(\\{[^}]*\\})? 1\\.0$");
            } finally {
                farEnd.kill();
            }
        }
    }
}
