package org.cpmft.pf.media;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.Unpooled;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.cpmft.msrp.message.ContinuationFlag;
import org.cpmft.msrp.relay.ChunkEnd;
import org.cpmft.msrp.relay.StandInStart;
import org.cpmft.pf.cpm.policy.DeferralCause;
import org.cpmft.pf.cpm.sdp.FileTransferStream;
import org.cpmft.pf.cpm.sdp.SdpSession;
import org.cpmft.pf.deferral.DeferralRequest;
import org.cpmft.pf.deferral.DeferralSettings;
import org.cpmft.pf.deferral.DeferredDelivery;
import org.cpmft.pf.deferral.NotificationSender;
import org.cpmft.pf.deferral.TestDatabases;
import org.cpmft.pf.it.CuttableTcpProxy;
import org.cpmft.pf.registration.RegistrationRegistry;
import org.cpmft.store.DeferredStore;
import org.cpmft.store.StoreConfig;
import org.cpmft.store.retry.RetryPolicy;
import org.cpmft.store.transfer.DeferredTransfer;
import org.cpmft.store.transfer.TransferState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link StoreDeferralSink} on PostgreSQL reached through a {@link CuttableTcpProxy}, called as the relay
 * calls it: a store outage within the grace only delays durability (and holds the relay back), one beyond
 * it fails the chunk and keeps the durable prefix; the recipient's decline and the sender leaving end the
 * stored transfer as the intent rules say.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class StoreDeferralSinkPostgresTest {
    private static final String ALICE = "sip:alice@example.com";
    private static final String BOB = "sip:bob@example.com";
    private static final int PIECE = 300_000;

    @TempDir
    Path tmp;
    private TestDatabases.TestDatabase db;
    private CuttableTcpProxy proxy;
    private DeferredStore store;
    private DeferredDelivery delivery;
    private StoreWorker worker;

    @BeforeEach
    void start() throws Exception {
        db = TestDatabases.create(TestDatabases.Backend.POSTGRES, tmp);
        URI u = URI.create(db.config().jdbcUrl().substring("jdbc:".length()));
        proxy = new CuttableTcpProxy(u.getHost(), u.getPort());
        String viaProxy = db.config().jdbcUrl().replace(u.getHost() + ":" + u.getPort(), "127.0.0.1:" + proxy.port());
        store = DeferredStore.open(new StoreConfig(viaProxy, db.config().user(), db.config().password(), 4,
                StoreConfig.DEFAULT_CHUNK_SIZE));
        RetryPolicy policy = new RetryPolicy(Duration.ofHours(1), 2.0, Duration.ofHours(1), 5, Duration.ofDays(7));
        delivery = new DeferredDelivery(store, new RegistrationRegistry(Clock.systemUTC()),
                r -> new CompletableFuture<>(), m -> CompletableFuture.completedFuture(NotificationSender.Result.SENT),
                () -> policy, DeferralSettings.defaults("sink-test").withTickPeriod(Duration.ofMillis(50))
                        .withResumeWindow(Duration.ofSeconds(2)), new SimpleMeterRegistry(), Clock.systemUTC());
        delivery.start();
    }

    @AfterEach
    void stop() {
        if (delivery != null) {
            delivery.stop(Duration.ofMillis(200));
        }
        if (worker != null) {
            worker.close();
        }
        if (store != null) {
            store.close();
        }
        if (proxy != null) {
            proxy.close();
        }
        if (db != null) {
            db.close();
        }
    }

    @Test
    void anOutageWithinTheGraceOnlyDelaysDurabilityAndHoldsTheSenderBack() throws Exception {
        byte[] file = random(4 * PIECE, 1);
        StoreDeferralSink sink = sink(Duration.ofSeconds(20), file.length, null);
        give(sink, file, 0, PIECE);
        end(sink, file, PIECE).toCompletableFuture().get(10, TimeUnit.SECONDS);

        proxy.cut();
        give(sink, file, PIECE, PIECE);
        CompletableFuture<Void> durable = end(sink, file, 2 * PIECE).toCompletableFuture();
        // More than the queue bound while the worker waits: the relay is told to stop reading.
        CompletionStage<Void> held = null;
        for (int i = 0; i < 4; i++) {
            held = sink.onContent(Unpooled.wrappedBuffer(file, 2 * PIECE, PIECE), 2 * PIECE);
        }
        // The pool waits up to its connection timeout before a call fails; the sink retries from then on.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (worker.waitingForStore() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(worker.waitingForStore()).as("retrying, which the health check shows").isEqualTo(1);
        assertThat(durable).as("nothing acknowledged while the store is away").isNotDone();
        assertThat(held).isNotNull();
        assertThat(held.toCompletableFuture()).as("backpressure").isNotDone();
        proxy.restore();

        durable.get(20, TimeUnit.SECONDS);
        held.toCompletableFuture().get(20, TimeUnit.SECONDS);
        assertThat(worker.waitingForStore()).isZero();
        give(sink, file, 3 * PIECE, PIECE);
        sink.onChunkEnd(new ChunkEnd("m1", ContinuationFlag.COMPLETE, file.length, file.length, true))
                .toCompletableFuture().get(10, TimeUnit.SECONDS);
        sink.onClose();
        DeferredTransfer t = awaitTransfer(x -> x.state() == TransferState.STORED, "stored");
        try (InputStream in = store.content().openReader(t.id(), 0)) {
            assertThat(in.readAllBytes()).as("the whole file, once").isEqualTo(file);
        }
    }

    @Test
    void anOutageBeyondTheGraceFailsTheChunkAndKeepsTheDurablePrefix() throws Exception {
        byte[] file = random(4 * PIECE, 2);
        StoreDeferralSink sink = sink(Duration.ofMillis(500), file.length, null);
        give(sink, file, 0, PIECE);
        end(sink, file, PIECE).toCompletableFuture().get(10, TimeUnit.SECONDS);

        proxy.cut();
        give(sink, file, PIECE, PIECE);
        CompletableFuture<Void> durable = end(sink, file, 2 * PIECE).toCompletableFuture();
        assertThat(durable).failsWithin(Duration.ofSeconds(30));
        proxy.restore();
        sink.onClose();
        DeferredTransfer t = awaitTransfer(x -> true, "the transfer");
        assertThat(t.state()).as("resumable").isEqualTo(TransferState.RECEIVING);
        assertThat(t.bytesStored()).as("what was acknowledged").isEqualTo(PIECE);
        try (InputStream in = store.content().openReader(t.id(), 0)) {
            assertThat(in.readAllBytes()).isEqualTo(Arrays.copyOf(file, PIECE));
        }
        assertThat(worker.waitingForStore()).isZero();
    }

    @Test
    void aDeclineAfterTheTakeOverFailsTheTransferAndQueuesTheSendersNotice() throws Exception {
        byte[] file = random(2 * PIECE, 3);
        StoreDeferralSink sink = sink(Duration.ofSeconds(5), file.length, "negative-delivery");
        give(sink, file, 0, PIECE);
        end(sink, file, PIECE).toCompletableFuture().get(10, TimeUnit.SECONDS);
        sink.onRecipientDeclined();
        sink.onClose();
        DeferredTransfer t = awaitTransfer(x -> x.state() == TransferState.FAILED, "failed");
        assertThat(t.lastError()).contains("declined by the recipient");
        assertThat(store.notifications().findPendingFor(ALICE)).singleElement()
                .satisfies(n -> assertThat(n.body()).contains("<failed/>", "imdn-1"));
    }

    @Test
    void aSenderLeavingKeepsThePrefixForTheResumeWindowThenTheSweepRemovesIt() throws Exception {
        byte[] file = random(2 * PIECE, 4);
        StoreDeferralSink sink = sink(Duration.ofSeconds(5), file.length, "negative-delivery");
        give(sink, file, 0, PIECE);
        end(sink, file, PIECE).toCompletableFuture().get(10, TimeUnit.SECONDS);
        sink.onClose();
        sink.onOffererLeft();
        Thread.sleep(500);
        assertThat(awaitTransfer(x -> true, "the transfer").state()).isEqualTo(TransferState.RECEIVING);
        DeferredTransfer t = awaitTransfer(x -> x.state() == TransferState.EXPIRED, "removed after the window");
        assertThat(t.lastError()).contains("abandoned by the sender");
        assertThat(store.notifications().findPendingFor(ALICE)).as("the sender ended it").isEmpty();
    }

    private StoreDeferralSink sink(Duration grace, long size, String dispositionNotification) {
        worker = new StoreWorker(2, grace);
        DeferralRequest.Builder b = DeferralRequest.builder(ALICE, BOB, DeferralCause.MEDIA_INTERRUPTED, stream(size));
        if (dispositionNotification != null) {
            b.imdnRequest("imdn-1", dispositionNotification);
        }
        DeferralRequest request = b.build();
        StoreDeferralSink sink = new StoreDeferralSink(from -> delivery.intake().defer(request), worker);
        sink.onStandIn(new StandInStart(StandInStart.Cause.ANSWERER_LOST, "m1", "application/octet-stream", 0, 0,
                size));
        return sink;
    }

    private static void give(StoreDeferralSink sink, byte[] file, int from, int length) {
        sink.onContent(Unpooled.wrappedBuffer(file, from, length), from);
    }

    private static CompletionStage<Void> end(StoreDeferralSink sink, byte[] file, long received) {
        return sink.onChunkEnd(new ChunkEnd("m1", ContinuationFlag.MORE, received, file.length, false));
    }

    private DeferredTransfer awaitTransfer(Predicate<DeferredTransfer> condition, String what) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            List<DeferredTransfer> all = store.transfers().listAll(0, 10);
            if (all.size() == 1 && condition.test(all.get(0))) {
                return all.get(0);
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + " did not happen: " + all);
            }
            Thread.sleep(50);
        }
    }

    private static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static FileTransferStream stream(long size) {
        String sdp = String.join("\r\n",
                "v=0",
                "o=alice 2890844526 2890844527 IN IP4 alicepc.example.com",
                "s=-",
                "c=IN IP4 192.0.2.1",
                "t=0 0",
                "m=message 7654 TCP/MSRP *",
                "a=sendonly",
                "a=accept-types:message/cpim",
                "a=path:msrp://192.0.2.1:7654/jshA7weztas;tcp",
                "a=file-selector:name:\"big.bin\" type:application/octet-stream size:" + size,
                "a=file-transfer-id:sinkTest",
                "");
        return FileTransferStream.of(SdpSession.parse(sdp), 0);
    }
}
