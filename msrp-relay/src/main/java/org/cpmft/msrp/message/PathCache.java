package org.cpmft.msrp.message;

import java.util.List;

/**
 * Recently parsed To-Path / From-Path values of the current thread. Every chunk of a session carries the
 * same path header text, and a frame's paths are read several times (validation, routing, responses),
 * so most lookups hit. Direct-mapped and per thread: no locks, bounded size, and a value is only reused
 * for an equal header text. Parsed paths are immutable, so sharing them between frames is safe.
 */
final class PathCache {
    private static final int SIZE = 64; // power of two
    private static final ThreadLocal<PathCache> CACHE = ThreadLocal.withInitial(PathCache::new);

    private final String[] texts = new String[SIZE];
    @SuppressWarnings("unchecked")
    private final List<MsrpUri>[] paths = new List[SIZE];

    static PathCache current() {
        return CACHE.get();
    }

    List<MsrpUri> get(String text) {
        int i = slot(text);
        String cached = texts[i];
        return cached != null && (cached == text || cached.equals(text)) ? paths[i] : null;
    }

    void put(String text, List<MsrpUri> path) {
        int i = slot(text);
        texts[i] = text;
        paths[i] = path;
    }

    private static int slot(String text) {
        int h = text.hashCode();
        return (h ^ (h >>> 16)) & (SIZE - 1);
    }
}
