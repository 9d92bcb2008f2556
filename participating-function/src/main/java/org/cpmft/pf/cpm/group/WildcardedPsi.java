package org.cpmft.pf.cpm.group;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * One provisioned identity of the Controlling Function's group sessions, written as a 3GPP
 * wildcarded Public Service Identity (3GPP TS 23.003 section 13.5): a SIP URI whose user part may
 * hold a regular expression between {@code !} delimiters, e.g. {@code sip:conf-!.*!@ims.example.net}.
 * Without a user part ({@code sip:conf.example.net}) every URI of that host matches: a domain the
 * operator reserves for the Controlling Function's group session identities.
 *
 * <p>The scheme (sip or sips), the port and URI parameters of a candidate do not matter; the host
 * is compared without case, the user part exactly (RFC 3261 section 19.1.4).
 */
public final class WildcardedPsi {

    /** Longest user part matched against a provisioned expression: bounds the regex work per request. */
    static final int MAX_USER_LENGTH = 256;

    private final String text;
    private final String host;
    /** Null: any user at {@link #host}. */
    private final Pattern user;

    private WildcardedPsi(String text, String host, Pattern user) {
        this.text = text;
        this.host = host;
        this.user = user;
    }

    /** @throws IllegalArgumentException when {@code psi} is not a sip/sips URI or its expression does not compile */
    public static WildcardedPsi parse(String psi) {
        if (psi == null || psi.isBlank()) {
            throw new IllegalArgumentException("empty group session identity");
        }
        String s = psi.strip();
        String rest = stripScheme(s).orElseThrow(() ->
                new IllegalArgumentException("group session identity '" + psi + "' is not a sip: or sips: URI"));
        int at = lastAtOutsideExpression(rest);
        String userText = at < 0 ? null : rest.substring(0, at);
        String host = hostOf(at < 0 ? rest : rest.substring(at + 1));
        if (host.isEmpty()) {
            throw new IllegalArgumentException("group session identity '" + psi + "' has no host");
        }
        if (userText != null && userText.isEmpty()) {
            throw new IllegalArgumentException("group session identity '" + psi + "' has an empty user part");
        }
        try {
            return new WildcardedPsi(s, host, userText == null ? null : Pattern.compile(userRegex(userText, psi)));
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("group session identity '" + psi + "': bad expression: "
                    + e.getDescription());
        }
    }

    /** Whether {@code uri} (a SIP URI, optionally in angle brackets) is one of these identities. */
    public boolean matches(String uri) {
        Optional<String[]> parts = SipUriParts.userAndHost(uri);
        if (parts.isEmpty() || !parts.get()[1].equals(host)) {
            return false;
        }
        if (user == null) {
            return true;
        }
        String u = parts.get()[0];
        return u != null && u.length() <= MAX_USER_LENGTH && user.matcher(u).matches();
    }

    @Override
    public String toString() {
        return text;
    }

    static Optional<String> stripScheme(String uri) {
        String lower = uri.toLowerCase(Locale.ROOT);
        if (lower.startsWith("sip:")) {
            return Optional.of(uri.substring(4));
        }
        if (lower.startsWith("sips:")) {
            return Optional.of(uri.substring(5));
        }
        return Optional.empty();
    }

    /** Host without port, parameters or headers, lower case. */
    static String hostOf(String hostPort) {
        int end = hostPort.length();
        for (int i = 0; i < hostPort.length(); i++) {
            char c = hostPort.charAt(i);
            if (c == ';' || c == '?' || c == '>') {
                end = i;
                break;
            }
        }
        String h = hostPort.substring(0, end);
        if (h.startsWith("[")) { // IPv6 reference
            int close = h.indexOf(']');
            return close < 0 ? "" : h.substring(0, close + 1).toLowerCase(Locale.ROOT);
        }
        int colon = h.indexOf(':');
        return (colon < 0 ? h : h.substring(0, colon)).toLowerCase(Locale.ROOT);
    }

    private static int lastAtOutsideExpression(String s) {
        boolean inside = false;
        int at = -1;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '!') {
                inside = !inside;
            } else if (c == '@' && !inside) {
                at = i;
            }
        }
        if (inside) {
            throw new IllegalArgumentException("group session identity '" + s + "' has an unclosed ! expression");
        }
        return at;
    }

    private static String userRegex(String userText, String psi) {
        StringBuilder re = new StringBuilder();
        int i = 0;
        while (i < userText.length()) {
            int open = userText.indexOf('!', i);
            if (open < 0) {
                re.append(Pattern.quote(userText.substring(i)));
                break;
            }
            if (open > i) {
                re.append(Pattern.quote(userText.substring(i, open)));
            }
            int close = userText.indexOf('!', open + 1);
            if (close < 0) {
                throw new IllegalArgumentException("group session identity '" + psi + "' has an unclosed ! expression");
            }
            re.append("(?:").append(userText, open + 1, close).append(')');
            i = close + 1;
        }
        return re.toString();
    }
}
