package org.cpmft.pf.cpm.header;

import java.util.ArrayList;
import java.util.List;

/**
 * Lexical helpers for SIP header values (RFC 3261 section 25.1): splitting on separators that
 * are outside quoted strings and outside angle brackets, and quoted-string handling.
 */
public final class HeaderValues {

    private HeaderValues() {
    }

    /**
     * Splits a header value on {@code separator} where the separator is at top level, i.e. not
     * inside a quoted-string (which may contain quoted-pairs) and not inside {@code <...>}.
     * Elements are trimmed; empty elements are dropped.
     */
    public static List<String> splitTopLevel(String value, char separator) {
        List<String> out = new ArrayList<>();
        if (value == null) {
            return out;
        }
        StringBuilder current = new StringBuilder();
        boolean quoted = false;
        boolean angle = false;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (quoted) {
                current.append(c);
                if (c == '\\' && i + 1 < value.length()) {
                    current.append(value.charAt(++i));
                } else if (c == '"') {
                    quoted = false;
                }
                continue;
            }
            if (c == '"') {
                quoted = true;
            } else if (c == '<') {
                angle = true;
            } else if (c == '>') {
                angle = false;
            } else if (c == separator && !angle) {
                addTrimmed(out, current);
                current.setLength(0);
                continue;
            }
            current.append(c);
        }
        addTrimmed(out, current);
        return out;
    }

    private static void addTrimmed(List<String> out, StringBuilder sb) {
        String s = sb.toString().trim();
        if (!s.isEmpty()) {
            out.add(s);
        }
    }

    /** True when {@code s} is a complete quoted-string (RFC 3261: DQUOTE *(qdtext / quoted-pair) DQUOTE). */
    public static boolean isQuoted(String s) {
        if (s.length() < 2 || s.charAt(0) != '"' || s.charAt(s.length() - 1) != '"') {
            return false;
        }
        for (int i = 1; i < s.length() - 1; i++) {
            char c = s.charAt(i);
            if (c == '\\') {
                i++;
                if (i >= s.length() - 1) {
                    return false;
                }
            } else if (c == '"') {
                return false;
            }
        }
        return true;
    }

    /** Removes the surrounding quotes and resolves quoted-pairs; returns {@code s} unchanged if not quoted. */
    public static String unquote(String s) {
        if (!isQuoted(s)) {
            return s;
        }
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 1; i < s.length() - 1; i++) {
            char c = s.charAt(i);
            if (c == '\\') {
                c = s.charAt(++i);
            }
            sb.append(c);
        }
        return sb.toString();
    }

    /**
     * Makes a quoted-string from arbitrary text: backslash and DQUOTE become quoted-pairs; CR, LF
     * and other control characters (not allowed in a quoted-string) are replaced by a space.
     */
    public static String quote(String text) {
        StringBuilder sb = new StringBuilder(text.length() + 2).append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c < 0x20 || c == 0x7f) {
                sb.append(' ');
            } else {
                sb.append(c);
            }
        }
        return sb.append('"').toString();
    }
}
