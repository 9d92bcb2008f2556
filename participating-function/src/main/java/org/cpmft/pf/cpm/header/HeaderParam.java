package org.cpmft.pf.cpm.header;

import java.util.Locale;

/**
 * One generic parameter of a SIP header value or URI: {@code name[=value]}.
 *
 * @param name     parameter name as written (compare with {@link #is(String)}, names are case-insensitive)
 * @param rawValue value as written, including quotes if it was a quoted-string; {@code null} for a flag
 */
public record HeaderParam(String name, String rawValue) {

    public HeaderParam {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("parameter name is empty");
        }
    }

    /** Parses {@code name}, {@code name=value} or {@code name="quoted value"}. */
    public static HeaderParam parse(String text) {
        int eq = text.indexOf('=');
        if (eq < 0) {
            return new HeaderParam(text.trim(), null);
        }
        return new HeaderParam(text.substring(0, eq).trim(), text.substring(eq + 1).trim());
    }

    public boolean is(String otherName) {
        return name.equalsIgnoreCase(otherName);
    }

    public boolean hasValue() {
        return rawValue != null;
    }

    public boolean quoted() {
        return rawValue != null && HeaderValues.isQuoted(rawValue);
    }

    /** The value with quotes and quoted-pairs removed; {@code null} for a flag parameter. */
    public String value() {
        return rawValue == null ? null : HeaderValues.unquote(rawValue);
    }

    public String lowerName() {
        return name.toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return rawValue == null ? name : name + "=" + rawValue;
    }
}
