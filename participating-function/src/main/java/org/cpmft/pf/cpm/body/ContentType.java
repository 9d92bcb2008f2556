package org.cpmft.pf.cpm.body;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

import org.cpmft.pf.cpm.header.HeaderParam;
import org.cpmft.pf.cpm.header.HeaderValues;

/**
 * A Content-Type value (RFC 2045 section 5.1): {@code type/subtype *(; parameter)}, parameter values
 * being tokens or quoted-strings. Type, subtype and parameter names are case-insensitive.
 */
public record ContentType(String type, String subtype, List<HeaderParam> params) {

    public static final String SDP = "application/sdp";
    public static final String MULTIPART_MIXED = "multipart/mixed";
    public static final String RESOURCE_LISTS = "application/resource-lists+xml";

    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9!#$%&'*+.^_`|~-]+");

    public ContentType {
        params = List.copyOf(params);
    }

    public static ContentType parse(String value) {
        if (value == null || value.isBlank()) {
            throw new BodyException("empty Content-Type");
        }
        List<String> pieces = HeaderValues.splitTopLevel(value, ';');
        if (pieces.isEmpty()) {
            throw new BodyException("empty Content-Type");
        }
        String mime = pieces.get(0);
        int slash = mime.indexOf('/');
        if (slash <= 0 || slash == mime.length() - 1) {
            throw new BodyException("bad Content-Type: " + value);
        }
        String type = mime.substring(0, slash).trim();
        String subtype = mime.substring(slash + 1).trim();
        if (!TOKEN.matcher(type).matches() || !TOKEN.matcher(subtype).matches()) {
            throw new BodyException("bad Content-Type: " + value);
        }
        List<HeaderParam> params = new ArrayList<>();
        for (String p : pieces.subList(1, pieces.size())) {
            HeaderParam hp = HeaderParam.parse(p);
            if (!hp.hasValue()) {
                throw new BodyException("Content-Type parameter without value: " + p);
            }
            params.add(hp);
        }
        return new ContentType(type, subtype, params);
    }

    /** {@code type/subtype} in lower case. */
    public String mimeType() {
        return (type + "/" + subtype).toLowerCase(Locale.ROOT);
    }

    public boolean is(String mimeType) {
        return mimeType().equalsIgnoreCase(mimeType);
    }

    public boolean isMultipart() {
        return type.equalsIgnoreCase("multipart");
    }

    /** A parameter's value, unquoted. */
    public Optional<String> param(String name) {
        return params.stream().filter(p -> p.is(name)).findFirst().map(HeaderParam::value);
    }

    public String format() {
        StringBuilder sb = new StringBuilder(type).append('/').append(subtype);
        params.forEach(p -> sb.append(';').append(p));
        return sb.toString();
    }
}
