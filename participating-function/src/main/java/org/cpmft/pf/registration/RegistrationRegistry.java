package org.cpmft.pf.registration;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registration state of the served users, fed by third-party REGISTERs. Each binding lapses at its
 * expiry time by the clock, without any REGISTER: queries compare the stored expiry with now.
 *
 * <p>The bindings live in a {@link BindingStore}. With several nodes it is the deferred store
 * ({@link StoredBindings}): a REGISTER reaches one node, and an INVITE for the same user may reach
 * another, which must decide from the same state (docs/deferred-delivery.md, "Registration
 * state"). Nothing is cached in memory: any cached answer, "registered" as much as "not
 * registered", can be overturned at any time by a REGISTER reaching another node, and a read is
 * one indexed lookup.
 *
 * <p>A user's bindings are kept for {@link #knownFor()} after they lapse (a deregistration leaves
 * a lapsed placeholder): meanwhile the user is {@link Status#NOT_REGISTERED}; once pruned, the user
 * is {@link Status#UNKNOWN} again, as one this PF was never told about.
 *
 * <p>Listeners hear of the changes applied on this node only (the REGISTER-triggered delivery
 * stays on the node the REGISTER reached). Thread-safe: updates of one user are atomic, across
 * nodes too; listeners run after the update is stored, outside it.
 */
public final class RegistrationRegistry {
    private static final Logger LOG = LoggerFactory.getLogger(RegistrationRegistry.class);
    /** How long a user whose bindings lapsed stays known as unregistered. */
    public static final Duration DEFAULT_KNOWN_FOR = Duration.ofDays(1);

    /** What the PF knows of a user's registration. */
    public enum Status {
        /** At least one live binding. */
        REGISTERED,
        /** A third-party REGISTER was seen for the user, and no binding is live now. */
        NOT_REGISTERED,
        /**
         * No REGISTER seen (or long ago, or the store could not be read): the PF cannot tell, and
         * the network has to (the INVITE goes on).
         */
        UNKNOWN
    }

    private final Clock clock;
    private final BindingStore store;
    private final Duration knownFor;
    private final List<RegistrationListener> listeners = new CopyOnWriteArrayList<>();

    /** One node's state in memory (tests, single node). */
    public RegistrationRegistry(Clock clock) {
        this(clock, BindingStore.inMemory(), DEFAULT_KNOWN_FOR);
    }

    public RegistrationRegistry(Clock clock, BindingStore store) {
        this(clock, store, DEFAULT_KNOWN_FOR);
    }

    public RegistrationRegistry(Clock clock, BindingStore store, Duration knownFor) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.store = Objects.requireNonNull(store, "store");
        this.knownFor = Objects.requireNonNull(knownFor, "knownFor");
        if (knownFor.isNegative()) {
            throw new IllegalArgumentException("negative knownFor " + knownFor);
        }
    }

    public void addListener(RegistrationListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    public void removeListener(RegistrationListener listener) {
        listeners.remove(listener);
    }

    public Duration knownFor() {
        return knownFor;
    }

    /**
     * Applies a third-party REGISTER, tells the listeners, and returns the change (relative to
     * what any node had stored before).
     *
     * @throws RuntimeException when the store fails (nothing changed, no listener called)
     */
    public RegistrationEvent apply(ThirdPartyRegister register) {
        Instant now = clock.instant();
        BindingStore.Change change = store.update(register.user(), current -> {
            List<ContactBinding> next = next(liveOnly(current, now), register, now);
            // keeps the user known, as not registered, until pruned
            return next.isEmpty() ? List.of(new ContactBinding(null, null, now)) : next;
        });
        RegistrationEvent event = event(register.user(), liveOnly(change.before(), now), liveOnly(change.after(), now));
        LOG.debug("third-party REGISTER {} -> {}", register, event);
        for (RegistrationListener l : listeners) {
            try {
                l.registrationChanged(event);
            } catch (RuntimeException e) {
                LOG.warn("registration listener failed on {}", event, e);
            }
        }
        return event;
    }

    private static List<ContactBinding> next(List<ContactBinding> current, ThirdPartyRegister r, Instant now) {
        if (r.isDeregistration() || r.wildcard()) {
            return List.of(); // TS 24.229 5.4.1.7: expires 0 is the user's deregistration
        }
        Instant userExpiry = now.plus(r.expires());
        List<ContactBinding> next = new ArrayList<>();
        switch (r.source()) {
            case REGISTER_RESPONSE -> {
                // the 200 OK lists every binding of the user: it replaces what we knew
                for (ThirdPartyRegister.Binding b : r.bindings()) {
                    if (!b.expires().isZero()) {
                        next.add(new ContactBinding(b.contactUri(), b.instanceId(), now.plus(b.expires())));
                    }
                }
            }
            case REGISTER_REQUEST -> {
                next.addAll(current);
                next.removeIf(c -> c.contactUri() == null); // real contacts replace the placeholder
                for (ThirdPartyRegister.Binding b : r.bindings()) {
                    next.removeIf(c -> c.sameDeviceAs(b.contactUri(), b.instanceId()));
                    if (!b.expires().isZero()) {
                        next.add(new ContactBinding(b.contactUri(), b.instanceId(), now.plus(b.expires())));
                    }
                }
            }
            case NONE -> {
                next.addAll(current);
                next.removeIf(c -> c.contactUri() == null);
                if (next.isEmpty()) {
                    next.add(new ContactBinding(null, null, userExpiry));
                }
            }
        }
        if (next.isEmpty()) {
            // The S-CSCF says the user is registered (expires > 0), though the carried message
            // removed the devices we knew: another device we were not told about is registered.
            next.add(new ContactBinding(null, null, userExpiry));
        }
        return next;
    }

    private static RegistrationEvent event(String user, List<ContactBinding> before, List<ContactBinding> after) {
        if (after.isEmpty()) {
            return new RegistrationEvent(user, RegistrationEvent.Kind.UNREACHABLE, Set.of());
        }
        Set<String> newInstances = new LinkedHashSet<>();
        boolean newDevice = false;
        for (ContactBinding b : after) {
            boolean known = before.stream().anyMatch(o -> o.sameDeviceAs(b.contactUri(), b.instanceId()));
            if (!known) {
                newDevice = true;
                if (b.instanceId() != null) {
                    newInstances.add(b.instanceId());
                }
            }
        }
        RegistrationEvent.Kind kind = before.isEmpty() ? RegistrationEvent.Kind.REACHABLE
                : newDevice ? RegistrationEvent.Kind.DEVICE_ADDED : RegistrationEvent.Kind.REFRESHED;
        return new RegistrationEvent(user, kind, newInstances);
    }

    private static List<ContactBinding> liveOnly(List<ContactBinding> bindings, Instant now) {
        return bindings.stream().filter(b -> b.isLiveAt(now)).toList();
    }

    /**
     * The user's registration now. Never fails: when the store cannot be read, {@code UNKNOWN}
     * (the INVITE goes on to the network, which knows).
     */
    public Status status(String user) {
        List<ContactBinding> kept;
        try {
            kept = store.read(UserUri.normalize(user));
        } catch (RuntimeException e) {
            LOG.warn("registration of {} not readable, taken as unknown: {}", user, e.toString());
            return Status.UNKNOWN;
        }
        if (kept.isEmpty()) {
            return Status.UNKNOWN;
        }
        return liveOnly(kept, clock.instant()).isEmpty() ? Status.NOT_REGISTERED : Status.REGISTERED;
    }

    /** The user's live bindings ({@code user} in any spelling {@link UserUri} accepts). */
    public List<ContactBinding> bindings(String user) {
        return liveOnly(store.read(UserUri.normalize(user)), clock.instant());
    }

    public boolean isRegistered(String user) {
        return !bindings(user).isEmpty();
    }

    /** The {@code +sip.instance} values of the user's live bindings. */
    public Set<String> instances(String user) {
        Set<String> out = new LinkedHashSet<>();
        for (ContactBinding b : bindings(user)) {
            if (b.instanceId() != null) {
                out.add(b.instanceId());
            }
        }
        return out;
    }

    /** Whether that device of the user is registered ({@code instance} in any quoting). */
    public boolean isInstanceRegistered(String user, String instance) {
        String id = InstanceId.normalize(instance);
        return id != null && instances(user).contains(id);
    }

    /**
     * Drops up to {@code max} bindings that lapsed more than {@link #knownFor()} ago, oldest
     * first; returns how many. Call periodically: with a bounded {@code max} each call is short.
     */
    public int pruneLapsed(int max) {
        return store.pruneLapsed(clock.instant().minus(knownFor), max);
    }
}
