package org.cpmft.store.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.cpmft.store.StoreException;
import org.cpmft.store.StoreTestBase;
import org.cpmft.store.content.ContentWriter;
import org.cpmft.store.lease.LeaseLostException;
import org.cpmft.store.notification.DeferredNotification;
import org.cpmft.store.notification.NotificationState;
import org.junit.jupiter.api.Test;

/** Save/load round trip, state moves, operator and metric queries; run on H2 and PostgreSQL. */
public abstract class TransferRepositoryContract extends StoreTestBase {
    private static final String BOB = "sip:bob@example.com";

    @Test
    void everyAttributeSurvivesARoundTrip() {
        byte[] icon = new byte[9000];
        for (int i = 0; i < icon.length; i++) {
            icon[i] = (byte) (i * 31);
        }
        String sdpAttributes = String.join("\r\n",
                "a=sendonly",
                "a=accept-types:message/cpim",
                "a=accept-wrapped-types:*",
                "a=path:msrp://192.0.2.1:2855/s111;tcp",
                "a=file-selector:name:\"My cool photo.jpg\" type:image/jpeg size:4092 hash:sha-1:72:24:5F:E8:65:3D:DA:F3:71:36:2F:86:D4:71:91:3E:E4:A2:CE:2E",
                "a=file-transfer-id:vBnG916bdberum2fFEABR1FR3ExZMUrd",
                "a=file-disposition:attachment",
                "a=file-date:creation:\"Mon, 15 May 2006 15:01:31 +0300\"",
                "a=file-icon:cid:id2@alicepc.example.com",
                "a=file-range:1-4092");
        FileDescription file = new FileDescription("My cool photo.jpg", "image/jpeg", 4092L,
                "sha-1:72:24:5F:E8:65:3D:DA:F3:71:36:2F:86:D4:71:91:3E:E4:A2:CE:2E")
                .transferId("vBnG916bdberum2fFEABR1FR3ExZMUrd")
                .disposition("attachment")
                .date("creation:\"Mon, 15 May 2006 15:01:31 +0300\"")
                .sdpMediaAttributes(sdpAttributes)
                .icon(icon, "image/png");
        UUID id = UUID.randomUUID();
        DeferredTransfer draft = DeferredTransfer.receiving(id, "sip:alice@example.com", "tel:+15551234567", file,
                        T0.plusSeconds(30), T0.plus(Duration.ofDays(7)))
                .senderInstance("<urn:gsma:imei:35209900-176148-0>")
                .recipientInstance("<urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6>")
                .conversationId("f81d4fae-7dec-11d0-a765-00a0c91e6bf6")
                .contributionId("abcdef-1234")
                .inReplyToContributionId("prev-5678")
                .imdnRequest(new ImdnRequest("34jk324j", "positive-delivery, negative-delivery"))
                .contentType("image/jpeg")
                .bytesDelivered(0);

        DeferredTransfer created = store.transfers().create(draft);
        DeferredTransfer loaded = store.transfers().show(id);

        assertThat(created.createdAt()).isEqualTo(T0);
        assertThat(loaded.id()).isEqualTo(id);
        assertThat(loaded.senderUri()).isEqualTo("sip:alice@example.com");
        assertThat(loaded.senderInstance()).isEqualTo("<urn:gsma:imei:35209900-176148-0>");
        assertThat(loaded.recipientUri()).isEqualTo("tel:+15551234567");
        assertThat(loaded.recipientInstance()).isEqualTo("<urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6>");
        assertThat(loaded.file()).isEqualTo(file);
        assertThat(loaded.file().icon()).isEqualTo(icon);
        assertThat(loaded.file().sdpMediaAttributes()).isEqualTo(sdpAttributes);
        assertThat(loaded.conversationId()).isEqualTo("f81d4fae-7dec-11d0-a765-00a0c91e6bf6");
        assertThat(loaded.contributionId()).isEqualTo("abcdef-1234");
        assertThat(loaded.inReplyToContributionId()).isEqualTo("prev-5678");
        assertThat(loaded.imdnRequest()).isEqualTo(new ImdnRequest("34jk324j", "positive-delivery, negative-delivery"));
        assertThat(loaded.contentType()).isEqualTo("image/jpeg");
        assertThat(loaded.totalSize()).isEqualTo(4092L);
        assertThat(loaded.contentStart()).isZero();
        assertThat(loaded.bytesStored()).isZero();
        assertThat(loaded.bytesDelivered()).isZero();
        assertThat(loaded.state()).isEqualTo(TransferState.RECEIVING);
        assertThat(loaded.attempts()).isZero();
        assertThat(loaded.nextAttemptAt()).isEqualTo(T0.plusSeconds(30));
        assertThat(loaded.expiresAt()).isEqualTo(T0.plus(Duration.ofDays(7)));
        assertThat(loaded.leaseOwner()).isNull();
        assertThat(loaded.leaseUntil()).isNull();
        assertThat(loaded.createdAt()).isEqualTo(T0);
        assertThat(loaded.updatedAt()).isEqualTo(T0);
        assertThat(loaded.version()).isZero();
    }

