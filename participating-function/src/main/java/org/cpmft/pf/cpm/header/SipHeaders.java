package org.cpmft.pf.cpm.header;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * An immutable, case-insensitive multimap of SIP header values as the servlet hands them over.
 * Compact header names (RFC 3261 section 7.3.3 and later RFCs) are folded into the full names, so
 * {@code m} and {@code Contact} are the same header.
 */
public final class SipHeaders {

    private static final Map<String, String> COMPACT = Map.ofEntries(
            Map.entry("a", "accept-contact"),
            Map.entry("b", "referred-by"),
            Map.entry("c", "content-type"),
            Map.entry("d", "request-disposition"),
            Map.entry("e", "content-encoding"),
            Map.entry("f", "from"),
            Map.entry("i", "call-id"),
            Map.entry("j", "reject-contact"),
            Map.entry("k", "supported"),
            Map.entry("l", "content-length"),
            Map.entry("m", "contact"),
            Map.entry("o", "event"),
            Map.entry("r", "refer-to"),
            Map.entry("s", "subject"),
            Map.entry("t", "to"),
            Map.entry("u", "allow-events"),
            Map.entry("v", "via"),
            Map.entry("x", "session-expires"));

    private static final SipHeaders EMPTY = new SipHeaders(Map.of());

    private final Map<String, List<String>> values;

    private SipHeaders(Map<String, List<String>> values) {
        this.values = values;
    }

    public static SipHeaders empty() {
        return EMPTY;
    }

    /** Copies a header map (any key case, compact or full names); the order of values is kept. */
    public static SipHeaders of(Map<String, ? extends Collection<String>> headers) {
        Map<String, List<String>> copy = new LinkedHashMap<>();
        headers.forEach((name, vals) -> {
            if (vals != null) {
                copy.computeIfAbsent(key(name), k -> new ArrayList<>()).addAll(vals);
            }
        });
        copy.replaceAll((k, v) -> List.copyOf(v));
        return new SipHeaders(Collections.unmodifiableMap(copy));
    }

    /** Convenience for tests and adapters: alternating name, value, name, value... */
    public static SipHeaders of(String... namesAndValues) {
        if (namesAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("names and values must come in pairs");
        }
        Map<String, List<String>> map = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            map.computeIfAbsent(namesAndValues[i], k -> new ArrayList<>()).add(namesAndValues[i + 1]);
        }
        return of(map);
    }

    /** A copy with one more value appended to {@code name}. */
    public SipHeaders with(String name, String value) {
        Map<String, List<String>> copy = new LinkedHashMap<>(values);
        List<String> list = new ArrayList<>(copy.getOrDefault(key(name), List.of()));
        list.add(value);
        copy.put(key(name), list);
        return of(copy);
    }

    private static String key(String name) {
        String lower = name.trim().toLowerCase(Locale.ROOT);
        return COMPACT.getOrDefault(lower, lower);
    }

    /** Every header line's value for {@code name}, in order (not comma-split). */
    public List<String> values(String name) {
        return values.getOrDefault(key(name), List.of());
    }

    /** Every element of a list header ({@code #element} grammar): header lines split at top-level commas. */
    public List<String> elements(String name) {
        List<String> out = new ArrayList<>();
        for (String v : values(name)) {
            out.addAll(HeaderValues.splitTopLevel(v, ','));
        }
        return out;
    }

    public Optional<String> first(String name) {
        List<String> v = values(name);
        return v.isEmpty() ? Optional.empty() : Optional.of(v.get(0));
    }

    public boolean contains(String name) {
        return !values(name).isEmpty();
    }

    /** The header names present (lower-case, compact forms expanded). */
    public Collection<String> names() {
        return values.keySet();
    }

    @Override
    public String toString() {
        return values.toString();
    }
}
