package org.cpmft.pf.registration;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registration state of the served users of this PF node, fed by third-party REGISTERs. Each
 * binding lapses at its expiry time by the clock, without any REGISTER (queries ignore lapsed
 * bindings; {@link #purgeExpired()} frees their memory).
 *
 * <p>State is per node: a REGISTER reaches one node. Deferred delivery does not depend on every
 * node knowing every registration, since any node's periodic retry also delivers
 * (docs/deferred-delivery.md).
 *
 * <p>Thread-safe: updates of one user are atomic; listeners run after the update, outside it.
 */
public final class RegistrationRegistry {
    private static final Logger LOG = LoggerFactory.getLogger(RegistrationRegistry.class);

    private final Clock clock;
    private final Map<String, List<ContactBinding>> users = new ConcurrentHashMap<>();
    private final List<RegistrationListener> listeners = new CopyOnWriteArrayList<>();

    public RegistrationRegistry(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public void addListener(RegistrationListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    public void removeListener(RegistrationListener listener) {
        listeners.remove(listener);
    }

    /** Applies a third-party REGISTER, tells the listeners, and returns the change. */
    public RegistrationEvent apply(ThirdPartyRegister register) {
        Instant now = clock.instant();
        List<ContactBinding> before = live(register.user(), now);
        List<ContactBinding> after = users.compute(register.user(), (u, current) -> {
            List<ContactBinding> next = next(current == null ? List.of() : liveOnly(current, now), register, now);
            return next.isEmpty() ? null : List.copyOf(next);
        });
        RegistrationEvent event = event(register.user(), before, after == null ? List.of() : after);
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

    private List<ContactBinding> live(String normalizedUser, Instant now) {
        List<ContactBinding> b = users.get(normalizedUser);
        return b == null ? List.of() : liveOnly(b, now);
    }

    /** The user's live bindings ({@code user} in any spelling {@link UserUri} accepts). */
    public List<ContactBinding> bindings(String user) {
        return live(UserUri.normalize(user), clock.instant());
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

    /** Drops lapsed bindings and users left without any; returns how many users were dropped. */
    public int purgeExpired() {
        Instant now = clock.instant();
        int[] dropped = {0};
        for (String user : List.copyOf(users.keySet())) {
            users.computeIfPresent(user, (u, b) -> {
                List<ContactBinding> live = liveOnly(b, now);
                if (live.isEmpty()) {
                    dropped[0]++;
                    return null;
                }
                return live.size() == b.size() ? b : live;
            });
        }
        return dropped[0];
    }

    /** Users with at least one binding kept (lapsed ones count until purged). */
    public int size() {
        return users.size();
    }
}
