package org.cpmft.pf.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The deferred store's database goes away while a file is being stored into it (the relay stands
 * in for a recipient that answered 480): a {@link CuttableTcpProxy} between the PF and the shared
 * PostgreSQL drops every connection and refuses new ones for a while. Within
 * {@code deferral.storeOutageGrace} the transfer goes on and the sender sees no failure, only late
 * 200s (nothing is acknowledged before it is durable, RFC 4975 section 7.3); past it the sender's
 * chunks are refused and what is durable stays RECEIVING for a resume. The node is not ready
 * (/health 503) while the database is unreachable.
 */
class StoreOutageIT {

    private static final Duration STEP = Duration.ofSeconds(60);
    private static final int CHUNK = 256 * 1024;

    @Test
    void anOutageWithinTheGraceOnlyDelaysTheSendersAcknowledgements(@TempDir Path dir) throws Exception {
        TestPostgres pg = TestPostgres.fromEnvironment();
        byte[] file = CpmFileSenders.randomFiles(1, 24 * 1024 * 1024 + 11, 4242).get(0);
        try (CuttableTcpProxy proxy = proxyTo(pg);
             Transfer t = new Transfer(dir, pg, proxy, Duration.ofSeconds(30), file)) {
            t.awaitAcknowledged(4 * 1024 * 1024);
            long before = t.sender.acknowledged();
            proxy.cut();
            List<Integer> health = pollHealth(t.pf, Duration.ofSeconds(6));
            proxy.restore();
            long during = t.sender.acknowledged();
            assertThat(health).as("/health while the database is unreachable").contains(503);
            assertThat(during - before).as("acknowledged while the store was away: at most what was durable before")
                    .isLessThanOrEqualTo(2L * CHUNK);

            assertThat(t.sending.get(STEP.toSeconds(), TimeUnit.SECONDS)).as("the sender saw no failure")
                    .isEqualTo(file.length);
            StoredTransfers store = new StoredTransfers(pg);
            StoredTransfers.Row row = store.rows().get(0);
            assertThat(store.rows()).hasSize(1);
            assertThat(row.state()).isEqualTo("STORED");
            assertThat(row.bytesStored()).isEqualTo(file.length);
            assertThat(MsrpRecipient.sha256(store.content(row.id()), file.length))
                    .as("SHA-256 of the stored file").isEqualTo(MsrpRecipient.sha256(file, file.length));
            awaitHealth(t.pf, 200, Duration.ofSeconds(20));
        }
    }

    @Test
    void anOutageBeyondTheGraceFailsTheSenderAndKeepsTheDurablePrefixResumable(@TempDir Path dir) throws Exception {
        TestPostgres pg = TestPostgres.fromEnvironment();
        byte[] file = CpmFileSenders.randomFiles(1, 24 * 1024 * 1024 + 13, 4343).get(0);
        long acknowledged;
        try (CuttableTcpProxy proxy = proxyTo(pg);
             Transfer t = new Transfer(dir, pg, proxy, Duration.ofSeconds(2), file)) {
            t.awaitAcknowledged(4 * 1024 * 1024);
            proxy.cut();
            assertThat(t.sending).as("the sender's chunks are refused once the grace is over")
                    .failsWithin(Duration.ofSeconds(40));
            acknowledged = t.sender.acknowledged();
            assertThat(pollHealth(t.pf, Duration.ofSeconds(3))).contains(503);
            proxy.restore();
            awaitHealth(t.pf, 200, Duration.ofSeconds(30));
            assertThat(t.pf.process().output()).contains("store still unreachable after");
        }
        StoredTransfers store = new StoredTransfers(pg);
        List<StoredTransfers.Row> rows = store.rows();
        assertThat(rows).hasSize(1);
        StoredTransfers.Row row = rows.get(0);
        assertThat(row.state()).as("resumable").isEqualTo("RECEIVING");
        assertThat(row.bytesStored()).as("every acknowledged octet is stored").isGreaterThanOrEqualTo(acknowledged)
                .isGreaterThan(0).isLessThan(file.length);
        assertThat(store.content(row.id())).as("and they are the sender's octets")
                .isEqualTo(Arrays.copyOf(file, (int) row.bytesStored()));
        System.out.printf("StoreOutageIT: sender acknowledged %d octets, store holds %d of %d%n", acknowledged,
                row.bytesStored(), file.length);
    }

    private static CuttableTcpProxy proxyTo(TestPostgres pg) throws Exception {
        URI u = URI.create(pg.url().substring("jdbc:".length()));
        return new CuttableTcpProxy(u.getHost(), u.getPort());
    }

