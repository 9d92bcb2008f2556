package org.cpmft.pf.registration;

import java.util.Locale;
import org.cpmft.pf.cpm.header.HeaderAddress;

/**
 * The one normalisation of a user identity (IMS public user identity) used wherever the PF
 * compares users: third-party REGISTER, deferred transfers and notifications in the store, and
 * the operator CLI. Two spellings of the same identity must give the same key, or a REGISTER
 * would never find the files waiting for its user.
 *
 * <ul>
 *   <li>{@code sip:} and {@code sips:} (RFC 3261 section 19.1): {@code sip:user@host}. The
 *       scheme and host are case-insensitive (19.1.4) and lower-cased; the user part is
 *       case-sensitive and kept, with percent-encoded unreserved characters decoded (19.1.4
 *       "escaped characters are equivalent"). Password, port, URI parameters and headers are
 *       dropped: a public user identity is an address-of-record, not a contact, and the
 *       S-CSCF may add {@code ;user=phone} or a port on one path and not on the other. {@code sips}
 *       maps to {@code sip} (same AOR, RFC 5630 section 3.1.3).</li>
 *   <li>{@code tel:} (RFC 3966 section 4): a global number keeps {@code +} and its digits only
 *       (visual separators {@code - . ( )} removed); a local number keeps its digits and its
 *       {@code phone-context}, lower-cased. Other parameters are dropped.</li>
 *   <li>Any other scheme: lower-case scheme, rest as written.</li>
 * </ul>
 * A name-addr ({@code "Bob" <sip:bob@example.com>;tag=1}) is accepted and reduced to its URI.
 */
public final class UserUri {

    private UserUri() {
    }

    /**
     * @throws IllegalArgumentException when {@code value} is not a URI with a scheme
     */
    public static String normalize(String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("empty user URI");
        }
        String uri = value.trim();
        if (uri.indexOf('<') >= 0) {
            uri = HeaderAddress.parse(uri).uri();
        }
        int colon = uri.indexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("not a URI: " + value);
        }
        String scheme = uri.substring(0, colon).toLowerCase(Locale.ROOT);
        String rest = uri.substring(colon + 1);
        if (rest.isEmpty()) {
            throw new IllegalArgumentException("URI without anything after the scheme: " + value);
        }
        return switch (scheme) {
            case "sip", "sips" -> sip(rest, value);
            case "tel" -> tel(rest, value);
            default -> scheme + ":" + rest;
        };
    }

    private static String sip(String rest, String original) {
        String s = cut(cut(rest, '?'), ';');
        int at = s.lastIndexOf('@');
        String user = at < 0 ? null : s.substring(0, at);
        String hostport = at < 0 ? s : s.substring(at + 1);
        String host = host(hostport);
        if (host.isEmpty()) {
            throw new IllegalArgumentException("SIP URI without host: " + original);
        }
        if (user == null) {
            return "sip:" + host;
        }
        int pw = user.indexOf(':');
        if (pw >= 0) {
            user = user.substring(0, pw);
        }
        if (user.isEmpty()) {
            throw new IllegalArgumentException("SIP URI with an empty user part: " + original);
        }
        return "sip:" + decodeUnreserved(user) + "@" + host;
    }

    private static String host(String hostport) {
        if (hostport.startsWith("[")) {
            int close = hostport.indexOf(']');
            return (close < 0 ? hostport : hostport.substring(0, close + 1)).toLowerCase(Locale.ROOT);
        }
        return cut(hostport, ':').toLowerCase(Locale.ROOT);
    }

    private static String tel(String rest, String original) {
        String[] parts = rest.split(";");
        String number = parts[0];
        boolean global = number.startsWith("+");
        StringBuilder digits = new StringBuilder(global ? "+" : "");
        for (int i = global ? 1 : 0; i < number.length(); i++) {
            char c = number.charAt(i);
            if (c == '-' || c == '.' || c == '(' || c == ')' || c == ' ') {
                continue; // visual-separator, RFC 3966 section 5.1.1
            }
            if (!(Character.isLetterOrDigit(c) || c == '*' || c == '#')) {
                throw new IllegalArgumentException("bad character '" + c + "' in tel URI " + original);
            }
            digits.append(Character.toUpperCase(c));
        }
        if (digits.length() == (global ? 1 : 0)) {
            throw new IllegalArgumentException("tel URI without digits: " + original);
        }
        if (global) {
            return "tel:" + digits;
        }
        for (int i = 1; i < parts.length; i++) {
            int eq = parts[i].indexOf('=');
            if (eq > 0 && parts[i].substring(0, eq).trim().equalsIgnoreCase("phone-context")) {
                return "tel:" + digits + ";phone-context=" + parts[i].substring(eq + 1).trim().toLowerCase(Locale.ROOT);
            }
        }
        // RFC 3966 section 5.1.5 requires phone-context for a local number; keep what we have.
        return "tel:" + digits;
    }

    private static String cut(String s, char c) {
        int i = s.indexOf(c);
        return i < 0 ? s : s.substring(0, i);
    }

    /** Decodes %XX where XX is an unreserved character (RFC 3986 section 2.3); other escapes stay. */
    private static String decodeUnreserved(String user) {
        if (user.indexOf('%') < 0) {
            return user;
        }
        StringBuilder sb = new StringBuilder(user.length());
        for (int i = 0; i < user.length(); i++) {
            char c = user.charAt(i);
            if (c == '%' && i + 2 < user.length()) {
                int hi = Character.digit(user.charAt(i + 1), 16);
                int lo = Character.digit(user.charAt(i + 2), 16);
                if (hi >= 0 && lo >= 0) {
                    char d = (char) (hi * 16 + lo);
                    if (Character.isLetterOrDigit(d) && d < 128 || d == '-' || d == '.' || d == '_' || d == '~') {
                        sb.append(d);
                    } else {
                        sb.append('%').append(Character.toUpperCase(user.charAt(i + 1)))
                                .append(Character.toUpperCase(user.charAt(i + 2)));
                    }
                    i += 2;
                    continue;
                }
            }
            sb.append(c);
        }
        return sb.toString();
    }
}
