package org.cpmft.msrp.message;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Header fields of one MSRP frame in wire order. Names compare case-insensitively; unknown headers
 * are kept untouched and in place so a relay forwards them as received.
 */
public final class MsrpHeaders implements Iterable<Map.Entry<String, String>> {
    private final List<Map.Entry<String, String>> entries;

    public MsrpHeaders() {
        this.entries = new ArrayList<>();
    }

    private MsrpHeaders(List<Map.Entry<String, String>> entries) {
        this.entries = new ArrayList<>(entries);
    }

    public MsrpHeaders copy() {
        return new MsrpHeaders(entries);
    }

    /** Appends a header after the existing ones. */
    public MsrpHeaders add(String name, String value) {
        entries.add(Map.entry(name, value));
        return this;
    }

    /** Replaces the first header of this name in place (dropping later duplicates), or appends it. */
    public MsrpHeaders set(String name, String value) {
        int first = -1;
        for (int i = 0; i < entries.size(); i++) {
            if (entries.get(i).getKey().equalsIgnoreCase(name)) {
                if (first < 0) {
                    first = i;
                    entries.set(i, Map.entry(entries.get(i).getKey(), value));
                } else {
                    entries.remove(i--);
                }
            }
        }
        if (first < 0) {
            entries.add(Map.entry(name, value));
        }
        return this;
    }

    public boolean remove(String name) {
        return entries.removeIf(e -> e.getKey().equalsIgnoreCase(name));
    }

    /** @return the first value of {@code name}, or null */
    public String get(String name) {
        for (Map.Entry<String, String> e : entries) {
            if (e.getKey().equalsIgnoreCase(name)) {
                return e.getValue();
            }
        }
        return null;
    }

    public List<String> getAll(String name) {
        List<String> values = new ArrayList<>();
        for (Map.Entry<String, String> e : entries) {
            if (e.getKey().equalsIgnoreCase(name)) {
                values.add(e.getValue());
            }
        }
        return values;
    }

    public boolean contains(String name) {
        return get(name) != null;
    }

    public int size() {
        return entries.size();
    }

    /** Name of the {@code index}-th header in wire order (no copy, for encoders). */
    public String name(int index) {
        return entries.get(index).getKey();
    }

    /** Value of the {@code index}-th header in wire order. */
    public String value(int index) {
        return entries.get(index).getValue();
    }

    public List<Map.Entry<String, String>> entries() {
        return List.copyOf(entries);
    }

    @Override
    public Iterator<Map.Entry<String, String>> iterator() {
        return entries().iterator();
    }

    @Override
    public String toString() {
        return entries.toString();
    }
}
