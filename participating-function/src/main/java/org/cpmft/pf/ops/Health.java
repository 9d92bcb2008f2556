package org.cpmft.pf.ops;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The result of one health check: UP or DOWN plus details shown next to the status in the
 * /health document (e.g. {@code "activeSessions": 12} or {@code "error": "connection refused"}).
 */
public record Health(Status status, Map<String, Object> details) {

    public enum Status { UP, DOWN }

    public Health {
        Objects.requireNonNull(status, "status");
        details = Map.copyOf(details);
        if (details.containsKey("status")) {
            throw new IllegalArgumentException("'status' is reserved and cannot be a detail");
        }
    }

    public static Health up() {
        return new Health(Status.UP, Map.of());
    }

    public static Health up(Map<String, Object> details) {
        return new Health(Status.UP, details);
    }

    public static Health down(String reason) {
        return new Health(Status.DOWN, Map.of("error", reason == null ? "unknown" : reason));
    }

    public static Health down(Map<String, Object> details) {
        return new Health(Status.DOWN, details);
    }

    public boolean isUp() {
        return status == Status.UP;
    }

    /** The JSON object for this check: the status first, then the details in key order. */
    Map<String, Object> asJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("status", status.name());
        details.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> json.put(e.getKey(), e.getValue()));
        return json;
    }
}
