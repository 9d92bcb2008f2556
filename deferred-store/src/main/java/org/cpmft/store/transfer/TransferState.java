package org.cpmft.store.transfer;

import java.util.EnumSet;
import java.util.Set;

/**
 * Life cycle of a deferred file transfer inside the PF.
 *
 * <pre>
 * RECEIVING --> STORED --> DELIVERING --> DELIVERED
 *     |           |  ^          |
 *     |           |  +----------+  (attempt failed, retry later)
 *     +-----------+-------------+--> EXPIRED | FAILED
 * </pre>
 *
 * A re-claim of a DELIVERING transfer whose lease ran out is not a state change: it stays
 * DELIVERING under a new lease owner.
 */
public enum TransferState {
    /** The sender is streaming the file into the store. */
    RECEIVING,
    /** Content complete and durable, waiting for a delivery attempt. */
    STORED,
    /** A node holds a lease and is re-offering the file to the recipient. */
    DELIVERING,
    /** The recipient got the whole file; content is removed. */
    DELIVERED,
    /** Retention time or attempts ran out before delivery; the sender is told it failed. */
    EXPIRED,
    /** Given up for a reason other than time (rejected by the recipient, operator, corrupt). */
    FAILED;

    /** Whether no further move is possible. */
    public boolean isTerminal() {
        return this == DELIVERED || this == EXPIRED || this == FAILED;
    }

    /** States a transfer in this state may move to. */
    public Set<TransferState> successors() {
        return switch (this) {
            case RECEIVING -> EnumSet.of(STORED, EXPIRED, FAILED);
            case STORED -> EnumSet.of(DELIVERING, EXPIRED, FAILED);
            case DELIVERING -> EnumSet.of(STORED, DELIVERED, EXPIRED, FAILED);
            case DELIVERED, EXPIRED, FAILED -> EnumSet.noneOf(TransferState.class);
        };
    }

    public boolean canMoveTo(TransferState next) {
        return successors().contains(next);
    }

    /**
     * Returns {@code next} when the move is allowed.
     *
     * @throws IllegalStateTransitionException when it is not
     */
    public TransferState moveTo(TransferState next) {
        if (!canMoveTo(next)) {
            throw new IllegalStateTransitionException(this, next);
        }
        return next;
    }
}