    @Test
    void optionalAttributesMayBeAbsent() {
        FileDescription bare = new FileDescription(null, null, null, null);
        DeferredTransfer t = store.transfers().create(DeferredTransfer.receiving(UUID.randomUUID(),
                "sip:a@x", "sip:b@x", bare, T0, T0.plusSeconds(60)));
        DeferredTransfer loaded = store.transfers().show(t.id());
        assertThat(loaded.imdnRequest()).isNull();
        assertThat(loaded.totalSize()).isNull();
        assertThat(loaded.recipientInstance()).isNull();
    }

    @Test
    void creatingTheSameIdTwiceFails() {
        DeferredTransfer t = newTransfer(BOB, 10);
        store.transfers().create(t);
        DeferredTransfer again = DeferredTransfer.receiving(t.id(), "sip:a@x", BOB, t.file(), T0, T0.plusSeconds(1));
        assertThatThrownBy(() -> store.transfers().create(again)).isInstanceOf(StoreException.class);
    }

    @Test
    void showOfAnUnknownIdFails() {
        assertThat(store.transfers().find(UUID.randomUUID())).isEmpty();
        assertThatThrownBy(() -> store.transfers().show(UUID.randomUUID())).isInstanceOf(StoreException.class);
    }

    @Test
    void fullDeliveryLifeCycleQueuesTheDeliveryNotificationAtomically() {
        DeferredTransfer t = storedTransfer(BOB, 3000);
        clock.advance(Duration.ofMinutes(1));
        List<DeferredTransfer> claimed = store.transfers().claimDue("node-a", 10, Duration.ofMinutes(2));
        assertThat(claimed).extracting(DeferredTransfer::id).containsExactly(t.id());
        DeferredTransfer c = claimed.get(0);
        assertThat(c.state()).isEqualTo(TransferState.DELIVERING);
        assertThat(c.leaseOwner()).isEqualTo("node-a");
        assertThat(c.leaseUntil()).isEqualTo(clock.instant().plus(Duration.ofMinutes(2)));
        assertThat(c.attempts()).isEqualTo(1);

        store.transfers().recordDelivered(t.id(), "node-a", 1000);
        assertThat(store.transfers().show(t.id()).bytesDelivered()).isEqualTo(1000);

        DeferredNotification imdn = DeferredNotification.pending(UUID.randomUUID(), "sip:alice@example.com", BOB,
                "message/cpim", "<imdn/>", clock.instant(), clock.instant().plus(Duration.ofDays(1))).transferId(t.id());
        DeferredTransfer done = store.transfers().markDelivered(t.id(), "node-a", imdn);
        assertThat(done.state()).isEqualTo(TransferState.DELIVERED);
        assertThat(done.bytesDelivered()).isEqualTo(3000);
        assertThat(done.leaseOwner()).isNull();
        assertThat(store.notifications().find(imdn.id())).get()
                .extracting(DeferredNotification::state).isEqualTo(NotificationState.PENDING);
        assertThatThrownBy(() -> store.content().openReader(t.id(), 0).readAllBytes())
                .hasMessageContaining("removed or damaged");
    }

    @Test
    void aFailedAttemptIsRescheduledByPolicyAndFinallyExpires() {
        DeferredTransfer t = storedTransfer(BOB, 100);
        for (int attempt = 1; attempt <= POLICY.maxAttempts(); attempt++) {
            clock.set(store.transfers().show(t.id()).nextAttemptAt());
            List<DeferredTransfer> claimed = store.transfers().claimDue("n1", 5, Duration.ofMinutes(1));
            assertThat(claimed).as("attempt " + attempt).hasSize(1);
            assertThat(claimed.get(0).attempts()).isEqualTo(attempt);
            DeferredTransfer after = store.transfers().rescheduleOrExpire(t.id(), "n1", POLICY, "480 Temporarily Unavailable",
                    x -> DeferredNotification.pending(UUID.randomUUID(), x.senderUri(), x.recipientUri(), "message/cpim",
                            "failed", clock.instant(), clock.instant().plusSeconds(60)));
            if (attempt < POLICY.maxAttempts()) {
                assertThat(after.state()).isEqualTo(TransferState.STORED);
                assertThat(after.nextAttemptAt()).isEqualTo(clock.instant().plus(POLICY.delayBeforeAttempt(attempt + 1)));
                assertThat(after.lastError()).isEqualTo("480 Temporarily Unavailable");
            } else {
                assertThat(after.state()).isEqualTo(TransferState.EXPIRED);
            }
        }
        assertThat(store.notifications().findPendingFor("sip:alice@example.com")).hasSize(1);
        assertThat(store.transfers().claimDue("n1", 5, Duration.ofMinutes(1))).isEmpty();
    }

