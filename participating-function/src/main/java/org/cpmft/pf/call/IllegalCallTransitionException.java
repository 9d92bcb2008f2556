package org.cpmft.pf.call;

/** A move the {@link CallState} table does not allow; the call stays where it was. */
public final class IllegalCallTransitionException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    public IllegalCallTransitionException(String callId, CallState from, CallState to, CallEvent event) {
        super("call " + callId + ": " + event + " cannot move " + from + " -> " + to);
    }
}
