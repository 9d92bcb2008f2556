package org.cpmft.msrp.message;

/**
 * The Byte-Range header (RFC 4975 section 7.1.1 / 9): {@code range-start "-" range-end "/" total},
 * 1-based and inclusive; {@code *} for an unknown end or total is represented as {@link #UNKNOWN}.
 */
public record ByteRange(long start, long end, long total) {
    public static final long UNKNOWN = -1;

    public ByteRange {
        if (start < 1) {
            throw new IllegalArgumentException("range-start must be >= 1: " + start);
        }
        if (end != UNKNOWN && end < start - 1) {
            throw new IllegalArgumentException("range-end before range-start: " + start + "-" + end);
        }
        if (total != UNKNOWN && end != UNKNOWN && end > total) {
            throw new IllegalArgumentException("range-end beyond total: " + end + "/" + total);
        }
        if (end < UNKNOWN || total < UNKNOWN) {
            throw new IllegalArgumentException("negative range value");
        }
    }

    public static ByteRange parse(String value) {
        String v = value.trim();
        int dash = v.indexOf('-');
        int slash = v.indexOf('/');
        if (dash <= 0 || slash < dash) {
            throw new IllegalArgumentException("Byte-Range must be start-end/total: " + value);
        }
        return new ByteRange(number(v.substring(0, dash), false),
                number(v.substring(dash + 1, slash), true),
                number(v.substring(slash + 1), true));
    }

    private static long number(String s, boolean starAllowed) {
        if (starAllowed && s.equals("*")) {
            return UNKNOWN;
        }
        if (s.isEmpty() || s.length() > 18) {
            throw new IllegalArgumentException("bad Byte-Range number: '" + s + "'");
        }
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                throw new IllegalArgumentException("bad Byte-Range number: '" + s + "'");
            }
        }
        return Long.parseLong(s);
    }

    /** Range for {@code length} bytes starting at 1-based {@code start} of a message of known total. */
    public static ByteRange of(long start, long length, long total) {
        return new ByteRange(start, start + length - 1, total);
    }

    public boolean endKnown() {
        return end != UNKNOWN;
    }

    public boolean totalKnown() {
        return total != UNKNOWN;
    }

    public String format() {
        return start + "-" + (end == UNKNOWN ? "*" : Long.toString(end)) + "/"
                + (total == UNKNOWN ? "*" : Long.toString(total));
    }

    @Override
    public String toString() {
        return format();
    }
}
