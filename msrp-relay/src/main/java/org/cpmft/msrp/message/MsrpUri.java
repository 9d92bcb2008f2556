package org.cpmft.msrp.message;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * An MSRP URI (RFC 4975 section 6 / 9):
 * {@code msrp-scheme "://" [userinfo "@"] host [":" port] ["/" session-id] ";" transport *(";" URI-parameter)}.
 *
 * <p>{@link #equals} follows the comparison rules of RFC 4975 section 6.1: scheme, host and transport
 * compare case-insensitively, the session-id case-sensitively, ports numerically; userinfo and URI
 * parameters are not significant.
 */
public final class MsrpUri {
    private final String scheme;
    private final String userinfo;
    private final String host;
    private final int port;
    private final String sessionId;
    private final String transport;
    private final List<String> parameters;
    private String formatted;

    public MsrpUri(String scheme, String userinfo, String host, int port, String sessionId, String transport,
                   List<String> parameters) {
        String s = scheme.toLowerCase(Locale.ROOT);
        if (!s.equals("msrp") && !s.equals("msrps")) {
            throw new IllegalArgumentException("MSRP URI scheme must be msrp or msrps: " + scheme);
        }
        if (host == null || host.isEmpty()) {
            throw new IllegalArgumentException("MSRP URI needs a host");
        }
        if (port < -1 || port > 65535) {
            throw new IllegalArgumentException("bad port " + port);
        }
        if (sessionId != null && !validSessionId(sessionId)) {
            throw new IllegalArgumentException("bad session-id: " + sessionId);
        }
        if (transport == null || transport.isEmpty() || !transport.chars().allMatch(MsrpUri::isAlphanum)) {
            throw new IllegalArgumentException("MSRP URI needs a transport: " + transport);
        }
        this.scheme = s;
        this.userinfo = userinfo;
        this.host = host;
        this.port = port;
        this.sessionId = sessionId;
        this.transport = transport;
        this.parameters = List.copyOf(parameters);
    }

    /** A session URI {@code msrp[s]://host:port/sessionId;tcp}. */
    public static MsrpUri of(boolean secure, String host, int port, String sessionId) {
        String h = host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host;
        return new MsrpUri(secure ? "msrps" : "msrp", null, h, port, sessionId, "tcp", List.of());
    }

    public static MsrpUri parse(String text) {
        String t = text.trim();
        int schemeEnd = t.indexOf("://");
        if (schemeEnd <= 0) {
            throw new IllegalArgumentException("not an MSRP URI: " + text);
        }
        String scheme = t.substring(0, schemeEnd);
        String rest = t.substring(schemeEnd + 3);
        int semi = rest.indexOf(';');
        if (semi < 0) {
            throw new IllegalArgumentException("MSRP URI without ;transport: " + text);
        }
        String hierarchical = rest.substring(0, semi);
        String[] params = rest.substring(semi + 1).split(";", -1);
        String transport = params[0];
        List<String> parameters = new ArrayList<>();
        for (int i = 1; i < params.length; i++) {
            if (params[i].isEmpty()) {
                throw new IllegalArgumentException("empty URI parameter: " + text);
            }
            parameters.add(params[i]);
        }
        int slash = hierarchical.indexOf('/');
        String authority = slash < 0 ? hierarchical : hierarchical.substring(0, slash);
        String sessionId = slash < 0 ? null : hierarchical.substring(slash + 1);
        String userinfo = null;
        int at = authority.lastIndexOf('@');
        if (at >= 0) {
            userinfo = authority.substring(0, at);
            authority = authority.substring(at + 1);
        }
        String host;
        int port = -1;
        String portText = null;
        if (authority.startsWith("[")) {
            int close = authority.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("unterminated IPv6 literal: " + text);
            }
            host = authority.substring(0, close + 1);
            String after = authority.substring(close + 1);
            if (!after.isEmpty()) {
                if (!after.startsWith(":")) {
                    throw new IllegalArgumentException("bad authority: " + text);
                }
                portText = after.substring(1);
            }
        } else {
            int colon = authority.indexOf(':');
            host = colon < 0 ? authority : authority.substring(0, colon);
            portText = colon < 0 ? null : authority.substring(colon + 1);
        }
        if (portText != null) {
            if (portText.isEmpty() || portText.length() > 5 || !portText.chars().allMatch(Character::isDigit)) {
                throw new IllegalArgumentException("bad port in " + text);
            }
            port = Integer.parseInt(portText);
        }
        if (!validHost(host)) {
            throw new IllegalArgumentException("bad host in " + text);
        }
        return new MsrpUri(scheme, userinfo, host, port, sessionId, transport, parameters);
    }

    /** Parses a space-separated path header value (To-Path, From-Path, Use-Path) or an SDP a=path value. */
    public static List<MsrpUri> parsePath(String value) {
        PathCache cache = PathCache.current();
        List<MsrpUri> path = cache.get(value);
        if (path == null) {
            path = parsePathUncached(value);
            cache.put(value, path);
        }
        return path;
    }

    private static List<MsrpUri> parsePathUncached(String value) {
        String v = value.trim();
        if (v.isEmpty()) {
            throw new IllegalArgumentException("empty path");
        }
        List<MsrpUri> uris = new ArrayList<>();
        int i = 0;
        while (i < v.length()) {
            int end = i;
            while (end < v.length() && !isRegexSpace(v.charAt(end))) {
                end++;
            }
            uris.add(parse(v.substring(i, end)));
            i = end;
            while (i < v.length() && isRegexSpace(v.charAt(i))) {
                i++;
            }
        }
        return List.copyOf(uris);
    }

    /** The characters of regex {@code \\s}, which separated path URIs before. */
    private static boolean isRegexSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\u000B' || c == '\f' || c == '\r';
    }

    public static String formatPath(List<MsrpUri> path) {
        StringBuilder sb = new StringBuilder();
        for (MsrpUri uri : path) {
            if (sb.length() > 0) {
                sb.append(' ');
            }
            sb.append(uri.format());
        }
        return sb.toString();
    }

    private static boolean validSessionId(String id) {
        if (id.isEmpty()) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            // unreserved / "+" / "=" / "/" (RFC 4975 section 9), plus pct-encoded
            if (!(isAlphanum(c) || "-._~+=/%".indexOf(c) >= 0)) {
                return false;
            }
        }
        return true;
    }

    private static boolean validHost(String host) {
        if (host.isEmpty()) {
            return false;
        }
        if (host.startsWith("[")) {
            return host.endsWith("]") && host.length() > 2;
        }
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            if (!(isAlphanum(c) || c == '-' || c == '.' || c == '_' || c == '~' || c == '%')) {
                return false;
            }
        }
        return true;
    }

    private static boolean isAlphanum(int c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    public String scheme() {
        return scheme;
    }

    public boolean secure() {
        return scheme.equals("msrps");
    }

    public String userinfo() {
        return userinfo;
    }

    /** The host as written, IPv6 literals keep their brackets. */
    public String host() {
        return host;
    }

    /** The host without IPv6 brackets, for socket addresses. */
    public String socketHost() {
        return host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    }

    /** The port, or -1 when absent. */
    public int port() {
        return port;
    }

    /** The session-id, or null when the URI has none. */
    public String sessionId() {
        return sessionId;
    }

    public String transport() {
        return transport;
    }

    public List<String> parameters() {
        return parameters;
    }

    /** {@code host:port}, lower-cased, identifying a connection target (RFC 4975 section 5.4 reuse). */
    public String authorityKey() {
        return scheme + "://" + host.toLowerCase(Locale.ROOT) + ":" + port;
    }

    public String format() {
        String f = formatted; // racy single-check: every thread computes the same immutable String
        if (f == null) {
            f = formatUncached();
            formatted = f;
        }
        return f;
    }

    private String formatUncached() {
        StringBuilder sb = new StringBuilder(scheme).append("://");
        if (userinfo != null) {
            sb.append(userinfo).append('@');
        }
        sb.append(host);
        if (port >= 0) {
            sb.append(':').append(port);
        }
        if (sessionId != null) {
            sb.append('/').append(sessionId);
        }
        sb.append(';').append(transport);
        for (String p : parameters) {
            sb.append(';').append(p);
        }
        return sb.toString();
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof MsrpUri other)) {
            return false;
        }
        return scheme.equals(other.scheme) && host.equalsIgnoreCase(other.host) && port == other.port
                && Objects.equals(sessionId, other.sessionId) && transport.equalsIgnoreCase(other.transport);
    }

    @Override
    public int hashCode() {
        return Objects.hash(scheme, host.toLowerCase(Locale.ROOT), port, sessionId,
                transport.toLowerCase(Locale.ROOT));
    }

    @Override
    public String toString() {
        return format();
    }
}
