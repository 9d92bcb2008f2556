package org.cpmft.pf.registration;

import java.util.Set;

/**
 * What a third-party REGISTER changed for one user.
 *
 * @param user         the user ({@link UserUri} normal form)
 * @param kind         the change
 * @param newInstances device instances registered now that were not before (may be empty)
 */
public record RegistrationEvent(String user, Kind kind, Set<String> newInstances) {

    public enum Kind {
        /** The user was not registered and now is: deferred work for the user may go. */
        REACHABLE,
        /** Already registered; another device (instance or contact) registered. */
        DEVICE_ADDED,
        /** Already registered; bindings refreshed. */
        REFRESHED,
        /** No binding left. */
        UNREACHABLE
    }

    public RegistrationEvent {
        newInstances = Set.copyOf(newInstances);
    }

    /** Whether the user has a registered device after this change. */
    public boolean reachable() {
        return kind != Kind.UNREACHABLE;
    }
}
