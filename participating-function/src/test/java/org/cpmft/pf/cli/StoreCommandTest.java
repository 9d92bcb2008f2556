package org.cpmft.pf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.cpmft.pf.config.ConfigLoader;
import org.cpmft.pf.deferral.StoreConfigs;
import org.cpmft.store.DeferredStore;
import org.cpmft.store.content.ContentWriter;
import org.cpmft.store.transfer.DeferredTransfer;
import org.cpmft.store.transfer.FileDescription;
import org.cpmft.store.transfer.TransferState;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The operator commands run as `participating-function store|policy ...` against an H2 store in a temp dir. */
class StoreCommandTest {
    @TempDir
    Path dir;
    Path config;
    UUID stored;
    UUID receiving;

    record Run(int status, String out, String err) {
    }

    Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = PfCommand.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int status = cl.execute(args);
        return new Run(status, out.toString(), err.toString());
    }

    @BeforeEach
    void seed() throws Exception {
        config = dir.resolve("pf.yaml");
        Files.writeString(config, String.join("\n",
                "store:",
                "  dataDir: " + dir.resolve("data"),
                "retry:",
                "  firstDelay: 10s",
                "  backoffFactor: 3.0",
                "  maxDelay: 2m",
                "  maxAttempts: 4",
                "  expiry: 1d",
                ""));
        Instant now = Instant.now();
        try (DeferredStore store = DeferredStore.open(StoreConfigs.from(ConfigLoader.load(config, Map.of()).store()))) {
            DeferredTransfer t = store.transfers().create(DeferredTransfer.receiving(UUID.randomUUID(),
                    "sip:alice@ims.example.com", "sip:bob@ims.example.com",
                    new FileDescription("photo.jpg", "image/jpeg", 4L, null).transferId("ft-1"),
                    now.plus(Duration.ofHours(1)), now.plus(Duration.ofDays(1))));
            try (ContentWriter w = store.content().openWriter(t.id(), 0)) {
                w.write(new byte[] {1, 2, 3, 4});
                w.finish();
            }
            stored = t.id();
            receiving = store.transfers().create(DeferredTransfer.receiving(UUID.randomUUID(),
                    "sip:carol@ims.example.com", "tel:+15551234567", new FileDescription("a.txt", "text/plain", 9L, null),
                    now.plus(Duration.ofHours(1)), now.plus(Duration.ofDays(1)))).id();
        }
    }

    @Test
    void listShowsEveryTransferOrOneState() {
        Run all = run("store", "list", "--config", config.toString());
        assertThat(all.status()).as(all.err()).isZero();
        assertThat(all.out()).contains(stored.toString(), receiving.toString(), "STORED", "RECEIVING",
                "sip:alice@ims.example.com -> sip:bob@ims.example.com", "4/4", "2 transfer(s)");

        Run some = run("store", "list", "--state", "stored", "--config", config.toString());
        assertThat(some.out()).contains(stored.toString(), "1 transfer(s)").doesNotContain(receiving.toString());
    }

    @Test
    void showPrintsTheAttributes() {
        Run r = run("store", "show", stored.toString(), "-c", config.toString());
        assertThat(r.status()).isZero();
        assertThat(r.out()).contains("state:            STORED", "file name:        photo.jpg", "file-transfer-id: ft-1",
                "stored:           0..4");
        Run unknown = run("store", "show", UUID.randomUUID().toString(), "-c", config.toString());
        assertThat(unknown.status()).isEqualTo(1);
        assertThat(unknown.err()).contains("no deferred transfer");
    }

    @Test
    void retryMakesAStoredTransferDueAndRefusesOtherStates() throws Exception {
        Run r = run("store", "retry", stored.toString(), "-c", config.toString());
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.out()).contains("is due now");
        try (DeferredStore store = DeferredStore.open(StoreConfigs.from(ConfigLoader.load(config, Map.of()).store()))) {
            assertThat(store.transfers().show(stored).nextAttemptAt()).isBefore(Instant.now().plusSeconds(1));
        }
        Run refused = run("store", "retry", receiving.toString(), "-c", config.toString());
        assertThat(refused.status()).isEqualTo(1);
        assertThat(refused.err()).contains("is RECEIVING; only a STORED transfer can be retried");
    }

    @Test
    void purgeRemovesTheTransfer() throws Exception {
        assertThat(run("store", "purge", stored.toString(), "-c", config.toString()).status()).isZero();
        Run again = run("store", "purge", stored.toString(), "-c", config.toString());
        assertThat(again.status()).isEqualTo(1);
        try (DeferredStore store = DeferredStore.open(StoreConfigs.from(ConfigLoader.load(config, Map.of()).store()))) {
            assertThat(store.transfers().find(stored)).isEmpty();
            assertThat(store.transfers().countByState().get(TransferState.RECEIVING)).isEqualTo(1);
        }
    }

    @Test
    void aBadConfigurationExitsWithTwo() throws Exception {
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, "retry:\n  backoffFactor: 0.5\n");
        Run r = run("store", "list", "-c", bad.toString());
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).contains("retry.backoffFactor");
    }

    @Test
    void policyShowPrintsTheSectionsInEffectAndTheSchedule() {
        Run r = run("policy", "show", "-c", config.toString());
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.out()).contains("policy.maxFileSize:", "policy.deferOn:", "retry.firstDelay: 10s",
                "retry.backoffFactor: 3.0", "retry.maxAttempts: 4",
                "retry schedule (attempt times after deferral): 10s, 40s, 2m10s, 4m10s");
    }
}
