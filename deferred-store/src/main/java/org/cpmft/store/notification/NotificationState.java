package org.cpmft.store.notification;

import java.util.EnumSet;
import java.util.Set;

/** Life cycle of a deferred IMDN: PENDING -> SENDING -> SENT, or back to PENDING to retry. */
public enum NotificationState {
    PENDING,
    SENDING,
    SENT,
    EXPIRED,
    FAILED;

    public boolean isTerminal() {
        return this == SENT || this == EXPIRED || this == FAILED;
    }

    public Set<NotificationState> successors() {
        return switch (this) {
            case PENDING -> EnumSet.of(SENDING, EXPIRED, FAILED);
            case SENDING -> EnumSet.of(PENDING, SENT, EXPIRED, FAILED);
            case SENT, EXPIRED, FAILED -> EnumSet.noneOf(NotificationState.class);
        };
    }

    public boolean canMoveTo(NotificationState next) {
        return successors().contains(next);
    }

    public NotificationState moveTo(NotificationState next) {
        if (!canMoveTo(next)) {
            throw new IllegalStateException("illegal notification state move " + this + " -> " + next);
        }
        return next;
    }
}
