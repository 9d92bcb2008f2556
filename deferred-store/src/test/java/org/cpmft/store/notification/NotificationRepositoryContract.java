package org.cpmft.store.notification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.cpmft.store.StoreTestBase;
import org.cpmft.store.lease.LeaseLostException;
import org.junit.jupiter.api.Test;

/** Deferred IMDN notifications; run on H2 and PostgreSQL. */
public abstract class NotificationRepositoryContract extends StoreTestBase {
    private static final String ALICE = "sip:alice@example.com";
    private static final Duration LEASE = Duration.ofMinutes(1);
    private static final String BODY = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            + "<imdn xmlns=\"urn:ietf:params:xml:ns:imdn\"><message-id>34jk324j</message-id>"
            + "<datetime>2026-03-01T10:00:00Z</datetime><delivery-notification><status><delivered/></status>"
            + "</delivery-notification></imdn>";

    private DeferredNotification pending(String to) {
        return DeferredNotification.pending(UUID.randomUUID(), to, "sip:bob@example.com", "message/imdn+xml", BODY,
                        POLICY.firstAttemptAt(clock.instant()), POLICY.expiresAt(clock.instant()))
                .toInstance("<urn:gsma:imei:35209900-176148-0>")
                .imdnMessageId("34jk324j")
                .transferId(UUID.randomUUID());
    }

    @Test
    void roundTrip() {
        DeferredNotification n = store.notifications().create(pending(ALICE));
        DeferredNotification loaded = store.notifications().find(n.id()).orElseThrow();
        assertThat(loaded.toUri()).isEqualTo(ALICE);
        assertThat(loaded.fromUri()).isEqualTo("sip:bob@example.com");
        assertThat(loaded.toInstance()).isEqualTo("<urn:gsma:imei:35209900-176148-0>");
        assertThat(loaded.imdnMessageId()).isEqualTo("34jk324j");
        assertThat(loaded.transferId()).isEqualTo(n.transferId());
        assertThat(loaded.contentType()).isEqualTo("message/imdn+xml");
        assertThat(loaded.body()).isEqualTo(BODY);
        assertThat(loaded.state()).isEqualTo(NotificationState.PENDING);
        assertThat(loaded.nextAttemptAt()).isEqualTo(POLICY.firstAttemptAt(T0));
        assertThat(loaded.expiresAt()).isEqualTo(POLICY.expiresAt(T0));
        assertThat(loaded.createdAt()).isEqualTo(T0);
    }

    @Test
    void claimSendAndRetry() {
        DeferredNotification a = store.notifications().create(pending(ALICE));
        DeferredNotification b = store.notifications().create(pending(ALICE));
        assertThat(store.notifications().claimDue("n1", 10, LEASE)).isEmpty();
        clock.advance(POLICY.firstDelay());
        List<DeferredNotification> got = store.notifications().claimDue("n1", 10, LEASE);
        assertThat(got).extracting(DeferredNotification::id).containsExactlyInAnyOrder(a.id(), b.id());
        assertThat(got).allSatisfy(n -> assertThat(n.state()).isEqualTo(NotificationState.SENDING));

        store.notifications().markSent(a.id(), "n1");
        assertThat(store.notifications().find(a.id()).orElseThrow().state()).isEqualTo(NotificationState.SENT);
        assertThatThrownBy(() -> store.notifications().markSent(a.id(), "n1")).isInstanceOf(LeaseLostException.class);

        assertThat(store.notifications().rescheduleOrExpire(b.id(), "n1", POLICY, "408"))
                .isEqualTo(NotificationState.PENDING);
        assertThat(store.notifications().findPendingFor(ALICE)).extracting(DeferredNotification::id)
                .containsExactly(b.id());
        assertThat(store.notifications().countByState().get(NotificationState.SENT)).isEqualTo(1);
    }

    @Test
    void aRefusedNotificationFailsForGood() {
        DeferredNotification a = store.notifications().create(pending(ALICE));
        store.notifications().claimFor(ALICE, "n1", 10, LEASE);
        store.notifications().fail(a.id(), "n1", "403 Forbidden");
        DeferredNotification f = store.notifications().find(a.id()).orElseThrow();
        assertThat(f.state()).isEqualTo(NotificationState.FAILED);
        assertThat(f.lastError()).isEqualTo("403 Forbidden");
        assertThat(f.leaseOwner()).isNull();
        assertThatThrownBy(() -> store.notifications().fail(a.id(), "n1", "again"))
                .isInstanceOf(LeaseLostException.class);
    }

    @Test
    void aRegisterClaimsTheUsersNotificationsAtOnce() {
        DeferredNotification a = store.notifications().create(pending(ALICE));
        store.notifications().create(pending("sip:carol@example.com"));
        assertThat(store.notifications().claimFor(ALICE, "n1", 10, LEASE)).extracting(DeferredNotification::id)
                .containsExactly(a.id());
        assertThat(store.notifications().claimFor(ALICE, "n2", 10, LEASE)).isEmpty();
        clock.advance(LEASE);
        assertThat(store.notifications().claimFor(ALICE, "n2", 10, LEASE)).extracting(DeferredNotification::id)
                .containsExactly(a.id());
    }

    @Test
    void expiryAndPurge() {
        store.notifications().create(pending(ALICE));
        clock.advance(POLICY.expiry());
        assertThat(store.notifications().claimDue("n1", 10, LEASE)).isEmpty();
        assertThat(store.notifications().expireDue(10)).isEqualTo(1);
        assertThat(store.notifications().expireDue(10)).isZero();
        clock.advance(Duration.ofSeconds(1));
        assertThat(store.notifications().purgeEnded(clock.instant())).isEqualTo(1);
        assertThat(store.notifications().listAll(0, 10)).isEmpty();
    }
}
