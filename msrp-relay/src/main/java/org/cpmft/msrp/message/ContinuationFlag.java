package org.cpmft.msrp.message;

/** The last character of an end-line (RFC 4975 section 7.1 / 9 {@code continuation-flag}). */
public enum ContinuationFlag {
    /** {@code $}: this chunk ends the message. */
    COMPLETE('$'),
    /** {@code +}: more chunks of the same message follow. */
    MORE('+'),
    /** {@code #}: the sender aborted the message. */
    ABORTED('#');

    private final char symbol;

    ContinuationFlag(char symbol) {
        this.symbol = symbol;
    }

    public char symbol() {
        return symbol;
    }

    /** @return the flag for {@code c}, or {@code null} when {@code c} is not a continuation flag */
    public static ContinuationFlag of(int c) {
        return switch (c) {
            case '$' -> COMPLETE;
            case '+' -> MORE;
            case '#' -> ABORTED;
            default -> null;
        };
    }
}
