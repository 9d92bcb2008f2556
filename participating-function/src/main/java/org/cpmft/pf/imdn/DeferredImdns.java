package org.cpmft.pf.imdn;

import java.time.Clock;
import java.time.Instant;
import java.util.UUID;
import java.util.function.Supplier;

import org.cpmft.pf.cpm.imdn.ImdnMessage;
import org.cpmft.pf.registration.RegistrationRegistry;
import org.cpmft.pf.registration.UserUri;
import org.cpmft.store.DeferredStore;
import org.cpmft.store.notification.DeferredNotification;
import org.cpmft.store.retry.RetryPolicy;

/**
 * Keeps a client's disposition notification for its recipient's device (seed 004 5.4.5) in the
 * deferred store's notification outbox, body and Content-Type exactly as received (so its CPIM
 * DateTime and the {@code <datetime>} it reports stay the original ones). {@code DeferredDelivery}
 * sends it by SIP MESSAGE when the recipient's device registers (third-party REGISTER) or on the
 * retry policy's schedule, until the policy's expiry.
 */
public final class DeferredImdns {

    private final DeferredStore store;
    private final RegistrationRegistry registrations;
    private final Supplier<RetryPolicy> policy;
    private final Clock clock;

    public DeferredImdns(DeferredStore store, RegistrationRegistry registrations, Supplier<RetryPolicy> policy,
                         Clock clock) {
        this.store = store;
        this.registrations = registrations;
        this.policy = policy;
        this.clock = clock;
    }

    /** Whether the notification's recipient is known to have no registered device (a REGISTER any node saw). */
    public boolean recipientNotRegistered(ImdnMessage m) {
        try {
            return registrations.status(m.recipient()) == RegistrationRegistry.Status.NOT_REGISTERED;
        } catch (IllegalArgumentException unreadable) {
            return false;
        }
    }

    /**
     * Queues the notification; the first attempt waits for the recipient's REGISTER or the policy's
     * first delay.
     *
     * @return the stored notification's id
     * @throws org.cpmft.store.StoreException when the store cannot take it
     */
    public UUID defer(ImdnMessage m) {
        Instant now = clock.instant();
        RetryPolicy p = policy.get();
        UUID id = UUID.randomUUID();
        DeferredNotification n = DeferredNotification.pending(id, UserUri.normalize(m.recipient()), m.sender(),
                        m.contentType(), m.body(), p.firstAttemptAt(now), p.expiresAt(now))
                .imdnMessageId(m.document().messageId());
        m.recipientInstance().ifPresent(n::toInstance);
        store.notifications().create(n);
        return id;
    }
}
