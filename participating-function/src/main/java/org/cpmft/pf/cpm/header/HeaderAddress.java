package org.cpmft.pf.cpm.header;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A header value of the form {@code [display-name] <uri> *(;param)}, {@code addr-spec *(;param)} or
 * {@code * *(;param)} (Accept-Contact, RFC 3841). Used for Contact, Accept-Contact, P-Served-User
 * and Route values.
 *
 * <p>Per RFC 3261 section 20.10, when the URI is not enclosed in angle brackets every
 * semicolon-separated parameter after it is a header parameter, not a URI parameter.
 *
 * @param displayName display name without quotes, or empty
 * @param uri         the URI (without angle brackets), or {@code "*"}
 * @param bracketed   whether the URI was written in angle brackets
 * @param params      header parameters in order
 */
public record HeaderAddress(String displayName, String uri, boolean bracketed, List<HeaderParam> params) {

    public HeaderAddress {
        params = List.copyOf(params);
    }

    /** Parses one (already comma-split) header value. */
    public static HeaderAddress parse(String value) {
        String v = value.trim();
        if (v.isEmpty()) {
            throw new IllegalArgumentException("empty header value");
        }
        String display = "";
        String uri;
        String rest;
        int lt = indexOfTopLevel(v, '<');
        if (lt >= 0) {
            int gt = v.indexOf('>', lt);
            if (gt < 0) {
                throw new IllegalArgumentException("unterminated '<' in header value: " + value);
            }
            display = HeaderValues.unquote(v.substring(0, lt).trim());
            uri = v.substring(lt + 1, gt).trim();
            rest = v.substring(gt + 1);
        } else {
            int semi = v.indexOf(';');
            uri = semi < 0 ? v : v.substring(0, semi).trim();
            rest = semi < 0 ? "" : v.substring(semi);
        }
        List<HeaderParam> params = new ArrayList<>();
        for (String p : HeaderValues.splitTopLevel(rest, ';')) {
            params.add(HeaderParam.parse(p));
        }
        return new HeaderAddress(display, uri, lt >= 0, params);
    }

    /** Splits a (possibly comma-separated) header line into its values and parses each one. */
    public static List<HeaderAddress> parseList(String headerValue) {
        List<HeaderAddress> out = new ArrayList<>();
        for (String element : HeaderValues.splitTopLevel(headerValue, ',')) {
            out.add(parse(element));
        }
        return out;
    }

    private static int indexOfTopLevel(String s, char wanted) {
        boolean quoted = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quoted) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    quoted = false;
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == wanted) {
                return i;
            }
        }
        return -1;
    }

    public Optional<HeaderParam> param(String name) {
        return params.stream().filter(p -> p.is(name)).findFirst();
    }

    public boolean hasParam(String name) {
        return param(name).isPresent();
    }

    /** URI parameters ({@code ;name[=value]} after the host part, before any {@code ?headers}). */
    public List<HeaderParam> uriParams() {
        String u = uri;
        int q = u.indexOf('?');
        if (q >= 0) {
            u = u.substring(0, q);
        }
        int semi = u.indexOf(';');
        List<HeaderParam> out = new ArrayList<>();
        if (semi < 0) {
            return out;
        }
        for (String p : u.substring(semi + 1).split(";")) {
            if (!p.isBlank()) {
                out.add(HeaderParam.parse(p));
            }
        }
        return out;
    }

    public boolean hasUriParam(String name) {
        return uriParams().stream().anyMatch(p -> p.is(name));
    }
}