    /** A PF whose store is behind the proxy, a recipient answering 480, and a paced sender pushing {@code file}. */
    private static final class Transfer implements AutoCloseable {
        final PfUnderTest pf;
        final PacedMsrpSender sender = new PacedMsrpSender();
        final CompletableFuture<Long> sending;
        private final ProcessUnderTest recipient;
        private final ProcessUnderTest uac;

        Transfer(Path dir, TestPostgres pg, CuttableTcpProxy proxy, Duration grace, byte[] file) throws Exception {
            int uasPort = FreePorts.next();
            Map<String, String> env = new HashMap<>();
            URI u = URI.create(pg.url().substring("jdbc:".length()));
            env.put("PF_STORE_JDBC_URL", "jdbc:postgresql://127.0.0.1:" + proxy.port() + u.getPath());
            env.put("PF_STORE_USER", pg.user());
            env.put("PF_STORE_PASSWORD", pg.password());
            env.put("PF_SIP_OUTBOUND_PROXY", "sip:127.0.0.1:" + uasPort + ";lr");
            env.put("PF_RETRY_FIRST_DELAY", "600s");
            env.put("PF_DEFERRAL_STORE_OUTAGE_GRACE", grace.toSeconds() + "s");
            pf = new PfUnderTest(Files.createDirectories(dir.resolve("pf")), env);
            Path scenarios = PfJar.deployDir().resolve("sipp");
            Path paths = dir.resolve("paths.txt");
            Files.writeString(paths, "");
            String senderPath = "msrp://127.0.0.1:" + FreePorts.next() + "/alice0042;tcp";
            recipient = ProcessUnderTest.start("sipp-uas-480", List.of("sipp", "-sf",
                    scenarios.resolve("deferral-recipient-480.xml").toString(), "-i", "127.0.0.1", "-p",
                    Integer.toString(uasPort), "-m", "1", "-nostdin", "-timeout", "120s"), Map.of(), dir);
            uac = ProcessUnderTest.start("sipp-uac", List.of("sipp", "-sf",
                    scenarios.resolve("ft-uac-push.xml").toString(), "127.0.0.1:" + pf.sipPort,
                    "-i", "127.0.0.1", "-p", Integer.toString(FreePorts.next()), "-s", "bob", "-m", "1",
                    "-d", "120000", "-nostdin", "-timeout", "120s",
                    "-key", "ft_name", "outage.bin", "-key", "ft_type", "application/octet-stream",
                    "-key", "ft_size", Integer.toString(file.length),
                    "-key", "msrp_path", senderPath, "-key", "msrp_cmd", "echo >> " + paths), Map.of(), dir);
            String pfPath = awaitPath(paths, uac);
            // 256 KiB chunks 20 ms apart: some seconds for the file, time enough to cut the database in the middle.
            sending = CompletableFuture.supplyAsync(() -> {
                try {
                    return sender.send(file, pfPath, senderPath, CHUNK, Duration.ofMillis(20));
                } catch (Exception e) {
                    throw new CompletionException(e);
                }
            });
        }

        void awaitAcknowledged(long octets) throws InterruptedException {
            long deadline = System.nanoTime() + STEP.toNanos();
            while (sender.acknowledged() < octets && !sending.isDone() && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertThat(sending).as("still sending when the database goes; PF:\n%s", pf.process().output())
                    .isNotDone();
        }

        @Override
        public void close() {
            sender.close();
            uac.close();
            recipient.close();
            pf.close();
        }
    }

    /** The /health status codes seen, about every 250 ms for {@code during}. */
    private static List<Integer> pollHealth(PfUnderTest pf, Duration during) throws InterruptedException {
        List<Integer> seen = new java.util.ArrayList<>();
        long deadline = System.nanoTime() + during.toNanos();
        while (System.nanoTime() < deadline) {
            seen.add(health(pf));
            Thread.sleep(250);
        }
        return seen;
    }

    private static void awaitHealth(PfUnderTest pf, int status, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        int last = -1;
        while (System.nanoTime() < deadline) {
            last = health(pf);
            if (last == status) {
                return;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("/health " + last + " instead of " + status + " after " + timeout);
    }

    private static int health(PfUnderTest pf) throws InterruptedException {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                            "http://127.0.0.1:" + pf.httpPort + "/health")).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (java.io.IOException e) {
            return -1;
        }
    }

    private static String awaitPath(Path paths, ProcessUnderTest uac) throws Exception {
        long deadline = System.nanoTime() + STEP.toNanos();
        while (System.nanoTime() < deadline) {
            String p = Files.readString(paths).trim();
            if (!p.isEmpty()) {
                return p;
            }
            if (!uac.isAlive()) {
                break;
            }
            TimeUnit.MILLISECONDS.sleep(50);
        }
        throw new AssertionError("the PF did not answer the sender's INVITE\n" + uac.output());
    }
}