    @Test
    void rescheduleMovesBackToStoredAtTheGivenTime() {
        DeferredTransfer t = storedTransfer(BOB, 10);
        store.transfers().claimForRecipient(BOB, "n1", 1, Duration.ofMinutes(1));
        Instant next = T0.plus(Duration.ofHours(2));
        DeferredTransfer r = store.transfers().reschedule(t.id(), "n1", next, "408");
        assertThat(r.state()).isEqualTo(TransferState.STORED);
        assertThat(r.nextAttemptAt()).isEqualTo(next);
        assertThat(r.leaseOwner()).isNull();
        assertThatThrownBy(() -> store.transfers().reschedule(t.id(), "n1", next, "again"))
                .isInstanceOf(LeaseLostException.class);
    }

    @Test
    void makeDueBringsAStoredTransferForwardAndLeavesOtherStatesAlone() {
        DeferredTransfer t = storedTransfer(BOB, 10);
        clock.advance(Duration.ofSeconds(5));
        assertThat(store.transfers().claimDue("n1", 10, Duration.ofMinutes(1))).isEmpty();
        assertThat(store.transfers().makeDue(t.id())).isTrue();
        assertThat(store.transfers().show(t.id()).nextAttemptAt()).isEqualTo(clock.instant());
        assertThat(store.transfers().claimDue("n1", 10, Duration.ofMinutes(1))).extracting(DeferredTransfer::id)
                .containsExactly(t.id());
        assertThat(store.transfers().makeDue(t.id())).isFalse(); // DELIVERING now
        assertThatThrownBy(() -> store.transfers().makeDue(UUID.randomUUID())).isInstanceOf(StoreException.class);
    }

    @Test
    void failEndsAnyLiveTransferAndRemovesContent() {
        DeferredTransfer t = storedTransfer(BOB, 50);
        DeferredTransfer f = store.transfers().fail(t.id(), "603 Decline", null);
        assertThat(f.state()).isEqualTo(TransferState.FAILED);
        assertThat(f.lastError()).isEqualTo("603 Decline");
        assertThatThrownBy(() -> store.transfers().fail(t.id(), "twice", null))
                .isInstanceOf(IllegalStateTransitionException.class);
    }

    @Test
    void expirySweepEndsOverdueTransfersOnceAndSparesLiveLeases() {
        DeferredTransfer receiving = store.transfers().create(newTransfer(BOB, 10));
        DeferredTransfer stored = storedTransfer(BOB, 10);
        DeferredTransfer delivering = storedTransfer("sip:carol@example.com", 10);
        clock.advance(Duration.ofMinutes(1));
        store.transfers().claimForRecipient("sip:carol@example.com", "n1", 1, POLICY.expiry().plusHours(1));

        clock.advance(POLICY.expiry());
        List<DeferredTransfer> expired = store.transfers().expireDue(100, t -> DeferredNotification.pending(
                UUID.randomUUID(), t.senderUri(), t.recipientUri(), "message/cpim", "failed " + t.id(),
                clock.instant(), clock.instant().plusSeconds(600)));
        assertThat(expired).extracting(DeferredTransfer::id).containsExactlyInAnyOrder(receiving.id(), stored.id());
        assertThat(expired).allSatisfy(t -> assertThat(t.state()).isEqualTo(TransferState.EXPIRED));
        assertThat(store.transfers().expireDue(100, null)).isEmpty();
        assertThat(store.notifications().findPendingFor("sip:alice@example.com")).hasSize(2);
        assertThat(store.transfers().show(delivering.id()).state()).isEqualTo(TransferState.DELIVERING);

        clock.advance(Duration.ofHours(2));
        assertThat(store.transfers().expireDue(100, null)).extracting(DeferredTransfer::id)
                .containsExactly(delivering.id());
    }

