package org.cpmft.pf.registration;

import java.time.Instant;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Where the {@link RegistrationRegistry} keeps users' bindings: the deferred store, shared by every
 * node ({@link StoredBindings}), or this process's memory for a single node ({@link #inMemory()}).
 * Bindings are kept past their expiry, until pruned: a user with only lapsed bindings is known to
 * be unregistered, a user without any is unknown.
 */
public interface BindingStore {

    /**
     * What one update did.
     *
     * @param before the user's bindings before, lapsed ones included
     * @param after  the user's bindings after
     */
    record Change(List<ContactBinding> before, List<ContactBinding> after) {
    }

    /** Every binding kept for the user ({@link UserUri} normal form), lapsed ones included. */
    List<ContactBinding> read(String user);

    /**
     * Replaces the user's bindings with {@code change} applied to them, atomically with respect to
     * any other update of the user. {@code change} must be pure: it may run more than once.
     */
    Change update(String user, UnaryOperator<List<ContactBinding>> change);

    /** Drops up to {@code max} bindings that lapsed before {@code before}; returns how many. */
    int pruneLapsed(Instant before, int max);

    static BindingStore inMemory() {
        return new InMemoryBindings();
    }
}
