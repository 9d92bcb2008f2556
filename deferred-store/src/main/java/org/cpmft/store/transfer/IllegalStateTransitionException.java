package org.cpmft.store.transfer;

/** A state move that {@link TransferState} does not allow. */
public final class IllegalStateTransitionException extends IllegalStateException {
    private final TransferState from;
    private final TransferState to;

    public IllegalStateTransitionException(TransferState from, TransferState to) {
        super("illegal transfer state move " + from + " -> " + to);
        this.from = from;
        this.to = to;
    }

    public TransferState from() {
        return from;
    }

    public TransferState to() {
        return to;
    }
}