    @Test
    void anAbandonedUploadIsRemovedAfterTheWindowUnlessItWasResumed() {
        Duration window = Duration.ofHours(24);
        DeferredTransfer abandoned = store.transfers().create(newTransfer(BOB, 100));
        DeferredTransfer resumed = store.transfers().create(newTransfer(BOB, 100));
        DeferredTransfer stored = storedTransfer(BOB, 10);
        for (DeferredTransfer t : List.of(abandoned, resumed)) {
            try (ContentWriter w = store.content().openWriter(t.id(), 0)) {
                w.write(new byte[40]);
            }
            assertThat(store.transfers().abandon(t.id())).isTrue();
        }
        assertThat(store.transfers().abandon(stored.id())).as("only an upload").isFalse();
        clock.advance(Duration.ofHours(1));
        try (ContentWriter w = store.content().openWriter(resumed.id(), 40)) {
            w.write(new byte[10]); // the sender came back: a stored octet ends the abandonment
        }

        clock.advance(window.minusHours(1).minusSeconds(1));
        assertThat(store.transfers().removeAbandoned(clock.instant().minus(window), 100)).isEmpty();
        clock.advance(Duration.ofSeconds(2));
        List<DeferredTransfer> removed = store.transfers().removeAbandoned(clock.instant().minus(window), 100);
        assertThat(removed).extracting(DeferredTransfer::id).containsExactly(abandoned.id());
        DeferredTransfer gone = store.transfers().show(abandoned.id());
        assertThat(gone.state()).isEqualTo(TransferState.EXPIRED);
        assertThat(gone.lastError()).contains("abandoned by the sender");
        assertThatThrownBy(() -> store.content().openReader(abandoned.id(), 0).readAllBytes())
                .isInstanceOf(java.io.IOException.class);
        assertThat(store.notifications().findPendingFor("sip:alice@example.com")).as("no notice").isEmpty();
        assertThat(store.transfers().removeAbandoned(clock.instant(), 100)).isEmpty();
        assertThat(store.transfers().show(resumed.id()).state()).isEqualTo(TransferState.RECEIVING);
        assertThat(store.transfers().show(resumed.id()).bytesStored()).isEqualTo(50);
    }

    @Test
    void findByRecipientListsLiveTransfersOldestFirst() {
        DeferredTransfer first = storedTransfer(BOB, 10);
        clock.advance(Duration.ofSeconds(1));
        DeferredTransfer second = store.transfers().create(newTransfer(BOB, 10));
        clock.advance(Duration.ofSeconds(1));
        DeferredTransfer ended = storedTransfer(BOB, 10);
        store.transfers().fail(ended.id(), "x", null);
        storedTransfer("sip:other@example.com", 10);

        assertThat(store.transfers().findByRecipient(BOB)).extracting(DeferredTransfer::id)
                .containsExactly(first.id(), second.id());
        assertThat(store.transfers().findByRecipient("sip:nobody@example.com")).isEmpty();
    }

    @Test
    void operatorQueriesCountsAndPurge() {
        DeferredTransfer a = storedTransfer(BOB, 10);
        clock.advance(Duration.ofMinutes(5));
        DeferredTransfer b = store.transfers().create(newTransfer(BOB, 10));
        DeferredTransfer c = storedTransfer(BOB, 10);
        store.transfers().fail(c.id(), "operator", null);
        clock.advance(Duration.ofMinutes(5));

        Map<TransferState, Long> counts = store.transfers().countByState();
        assertThat(counts).hasSize(TransferState.values().length);
        assertThat(counts.get(TransferState.STORED)).isEqualTo(1);
        assertThat(counts.get(TransferState.RECEIVING)).isEqualTo(1);
        assertThat(counts.get(TransferState.FAILED)).isEqualTo(1);
        assertThat(counts.get(TransferState.DELIVERED)).isZero();
        assertThat(store.transfers().oldestPendingAge()).contains(Duration.ofMinutes(10));

        assertThat(store.transfers().listAll(0, 10)).extracting(DeferredTransfer::id).contains(a.id(), b.id(), c.id());
        assertThat(store.transfers().listAll(0, 2)).hasSize(2);
        assertThat(store.transfers().listByState(TransferState.FAILED, 0, 10)).extracting(DeferredTransfer::id)
                .containsExactly(c.id());

        assertThat(store.transfers().purgeEnded(clock.instant())).isEqualTo(1);
        assertThat(store.transfers().purge(a.id())).isTrue();
        assertThat(store.transfers().purge(a.id())).isFalse();
        assertThat(store.transfers().find(a.id())).isEmpty();
        assertThat(store.transfers().listAll(0, 10)).extracting(DeferredTransfer::id).containsExactly(b.id());

        store.transfers().purge(b.id());
        assertThat(store.transfers().oldestPendingAge()).isEmpty();
    }

