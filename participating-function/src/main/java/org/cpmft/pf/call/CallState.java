package org.cpmft.pf.call;

import java.util.EnumSet;
import java.util.Set;

/**
 * Where one FT call of the B2BUA stands (OMA CPM 8.2.3 originating, 8.3.3 terminating).
 *
 * <pre>
 * NEW --> OFFERED --> ANSWERED -----------+--> ENDING --> ENDED
 *  |         |                            |                ^
 *  |         +--> ACCEPTED_BY_PF ---------+                |
 *  +--------------^   (deferral)          |                |
 *  +--> RESUMING -------------------------+                |
 *  |    (the PF serves a resume itself)                    |
 *  +-------------------------------------------------------+ (refused, failure relayed)
 * </pre>
 */
public enum CallState {
    /** The INVITE arrived and passed the rules; nothing sent yet. */
    NEW,
    /** Forwarded to the recipient side; waiting for its final answer. */
    OFFERED,
    /** A recipient device accepted (2xx); the ends talk through the relay. */
    ANSWERED,
    /** The PF answered the sender itself and keeps the file (CPM 8.2.3.1 1, 8.3.3.1 1.a). */
    ACCEPTED_BY_PF,
    /** The PF answered a resume or pull itself from its store (seed 004 7.4.5.2). */
    RESUMING,
    /** A BYE or CANCEL is on its way; the legs are being torn down. */
    ENDING,
    /** Both legs are over. */
    ENDED;

    /** States a call in this state may move to. */
    public Set<CallState> successors() {
        return switch (this) {
            case NEW -> EnumSet.of(OFFERED, ACCEPTED_BY_PF, RESUMING, ENDED);
            case OFFERED -> EnumSet.of(ANSWERED, ACCEPTED_BY_PF, ENDING, ENDED);
            case ANSWERED, ACCEPTED_BY_PF, RESUMING -> EnumSet.of(ENDING, ENDED);
            case ENDING -> EnumSet.of(ENDED);
            case ENDED -> EnumSet.noneOf(CallState.class);
        };
    }

    public boolean canMoveTo(CallState next) {
        return successors().contains(next);
    }

    /** Whether the PF itself is the sender's peer (no recipient dialog carries the file). */
    public boolean pfIsPeer() {
        return this == ACCEPTED_BY_PF || this == RESUMING;
    }

    /** Whether the call is over or being torn down. */
    public boolean isEnding() {
        return this == ENDING || this == ENDED;
    }
}
