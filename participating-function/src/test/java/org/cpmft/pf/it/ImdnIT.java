package org.cpmft.pf.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A client's disposition notification (IMDN by SIP MESSAGE) for a user with no registered device is
 * kept by the real PF in its store (H2 and PostgreSQL) and delivered, as it came, when the user's device registers
 * (seed 004 5.4.5). The passed-on case is a row of {@link ConformanceIT}.
 */
class ImdnIT {

    private static final String ALICE = "sip:alice@example.net";
    private static final String ALICE_DEVICE = "urn:gsma:imei:35888888-888888-0";

    @ParameterizedTest(name = "store {0}")
    @ValueSource(strings = {"h2", "postgresql"})
    void anImdnForAnUnregisteredSenderIsDeferredAndDeliveredOnItsRegister(String store, @TempDir Path dir)
            throws Exception {
        int farEnd = FreePorts.next();
        Map<String, String> env = new HashMap<>(Map.of("PF_SIP_TRUSTED_CORE", "127.0.0.1/32",
                "PF_SIP_OUTBOUND_PROXY", "sip:127.0.0.1:" + farEnd + ";lr"));
        if (store.equals("postgresql")) {
            TestPostgres pg = TestPostgres.fromEnvironment();
            env.putAll(Map.of("PF_STORE_JDBC_URL", pg.url(), "PF_STORE_USER", pg.user(),
                    "PF_STORE_PASSWORD", pg.password()));
        }
        try (PfUnderTest pf = new PfUnderTest(dir, env)) {
            register(dir, pf, "0", "de-register");

            // 202 at once: kept, not forwarded (nothing listens at the outbound proxy yet)
            Sipp client = Sipp.scenario("conformance/c-imdn-deferred.xml", "imdn-deferred-uac", dir)
                    .to("127.0.0.1:" + pf.sipPort).key("callee", "127.0.0.1:" + farEnd).start();
            assertThat(client.awaitExit()).as("bob's IMDN MESSAGE\n%s", client.report()).isZero();

            Sipp device = Sipp.scenario("conformance/s-imdn-message.xml", "imdn-deferred-uas", dir).atPort(farEnd).start();
            try {
                register(dir, pf, "3600", "register");
                assertThat(device.awaitExit()).as("alice's device gets the notice as bob sent it\n%s\nPF:\n%s",
                        device.report(), pf.process().output()).isZero();
            } finally {
                device.kill();
            }
            String sent = "pf_deferred_notifications_total{result=\"sent\"} 1.0";
            long deadline = System.nanoTime() + 10_000_000_000L; // the 200 is settled on the engine's thread
            while (!pf.metrics().contains(sent) && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertThat(pf.metrics()).as("the store marked it sent").contains(sent);
        }
    }

    private static void register(Path dir, PfUnderTest pf, String expires, String name) throws Exception {
        Sipp register = Sipp.scenario("third-party-register.xml", "imdn-" + name, dir).to("127.0.0.1:" + pf.sipPort)
                .key("user", ALICE).key("expires", expires).key("instance", ALICE_DEVICE).start();
        assertThat(register.awaitExit()).as("%s\n%s", name, register.report()).isZero();
    }
}
