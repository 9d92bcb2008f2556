package org.cpmft.pf.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigWatcherTest {

    @TempDir
    Path dir;

    @Test
    void reloadTakesPolicyAndRetryAndKeepsTheRest() throws Exception {
        Path file = Files.writeString(dir.resolve("pf.yaml"), "sip: {port: 5080}\npolicy: {maxFileSize: 1MiB}\n");
        PfConfig initial = ConfigLoader.load(file, Map.of());
        List<List<String>> changes = new ArrayList<>();
        try (ConfigWatcher watcher = ConfigWatcher.start(file, Map.of(), initial, Duration.ofHours(1),
                (config, changed) -> changes.add(changed))) {
            Files.writeString(file, """
                    sip: {port: 5090}
                    policy: {maxFileSize: 2MiB, groupFileTransfer: true}
                    retry: {maxAttempts: 4}
                    """);

            PfConfig next = watcher.reload();

            assertThat(next.policy().maxFileSize()).isEqualTo(2L << 20);
            assertThat(next.policy().groupFileTransfer()).isTrue();
            assertThat(next.retry().maxAttempts()).isEqualTo(4);
            assertThat(next.sip().port()).as("not reloadable").isEqualTo(5080);
            assertThat(watcher.current()).isSameAs(next);
            assertThat(changes).containsExactly(
                    List.of("sip.port", "policy.maxFileSize", "policy.groupFileTransfer", "retry.maxAttempts"));
        }
    }

    @Test
    void anInvalidFileIsRejectedAndTheCurrentConfigKept() throws Exception {
        Path file = Files.writeString(dir.resolve("pf.yaml"), "policy: {maxFileSize: 1MiB}\n");
        PfConfig initial = ConfigLoader.load(file, Map.of());
        try (ConfigWatcher watcher = ConfigWatcher.start(file, Map.of(), initial, Duration.ofHours(1), (c, k) -> { })) {
            Files.writeString(file, "policy: {maxFileSize: lots}\n");
            assertThatThrownBy(watcher::reload).isInstanceOf(ConfigException.class)
                    .hasMessageStartingWith("policy.maxFileSize:");
            assertThat(watcher.current()).isSameAs(initial);
        }
    }

    @Test
    void aChangedFileIsPickedUpByPolling() throws Exception {
        Path file = Files.writeString(dir.resolve("pf.yaml"), "retry: {maxAttempts: 2}\n");
        PfConfig initial = ConfigLoader.load(file, Map.of());
        BlockingQueue<Object> events = new LinkedBlockingQueue<>();
        ConfigWatcher.Listener listener = new ConfigWatcher.Listener() {
            @Override
            public void reloaded(PfConfig config, List<String> changedKeys) {
                events.add(config);
            }

            @Override
            public void rejected(ConfigException problem) {
                events.add(problem);
            }
        };
        try (ConfigWatcher watcher = ConfigWatcher.start(file, Map.of(), initial, Duration.ofMillis(50), listener)) {
            Files.writeString(file, "retry: {maxAttempts: 5}\n");
            Object first = events.poll(10, TimeUnit.SECONDS);
            assertThat(first).isInstanceOf(PfConfig.class);
            assertThat(((PfConfig) first).retry().maxAttempts()).isEqualTo(5);

            Files.writeString(file, "retry: {maxAttempts: many}\n");
            Object second = events.poll(10, TimeUnit.SECONDS);
            assertThat(second).isInstanceOf(ConfigException.class);
            assertThat(watcher.current().retry().maxAttempts()).isEqualTo(5);
            // a bad file is reported once, not on every poll
            assertThat(events.poll(300, TimeUnit.MILLISECONDS)).isNull();
        }
    }
}
