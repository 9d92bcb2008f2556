package org.cpmft.pf.ops;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Map;

/** The outcome of all health checks: UP only when every check is UP. */
public record HealthReport(Health.Status status, Map<String, Health> checks) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public HealthReport {
        checks = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(checks));
    }

    static HealthReport of(Map<String, Health> checks) {
        boolean up = checks.values().stream().allMatch(Health::isUp);
        return new HealthReport(up ? Health.Status.UP : Health.Status.DOWN, checks);
    }

    public boolean isUp() {
        return status == Health.Status.UP;
    }

    /** 200 when UP, 503 when DOWN, so load balancers and Kubernetes probes act on the code alone. */
    public int httpStatus() {
        return isUp() ? 200 : 503;
    }

    /** {@code {"status":"UP"|"DOWN","checks":{name:{"status":..., details...}}}}. */
    public String toJson() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", status.name());
        Map<String, Object> byName = new LinkedHashMap<>();
        checks.forEach((name, health) -> byName.put(name, health.asJson()));
        body.put("checks", byName);
        try {
            return JSON.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            // A detail that Jackson cannot write is a programming error in the check.
            throw new IllegalStateException("health details not serialisable: " + e.getOriginalMessage(), e);
        }
    }
}
