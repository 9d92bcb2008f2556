package org.cpmft.pf.deferral;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.function.Predicate;
import org.cpmft.pf.cpm.policy.DeferralCause;
import org.cpmft.pf.cpm.sdp.Direction;
import org.cpmft.pf.cpm.sdp.FileTransferStream;
import org.cpmft.pf.cpm.sdp.SdpSession;
import org.cpmft.pf.registration.RegistrationRegistry;
import org.cpmft.pf.registration.ThirdPartyRegister;
import org.cpmft.store.DeferredStore;
import org.cpmft.store.retry.RetryPolicy;
import org.cpmft.store.transfer.DeferredTransfer;
import org.cpmft.store.transfer.TransferState;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The deferral engine against a real store (H2, PostgreSQL) with the SIP side played by
 * {@link FakeSipSide}. The store's clock is moved by hand; the service's timer runs for real
 * (every 50 ms) and claims what that clock makes due.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class DeferredDeliveryContract {
    static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
    static final RetryPolicy POLICY =
            new RetryPolicy(Duration.ofSeconds(30), 2.0, Duration.ofMinutes(10), 5, Duration.ofDays(1));
    static final String ALICE = "sip:alice@ims.example.com";
    static final String ALICE_PHONE = "<urn:gsma:imei:35209900-176148-0>";
    static final String BOB = "sip:bob@ims.example.com";
    static final String BOB_PHONE = "<urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6>";
    static final String ORIGINAL_FT_ID = "vBnG916bdberum2fFEABR1FR3ExZMUrd";

    final MutableClock clock = new MutableClock(T0);
    TestDatabases.TestDatabase database;
    DeferredStore store;
    RegistrationRegistry registry;
    FakeSipSide sip;
    SimpleMeterRegistry meters;
    DeferredDelivery delivery;

    abstract TestDatabases.Backend backend();

    @BeforeAll
    void openStore(@TempDir Path tempDir) {
        database = TestDatabases.create(backend(), tempDir);
        store = DeferredStore.open(database.config(), clock);
    }

    @AfterAll
    void closeStore() {
        if (store != null) {
            store.close();
        }
        if (database != null) {
            database.close();
        }
    }

    @BeforeEach
    void startService() {
        database.clear();
        clock.set(T0);
        registry = new RegistrationRegistry(clock);
        sip = new FakeSipSide();
        meters = new SimpleMeterRegistry();
        delivery = new DeferredDelivery(store, registry, sip, sip, () -> POLICY, settings("n1"), meters, clock);
        delivery.start();
    }

    @AfterEach
    void stopService() {
        delivery.stop(Duration.ofMillis(200));
        assertThat(delivery.state()).isEqualTo(DeferredDelivery.State.STOPPED);
    }

    static final Duration RESUME_WINDOW = Duration.ofHours(1);

    static DeferralSettings settings(String node) {
        return DeferralSettings.defaults(node).withTickPeriod(Duration.ofMillis(50)).withLease(Duration.ofSeconds(30))
                .withResumeWindow(RESUME_WINDOW);
    }

    static FileTransferStream stream(long size) {
        String sdp = String.join("\r\n",
                "v=0",
                "o=alice 2890844526 2890844527 IN IP4 alicepc.example.com",
                "s=-",
                "c=IN IP4 192.0.2.1",
                "t=0 0",
                "m=message 7654 TCP/MSRP *",
                "a=sendonly",
                "a=accept-types:message/cpim",
                "a=accept-wrapped-types:*",
                "a=path:msrp://192.0.2.1:7654/jshA7weztas;tcp",
                "a=file-selector:name:\"photo.jpg\" type:image/jpeg size:" + size,
                "a=file-transfer-id:" + ORIGINAL_FT_ID,
                "a=file-disposition:render",
                "a=file-date:creation:\"Mon, 15 May 2006 15:01:31 +0300\"",
                "");
        return FileTransferStream.of(SdpSession.parse(sdp), 0);
    }

    static byte[] content(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    DeferralRequest.Builder request(byte[] file) {
        return DeferralRequest.builder(ALICE, "<sip:bob@IMS.example.com>;tag=9", DeferralCause.RECIPIENT_NOT_REGISTERED,
                        stream(file.length))
                .senderInstance("\"" + ALICE_PHONE + "\"")
                .conversationId("conv-1")
                .contributionId("contrib-1")
                .imdnRequest("34jk324j", "positive-delivery, negative-delivery");
    }

    UUID deferStored(DeferralRequest r, byte[] file) {
        try (TransferSink sink = delivery.intake().defer(r)) {
            sink.write(ByteBuffer.wrap(file, (int) r.bytesDelivered(), file.length - (int) r.bytesDelivered()),
                    r.bytesDelivered());
            sink.complete();
            return sink.transferId();
        }
    }

    DeferredTransfer await(UUID id, Predicate<DeferredTransfer> condition, String what) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        DeferredTransfer t = store.transfers().show(id);
        while (!condition.test(t)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not " + what + " within 10 s: " + t);
            }
            sleep(20);
            t = store.transfers().show(id);
        }
        return t;
    }

    DeferredTransfer awaitState(UUID id, TransferState state) {
        return await(id, t -> t.state() == state, state.name());
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    static byte[] readAll(InputStream in) throws IOException {
        try (in) {
            return in.readAllBytes();
        }
    }

    void register(String user) {
        registry.apply(ThirdPartyRegister.parse(user, 600, null, null));
    }

    void registerDevice(String user, String instance) {
        registry.apply(new ThirdPartyRegister(user, Duration.ofHours(1), ThirdPartyRegister.Source.REGISTER_REQUEST,
                false, List.of(new ThirdPartyRegister.Binding("sip:dev@192.0.2.5", instance, Duration.ofHours(1)))));
    }

    double counter(String name, String tag, String value) {
        var c = meters.find(name).tag(tag, value).counter();
        return c == null ? 0 : c.count();
    }

    @Test
    void aRegisterOfTheRecipientDeliversAtOnceAndTheNoticeWaitsForTheSender() throws Exception {
        byte[] file = content(300_000, 1);
        UUID id = deferStored(request(file).build(), file);
        assertThat(store.transfers().show(id).recipientUri()).isEqualTo(BOB);
        sip.expectNoOffer(300); // not due for 30 s, recipient not registered

        register("sip:bob@ims.example.com;user=phone");
        FakeSipSide.Offer offer = sip.nextOffer();
        DeliveryRequest r = offer.request();
        assertThat(r.transferId()).isEqualTo(id);
        assertThat(r.sender()).isEqualTo(ALICE);
        assertThat(r.senderInstance()).isEqualTo(ALICE_PHONE);
        assertThat(r.recipient()).isEqualTo(BOB);
        assertThat(r.targetInstance()).isNull();
        assertThat(r.resumeOffset()).isZero();
        assertThat(r.fileSize()).isEqualTo(file.length);
        assertThat(r.attempt()).isEqualTo(1);
        assertThat(r.contentType()).isEqualTo("image/jpeg");
        assertThat(r.conversationId()).contains("conv-1");
        assertThat(r.contributionId()).contains("contrib-1");
        assertThat(r.senderImdnRequest()).isPresent();
        assertThat(r.fileOffer().direction()).isEqualTo(Direction.SENDONLY);
        assertThat(r.fileOffer().selector().name()).contains("photo.jpg");
        assertThat(r.fileOffer().fileTransferId()).isNotEqualTo(ORIGINAL_FT_ID).hasSize(32);
        assertThat(r.fileOffer().range()).isEmpty();
        String sdp = r.buildOffer("192.0.2.10", 42, 2855, false, List.of("msrp://192.0.2.10:2855/ab12;tcp")).format();
        assertThat(sdp).contains("a=sendonly", "a=file-selector:name:\"photo.jpg\" type:image/jpeg size:300000",
                "a=path:msrp://192.0.2.10:2855/ab12;tcp", "a=accept-types:message/cpim", "a=file-disposition:render");
        assertThat(readAll(r.openContent())).isEqualTo(file);
        assertThat(delivery.attempts()).containsEntry(id, DeferredDelivery.AttemptState.OFFERING);

        offer.result().complete(new DeliveryOutcome.Delivered(file.length, BOB_PHONE));
        DeferredTransfer done = awaitState(id, TransferState.DELIVERED);
        assertThat(done.bytesDelivered()).isEqualTo(file.length);
        assertThat(counter("pf.deferred.deliveries", "outcome", "delivered")).isEqualTo(1);

        sip.expectNoNotice(300); // Alice is not registered: the notice waits
        assertThat(store.notifications().findPendingFor(ALICE)).hasSize(1);
        registerDevice(ALICE, ALICE_PHONE);
        NotificationSender.Message m = sip.nextNotice().message();
        assertThat(m.to()).isEqualTo(ALICE);
        assertThat(m.toInstance()).isEqualTo(ALICE_PHONE);
        assertThat(m.from()).isEqualTo(BOB);
        assertThat(m.contentType()).isEqualTo("message/cpim");
        assertThat(m.body()).contains("<message-id>34jk324j</message-id>", "<delivered/>");
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!store.notifications().findPendingFor(ALICE).isEmpty() && System.nanoTime() < deadline) {
            sleep(20);
        }
        assertThat(store.notifications().findPendingFor(ALICE)).isEmpty();
        assertThat(delivery.attempts()).isEmpty();
    }

    @Test
    void aRegisterArrivingWhenNoDeliverySlotIsFreeMakesTheRecipientsFilesDueInsteadOfForgettingThem() {
        delivery.stop(Duration.ofMillis(200));
        DeferralSettings d = settings("n1");
        RegistrationRegistry oneSlotRegistry = new RegistrationRegistry(clock);
        FakeSipSide oneSlotSip = new FakeSipSide();
        DeferredDelivery oneSlot = new DeferredDelivery(store, oneSlotRegistry, oneSlotSip, oneSlotSip, () -> POLICY,
                new DeferralSettings(d.nodeId(), d.lease(), d.tickPeriod(), d.batchSize(), 1, d.postponeDelay(),
                        d.attemptTimeout(), d.metricsRefresh()), meters, clock);
        delivery = oneSlot;
        oneSlot.start();
        byte[] first = content(1000, 7);
        byte[] second = content(2000, 8);
        UUID firstId = deferStored(request(first).build(), first);
        UUID secondId = deferStored(request(second).build(), second);

        oneSlotRegistry.apply(ThirdPartyRegister.parse("sip:bob@ims.example.com", 600, null, null));
        FakeSipSide.Offer busy = oneSlotSip.nextOffer();
        UUID waiting = busy.request().transferId().equals(firstId) ? secondId : firstId;
        busy.result().complete(new DeliveryOutcome.Delivered(busy.request().fileSize(), BOB_PHONE));
        // The clock stands still: the timer alone would offer the other file only 30 s later. The
        // REGISTER that found the only slot taken made it due, so it follows as soon as the slot frees.
        FakeSipSide.Offer next = oneSlotSip.nextOffer();
        assertThat(next.request().transferId()).isEqualTo(waiting);
        next.result().complete(new DeliveryOutcome.Delivered(next.request().fileSize(), BOB_PHONE));
        assertThat(java.util.Set.of(busy.request().fileSize(), next.request().fileSize()))
                .containsExactlyInAnyOrder((long) first.length, (long) second.length);
    }

    @Test
    void eachSettledAttemptTakesTheNextWaitingFileWithoutWaitingForTheTimer() {
        delivery.stop(Duration.ofMillis(200));
        RegistrationRegistry oneSlotRegistry = new RegistrationRegistry(clock);
        FakeSipSide oneSlotSip = new FakeSipSide();
        // The timer's first round is an hour away: only settling attempts can claim the rest.
        delivery = new DeferredDelivery(store, oneSlotRegistry, oneSlotSip, oneSlotSip, () -> POLICY,
                settings("n1").withTickPeriod(Duration.ofHours(1)).withMaxInFlight(1), meters, clock);
        delivery.start();
        java.util.Set<UUID> stored = new java.util.HashSet<>();
        for (int i = 0; i < 3; i++) {
            byte[] file = content(500 + i, 20 + i);
            stored.add(deferStored(request(file).build(), file));
        }

        oneSlotRegistry.apply(ThirdPartyRegister.parse("sip:bob@ims.example.com", 600, null, null));
        java.util.Set<UUID> offered = new java.util.HashSet<>();
        for (int i = 0; i < 3; i++) {
            FakeSipSide.Offer o = oneSlotSip.nextOffer();
            assertThat(delivery.attempts()).hasSize(1);
            offered.add(o.request().transferId());
            o.result().complete(new DeliveryOutcome.Delivered(o.request().fileSize(), BOB_PHONE));
        }
        assertThat(offered).isEqualTo(stored);
        stored.forEach(id -> awaitState(id, TransferState.DELIVERED));
        oneSlotSip.expectNoOffer(200);
    }

    @Test
    void engineThreadsFollowTheStorePool() {
        assertThat(DeferredDelivery.engineThreads(1)).isEqualTo(2);
        assertThat(DeferredDelivery.engineThreads(8)).isEqualTo(4);
        assertThat(DeferredDelivery.engineThreads(20)).isEqualTo(10);
        assertThat(DeferredDelivery.engineThreads(200)).isEqualTo(16);
    }

    @Test
    void theTimerRetriesWithBackoffAndGivesUpAfterTheLastAttempt() {
        registerDevice(ALICE, ALICE_PHONE);
        byte[] file = content(5_000, 2);
        UUID id = deferStored(request(file).build(), file);
        sip.expectNoOffer(200);

        clock.advance(Duration.ofSeconds(30));
        sip.nextOffer().result().complete(DeliveryOutcome.forFinalResponse(486, "Busy Here"));
        DeferredTransfer t = await(id, x -> x.state() == TransferState.STORED && x.attempts() == 1, "retried");
        assertThat(t.nextAttemptAt()).isEqualTo(clock.instant().plus(Duration.ofSeconds(60)));
        assertThat(t.lastError()).isEqualTo("486 Busy Here");

        clock.advance(Duration.ofSeconds(59));
        sip.expectNoOffer(300);
        clock.advance(Duration.ofSeconds(1));
        FakeSipSide.Offer second = sip.nextOffer();
        assertThat(second.request().attempt()).isEqualTo(2);
        second.result().complete(DeliveryOutcome.forFinalResponse(408, "Request Timeout"));
        t = await(id, x -> x.state() == TransferState.STORED && x.attempts() == 2, "retried");
        assertThat(t.nextAttemptAt()).isEqualTo(clock.instant().plus(Duration.ofSeconds(120)));

        for (int attempt = 3; attempt <= 5; attempt++) {
            clock.advance(POLICY.delayBeforeAttempt(attempt));
            FakeSipSide.Offer o = sip.nextOffer();
            assertThat(o.request().attempt()).isEqualTo(attempt);
            o.result().complete(new DeliveryOutcome.Failed(500, "500 Server Internal Error"));
            int made = attempt;
            await(id, x -> x.attempts() == made && x.state() != TransferState.DELIVERING, "settled");
        }
        t = awaitState(id, TransferState.EXPIRED);
        assertThat(t.attempts()).isEqualTo(5);
        NotificationSender.Message m = sip.nextNotice().message();
        assertThat(m.to()).isEqualTo(ALICE);
        assertThat(m.body()).contains("<failed/>");
        assertThat(counter("pf.deferred.deliveries", "outcome", "failed")).isEqualTo(4);
        assertThat(counter("pf.deferred.deliveries", "outcome", "no_answer")).isEqualTo(1);
    }

    @Test
    void a480PostponesWithoutGivingUp() {
        byte[] file = content(2_000, 3);
        UUID id = deferStored(request(file).build(), file);
        clock.advance(Duration.ofSeconds(30));
        sip.nextOffer().result().complete(DeliveryOutcome.forFinalResponse(480, "Temporarily Unavailable"));
        DeferredTransfer t = await(id, x -> x.state() == TransferState.STORED && x.attempts() == 1, "postponed");
        assertThat(t.nextAttemptAt()).isEqualTo(clock.instant().plus(Duration.ofMinutes(15)));
        assertThat(t.lastError()).isEqualTo("480 Temporarily Unavailable");
        assertThat(counter("pf.deferred.deliveries", "outcome", "postponed")).isEqualTo(1);

        clock.advance(Duration.ofMinutes(14));
        sip.expectNoOffer(300);
        clock.advance(Duration.ofMinutes(1));
        sip.nextOffer().result().complete(new DeliveryOutcome.Delivered(file.length, null));
        awaitState(id, TransferState.DELIVERED);
    }

    @Test
    void a603DeclinesRemovesTheFileAndTellsTheSender() {
        registerDevice(ALICE, ALICE_PHONE);
        byte[] file = content(10_000, 4);
        UUID id = deferStored(request(file).build(), file);
        clock.advance(Duration.ofSeconds(30));
        sip.nextOffer().result().complete(DeliveryOutcome.forFinalResponse(603, "Decline"));
        DeferredTransfer t = awaitState(id, TransferState.FAILED);
        assertThat(t.lastError()).isEqualTo("603 Decline");
        assertThatThrownBy(() -> readAll(store.content().openReader(id, 0))).isInstanceOf(IOException.class);
        NotificationSender.Message m = sip.nextNotice().message();
        assertThat(m.toInstance()).isEqualTo(ALICE_PHONE);
        assertThat(m.body()).contains("<failed/>", "34jk324j");
        sip.expectNoOffer(200);
    }

    @Test
    void expiryTellsTheSenderWhenTheyRegister() {
        byte[] file = content(1_000, 5);
        UUID id = deferStored(request(file).build(), file);
        clock.advance(POLICY.expiry().plusSeconds(1));
        DeferredTransfer t = awaitState(id, TransferState.EXPIRED);
        assertThat(t.attempts()).isZero();
        sip.expectNoOffer(100);
        sip.expectNoNotice(200);
        assertThat(meters.find("pf.deferred.expired").counter().count()).isEqualTo(1);

        registerDevice(ALICE, ALICE_PHONE);
        NotificationSender.Message m = sip.nextNotice().message();
        assertThat(m.to()).isEqualTo(ALICE);
        assertThat(m.body()).contains("<failed/>");
    }

    @Test
    void noNoticeWhenTheSenderAskedForNone() {
        registerDevice(ALICE, ALICE_PHONE);
        byte[] file = content(1_000, 6);
        UUID id = deferStored(DeferralRequest.builder(ALICE, BOB, DeferralCause.TEMPORARILY_UNAVAILABLE,
                stream(file.length)).build(), file);
        register(BOB);
        sip.nextOffer().result().complete(new DeliveryOutcome.Delivered(file.length, null));
        awaitState(id, TransferState.DELIVERED);
        sip.expectNoNotice(300);
        assertThat(store.notifications().findPendingFor(ALICE)).isEmpty();
    }

    @Test
    void aPartialDeliveryResumesOnTheSameDeviceWhereItStopped() throws Exception {
        byte[] file = content(200_000, 7);
        UUID id = deferStored(request(file).recipientInstance(BOB_PHONE).build(), file);
        registerDevice(BOB, BOB_PHONE);
        FakeSipSide.Offer first = sip.nextOffer();
        assertThat(first.request().targetInstance()).isEqualTo(BOB_PHONE);
        first.result().complete(new DeliveryOutcome.Partial(100_000));
        DeferredTransfer t = await(id, x -> x.state() == TransferState.STORED && x.bytesDelivered() == 100_000,
                "partly delivered");
        assertThat(t.attempts()).isEqualTo(1);

        clock.advance(Duration.ofSeconds(60));
        FakeSipSide.Offer second = sip.nextOffer();
        DeliveryRequest r = second.request();
        assertThat(r.resumeOffset()).isEqualTo(100_000);
        assertThat(r.fileOffer().range()).hasValueSatisfying(range -> assertThat(range.format()).isEqualTo("100001-*"));
        assertThat(r.buildOffer("192.0.2.10", 1, 2855, false, List.of("msrp://192.0.2.10:2855/x;tcp")).format())
                .contains("a=file-range:100001-*");
        assertThat(readAll(r.openContent())).isEqualTo(Arrays.copyOfRange(file, 100_000, file.length));
        assertThat(r.attempt()).isEqualTo(2);
        second.result().complete(new DeliveryOutcome.Delivered(file.length, BOB_PHONE));
        assertThat(awaitState(id, TransferState.DELIVERED).bytesDelivered()).isEqualTo(file.length);
    }

    /** Replaces the running service with one on other settings (same store, registry and SIP side). */
    void restartWith(DeferralSettings settings) {
        delivery.stop(Duration.ofMillis(200));
        delivery = new DeferredDelivery(store, registry, sip, sip, () -> POLICY, settings, meters, clock);
        delivery.start();
    }

    @Test
    void withFallbackARecordedDeviceThatIsGoneGetsTheWholeFileOnAnotherDevice() {
        restartWith(settings("n1").withDeviceAffinity(DeviceAffinity.FALLBACK));
        byte[] file = content(5_000, 8);
        UUID id = deferStored(request(file).recipientInstance(BOB_PHONE).bytesDelivered(0).build(), file);
        registerDevice(BOB, "<urn:uuid:another-device>");
        DeliveryRequest r = sip.nextOffer().request();
        assertThat(r.targetInstance()).isNull();
        assertThat(r.resumeOffset()).isZero();
        assertThat(store.transfers().show(id).state()).isEqualTo(TransferState.DELIVERING);
    }

    @Test
    void strictAffinityKeepsTheFileForTheDeviceThatAcceptedWithoutUsingAttempts() {
        byte[] file = content(5_000, 18);
        UUID id = deferStored(request(file).recipientInstance(BOB_PHONE).build(), file);
        registerDevice(BOB, "<urn:uuid:another-device>");
        DeferredTransfer waiting = await(id, t -> t.state() == TransferState.STORED && t.lastError() != null,
                "waiting for the device");
        assertThat(waiting.lastError()).contains("waiting for device " + BOB_PHONE);
        assertThat(waiting.attempts()).as("waiting uses no attempt").isZero();
        sip.expectNoOffer(300);
        double waits = counter("pf.deferred.deliveries", "outcome", "awaiting_device");
        assertThat(waits).isPositive();
        sip.expectNoOffer(500);
        assertThat(counter("pf.deferred.deliveries", "outcome", "awaiting_device")).as("no claim per tick")
                .isEqualTo(waits);
        assertThat(store.transfers().show(id).attempts()).isZero();

        registerDevice(BOB, BOB_PHONE);
        DeliveryRequest r = sip.nextOffer().request();
        assertThat(r.targetInstance()).isEqualTo(BOB_PHONE);
        assertThat(store.transfers().show(id).attempts()).isEqualTo(1);
    }

    @Test
    void a488ToTheResumeOfferBringsTheWholeFileNextWithoutARange() throws Exception {
        byte[] file = content(200_000, 19);
        UUID id = deferStored(request(file).recipientInstance(BOB_PHONE).build(), file);
        registerDevice(BOB, BOB_PHONE);
        sip.nextOffer().result().complete(new DeliveryOutcome.Partial(120_000));
        await(id, t -> t.state() == TransferState.STORED && t.bytesDelivered() == 120_000, "partly delivered");

        clock.advance(Duration.ofSeconds(60));
        FakeSipSide.Offer resume = sip.nextOffer();
        assertThat(resume.request().fileOffer().range()).isPresent();
        resume.result().complete(DeliveryOutcome.forFinalResponse(488, "Not Acceptable Here"));

        // at once, not after the policy's delay
        FakeSipSide.Offer whole = sip.nextOffer();
        DeliveryRequest r = whole.request();
        assertThat(r.resumeOffset()).isZero();
        assertThat(r.fileOffer().range()).isEmpty();
        assertThat(r.targetInstance()).isEqualTo(BOB_PHONE);
        assertThat(r.buildOffer("192.0.2.10", 1, 2855, false, List.of("msrp://192.0.2.10:2855/x;tcp")).format())
                .doesNotContain("a=file-range");
        assertThat(readAll(r.openContent())).isEqualTo(file);
        whole.result().complete(new DeliveryOutcome.Delivered(file.length, BOB_PHONE));
        awaitState(id, TransferState.DELIVERED);
    }

    @Test
    void a488ToTheResumeOfATailOnlyTransferFailsIt() {
        byte[] file = content(50_000, 20);
        UUID id = deferStored(request(file).recipientInstance(BOB_PHONE).bytesDelivered(10_000).build(), file);
        registerDevice(BOB, BOB_PHONE);
        FakeSipSide.Offer resume = sip.nextOffer();
        assertThat(resume.request().resumeOffset()).isEqualTo(10_000);
        resume.result().complete(DeliveryOutcome.forFinalResponse(488, null));
        assertThat(awaitState(id, TransferState.FAILED).lastError()).contains("488");
    }

    @Test
    void theDeliveryInviteComesFromTheSenderOrTheConfiguredDeferredMgmtUri() {
        byte[] file = content(1_000, 21);
        deferStored(request(file).build(), file);
        register(BOB);
        DeliveryRequest r = sip.nextOffer().request();
        assertThat(r.from()).isEqualTo(ALICE);
        assertThat(r.sender()).isEqualTo(ALICE);

        restartWith(settings("n1").withDeferredMgmtUri("sip:deferred@pf.example.net"));
        database.clear();
        deferStored(request(file).build(), file);
        register(BOB);
        DeliveryRequest m = sip.nextOffer().request();
        assertThat(m.from()).isEqualTo("sip:deferred@pf.example.net");
        assertThat(m.sender()).as("Referred-By stays the sender").isEqualTo(ALICE);
    }

    @Test
    void theSinkSkipsRepeatedOctetsAndRefusesGaps() throws Exception {
        byte[] file = content(3_000, 9);
        UUID id;
        try (TransferSink sink = delivery.intake().defer(request(file).build())) {
            id = sink.transferId();
            sink.write(ByteBuffer.wrap(file, 0, 1_000), 0);
            sink.write(ByteBuffer.wrap(file, 500, 1_000), 500); // overlaps 500 octets
            sink.write(ByteBuffer.wrap(file, 200, 100), 200); // entirely repeated
            assertThat(sink.position()).isEqualTo(1_500);
            assertThatThrownBy(() -> sink.write(ByteBuffer.wrap(file, 2_000, 10), 2_000))
                    .isInstanceOf(ContentGapException.class);
            assertThat(sink.flushDurable()).isEqualTo(1_500);
            sink.write(ByteBuffer.wrap(file, 1_500, 1_500), 1_500);
            sink.complete();
        }
        assertThat(readAll(store.content().openReader(id, 0))).isEqualTo(file);
    }

    @Test
    void anAbandonedUploadStaysResumableForTheResumeWindowThenGoesWithoutANotice() throws Exception {
        registerDevice(ALICE, ALICE_PHONE);
        byte[] file = content(3_000, 12);
        UUID id;
        try (TransferSink sink = delivery.intake().defer(request(file).build())) {
            id = sink.transferId();
            sink.write(ByteBuffer.wrap(file, 0, 1_000), 0);
            assertThat(sink.abandon()).isTrue();
        }
        clock.advance(RESUME_WINDOW.minusSeconds(1));
        delivery.tickNow().join();
        DeferredTransfer kept = store.transfers().show(id);
        assertThat(kept.state()).as("resumable within the window").isEqualTo(TransferState.RECEIVING);
        assertThat(readAll(store.content().openReader(id, 0))).isEqualTo(Arrays.copyOf(file, 1_000));

        clock.advance(Duration.ofSeconds(2));
        delivery.tickNow().join();
        DeferredTransfer gone = store.transfers().show(id);
        assertThat(gone.state()).isEqualTo(TransferState.EXPIRED);
        assertThat(gone.lastError()).contains("abandoned by the sender");
        assertThatThrownBy(() -> readAll(store.content().openReader(id, 0))).isInstanceOf(IOException.class);
        sip.expectNoNotice(200);
        assertThat(store.notifications().findPendingFor(ALICE)).as("the sender ended it itself").isEmpty();
    }

    @Test
    void anAbandonedUploadTheSenderResumesIsNoLongerAbandoned() throws Exception {
        byte[] file = content(3_000, 13);
        UUID id;
        try (TransferSink sink = delivery.intake().defer(request(file).build())) {
            id = sink.transferId();
            sink.write(ByteBuffer.wrap(file, 0, 1_000), 0);
            sink.abandon();
        }
        clock.advance(RESUME_WINDOW.minusSeconds(10));
        try (TransferSink resumed = delivery.intake().resume(id)) {
            assertThat(resumed.position()).isEqualTo(1_000);
            resumed.write(ByteBuffer.wrap(file, 1_000, 500), 1_000);
            resumed.flushDurable();
        }
        clock.advance(Duration.ofSeconds(20));
        delivery.tickNow().join();
        assertThat(store.transfers().show(id).state()).as("the window counts from the last abandonment")
                .isEqualTo(TransferState.RECEIVING);
        try (TransferSink resumed = delivery.intake().resume(id)) {
            resumed.write(ByteBuffer.wrap(file, 1_500, 1_500), 1_500);
            resumed.complete();
        }
        clock.advance(RESUME_WINDOW.plusSeconds(10));
        delivery.tickNow().join();
        assertThat(store.transfers().show(id).state()).isIn(TransferState.STORED, TransferState.DELIVERING);
        assertThat(readAll(store.content().openReader(id, 0))).isEqualTo(file);
    }

    @Test
    void aFileTheRecipientDeclinesWhileItIsStoredFailsIsNeverOfferedAndTheSenderIsTold() throws Exception {
        registerDevice(ALICE, ALICE_PHONE);
        byte[] file = content(3_000, 14);
        UUID id;
        try (TransferSink sink = delivery.intake().defer(DeferralRequest.builder(ALICE, BOB,
                        DeferralCause.MEDIA_INTERRUPTED, stream(file.length))
                .senderInstance("\"" + ALICE_PHONE + "\"")
                .imdnRequest("34jk324j", "positive-delivery, negative-delivery")
                .build())) {
            id = sink.transferId();
            sink.write(ByteBuffer.wrap(file, 0, 2_000), 0);
            sink.flushDurable();
            sink.decline("declined by the recipient (BYE)");
        }
        DeferredTransfer t = store.transfers().show(id);
        assertThat(t.state()).isEqualTo(TransferState.FAILED);
        assertThat(t.lastError()).contains("declined by the recipient");
        assertThatThrownBy(() -> readAll(store.content().openReader(id, 0))).isInstanceOf(IOException.class);
        NotificationSender.Message m = sip.nextNotice().message();
        assertThat(m.to()).isEqualTo(ALICE);
        assertThat(m.toInstance()).isEqualTo(ALICE_PHONE);
        assertThat(m.body()).contains("<failed/>", "34jk324j");
        register(BOB);
        clock.advance(POLICY.delayBeforeAttempt(1).plusSeconds(1));
        sip.expectNoOffer(300);
        assertThat(counter("pf.deferred.deliveries", "outcome", "declined")).isEqualTo(1);
    }

    @Test
    void aFileCompletedAfterTheRecipientRegisteredGoesAtOnce() {
        register(BOB);
        byte[] file = content(1_000, 10);
        UUID id = deferStored(request(file).build(), file);
        assertThat(sip.nextOffer().request().transferId()).isEqualTo(id);
    }

    @Test
    void gaugesShowTheStoreByStateAndTheOldestAge() {
        byte[] file = content(1_000, 11);
        deferStored(request(file).build(), file);
        try (TransferSink sink = delivery.intake().defer(request(file).build())) {
            sink.write(ByteBuffer.wrap(file, 0, 10), 0);
        }
        clock.advance(Duration.ofSeconds(20));
        delivery.refreshMetricsNow().join();
        assertThat(meters.find("pf.deferred.transfers").tag("state", "stored").gauge().value()).isEqualTo(1);
        assertThat(meters.find("pf.deferred.transfers").tag("state", "receiving").gauge().value()).isEqualTo(1);
        assertThat(meters.find("pf.deferred.transfers").tag("state", "delivered").gauge().value()).isZero();
        assertThat(meters.find("pf.deferred.oldest.age").gauge().value()).isEqualTo(20.0);
        assertThat(meters.find("pf.deferred.intake").tag("cause", "recipient_not_registered").counter().count())
                .isEqualTo(2);
    }

    @Test
    void stoppingReleasesTheLeasesOfAttemptsStillRunning() {
        byte[] file = content(1_000, 12);
        UUID id = deferStored(request(file).build(), file);
        register(BOB);
        DeliveryRequest r = sip.nextOffer().request();
        delivery.stop(Duration.ofMillis(200));
        assertThat(r.cancelled().toCompletableFuture().getNow(null)).isEqualTo("PF node stopping");
        DeferredTransfer t = store.transfers().show(id);
        assertThat(t.state()).isEqualTo(TransferState.STORED);
        assertThat(t.leaseOwner()).isNull();
        assertThat(t.nextAttemptAt()).isEqualTo(clock.instant());
    }
}