    @Test
    void findBetweenListsOneDirectionOfAPairInTheAskedStatesNewestFirst() {
        DeferredTransfer older = store.transfers().create(newTransfer(BOB, 10));
        clock.advance(Duration.ofSeconds(1));
        DeferredTransfer stored = storedTransfer(BOB, 10);
        clock.advance(Duration.ofSeconds(1));
        DeferredTransfer failed = storedTransfer(BOB, 10);
        store.transfers().fail(failed.id(), "603", null);
        storedTransfer("sip:carol@example.com", 10);
        // the other direction: bob sent to alice
        store.transfers().create(DeferredTransfer.receiving(UUID.randomUUID(), BOB, "sip:alice@example.com",
                new FileDescription("photo.jpg", "image/jpeg", 10L, null), T0, T0.plusSeconds(600)));

        List<TransferState> all = List.of(TransferState.values());
        assertThat(store.transfers().findBetween("sip:alice@example.com", BOB, all, 10))
                .extracting(DeferredTransfer::id).containsExactly(failed.id(), stored.id(), older.id());
        assertThat(store.transfers().findBetween("sip:alice@example.com", BOB,
                List.of(TransferState.RECEIVING, TransferState.STORED), 10))
                .extracting(DeferredTransfer::id).containsExactly(stored.id(), older.id());
        assertThat(store.transfers().findBetween("sip:alice@example.com", BOB, all, 1))
                .extracting(DeferredTransfer::id).containsExactly(failed.id());
        assertThat(store.transfers().findBetween(BOB, "sip:alice@example.com", all, 10)).hasSize(1);
        assertThat(store.transfers().findBetween("sip:nobody@example.com", BOB, all, 10)).isEmpty();
        assertThat(store.transfers().findBetween("sip:alice@example.com", BOB, List.of(), 10)).isEmpty();
        assertThatThrownBy(() -> store.transfers().findBetween("sip:alice@example.com", BOB, all, 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.transfers().findBetween("sip:alice@example.com", BOB, all,
                TransferRepository.MAX_BETWEEN + 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void claimOfOneTransferTakesAStoredOneAtOnceAndNotOneUnderALiveLease() {
        DeferredTransfer t = storedTransfer(BOB, 10);
        DeferredTransfer receiving = store.transfers().create(newTransfer(BOB, 10));
        assertThat(t.nextAttemptAt()).isAfter(clock.instant()); // not due: claimed anyway

        DeferredTransfer c = store.transfers().claim(t.id(), "n1", Duration.ofMinutes(1)).orElseThrow();
        assertThat(c.state()).isEqualTo(TransferState.DELIVERING);
        assertThat(c.leaseOwner()).isEqualTo("n1");
        assertThat(c.leaseUntil()).isEqualTo(clock.instant().plus(Duration.ofMinutes(1)));
        assertThat(c.attempts()).isEqualTo(1);
        assertThat(store.transfers().claim(t.id(), "n2", Duration.ofMinutes(1))).as("lease live").isEmpty();
        assertThat(store.transfers().claimDue("n2", 10, Duration.ofMinutes(1))).isEmpty();

        clock.advance(Duration.ofMinutes(2));
        assertThat(store.transfers().claim(t.id(), "n2", Duration.ofMinutes(1))).as("lease ran out").get()
                .satisfies(x -> assertThat(x.leaseOwner()).isEqualTo("n2"))
                .satisfies(x -> assertThat(x.attempts()).isEqualTo(2));
        store.transfers().markDelivered(t.id(), "n2");
        assertThat(store.transfers().claim(t.id(), "n1", Duration.ofMinutes(1))).as("delivered").isEmpty();
        assertThat(store.transfers().claim(receiving.id(), "n1", Duration.ofMinutes(1))).as("receiving").isEmpty();
        assertThat(store.transfers().claim(UUID.randomUUID(), "n1", Duration.ofMinutes(1))).isEmpty();

        DeferredTransfer old = storedTransfer(BOB, 10);
        clock.advance(POLICY.expiry());
        assertThat(store.transfers().claim(old.id(), "n1", Duration.ofMinutes(1))).as("expired").isEmpty();
    }

    /** A transfer with {@code size} octets of content, STORED. */
    protected DeferredTransfer storedTransfer(String recipient, int size) {
        DeferredTransfer t = store.transfers().create(newTransfer(recipient, size));
        try (ContentWriter w = store.content().openWriter(t.id(), 0)) {
            w.write(new byte[size]);
            w.finish();
        }
        return store.transfers().show(t.id());
    }
}
