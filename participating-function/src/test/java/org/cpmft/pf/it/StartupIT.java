package org.cpmft.pf.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Start-up and shutdown of the runnable artifact, as an operator sees them. */
class StartupIT {

    private static final Duration EXIT = Duration.ofSeconds(60);

    @Test
    void aTakenPortStopsStartupWithAOneLineReason(@TempDir Path dir) throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Map<String, String> env = baseEnv(dir);
            env.put("PF_MSRP_PORT", Integer.toString(taken.getLocalPort()));
            try (ProcessUnderTest pf = ProcessUnderTest.start("pf", ProcessUnderTest.javaJar(), env, dir)) {
                assertThat(pf.awaitExit(EXIT)).isNotZero();
                assertThat(pf.output()).containsPattern("(?m)^participating-function: .*" + taken.getLocalPort() + ".*");
            }
        }
    }

    @Test
    void anInvalidConfigFileStopsStartupNamingTheKey(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("pf.yaml");
        Files.writeString(config, "sip:\n  outboundProxy: \"not a SIP URI\"\n");
        try (ProcessUnderTest pf = ProcessUnderTest.start("pf", ProcessUnderTest.javaJar("--config", config.toString()),
                baseEnv(dir), dir)) {
            assertThat(pf.awaitExit(EXIT)).isNotZero();
            assertThat(pf.output()).containsPattern("(?m)^participating-function: .*sip\\.outboundProxy.*");
        }
    }

    @Test
    void helpListsEveryConfigurationKeyWithItsEnvironmentVariable(@TempDir Path dir) throws Exception {
        try (ProcessUnderTest pf = ProcessUnderTest.start("pf", ProcessUnderTest.javaJar("--help"), Map.of(), dir)) {
            assertThat(pf.awaitExit(EXIT)).isZero();
            assertThat(pf.output()).contains("PF_SIP_PORT", "PF_SIP_OUTBOUND_PROXY", "PF_MSRP_PORT",
                    "PF_STORE_JDBC_URL", "PF_HTTP_PORT");
        }
    }

    @Test
    void onPostgresqlTheSchemaIsMigratedAtStartAndSigtermStopsCleanly(@TempDir Path dir) throws Exception {
        TestPostgres pg = TestPostgres.fromEnvironment();
        Map<String, String> env = new HashMap<>();
        env.put("PF_STORE_JDBC_URL", pg.url());
        env.put("PF_STORE_USER", pg.user());
        env.put("PF_STORE_PASSWORD", pg.password());
        try (PfUnderTest pf = new PfUnderTest(dir, env)) {
            assertThat(pg.tables()).contains("flyway_schema_history");
            assertThat(pf.metrics()).contains("jvm_memory_used_bytes");
            long t0 = System.nanoTime();
            assertThat(pf.terminate(Duration.ofSeconds(10))).as("exit status; output:\n%s", pf.process().output()).isZero();
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
        }
    }

    private static Map<String, String> baseEnv(Path dir) {
        Map<String, String> env = new HashMap<>();
        for (String key : List.of("SIP", "HTTP")) {
            env.put("PF_" + key + "_PORT", Integer.toString(FreePorts.next()));
        }
        env.put("PF_MSRP_PORT", Integer.toString(FreePorts.next()));
        env.put("PF_STORE_DATA_DIR", dir.resolve("data").toString());
        return env;
    }
}
