package org.cpmft.pf.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HealthReportTest {

    @Test
    void jsonHasTheStatusAndEveryCheckWithItsDetails() {
        Map<String, Health> checks = new LinkedHashMap<>();
        checks.put("msrp", Health.up(Map.of("sessions", 2, "listening", "127.0.0.1:2855")));
        checks.put("store", Health.down("connection refused"));

        HealthReport report = HealthReport.of(checks);

        assertThat(report.isUp()).isFalse();
        assertThat(report.httpStatus()).isEqualTo(503);
        assertThat(report.toJson()).isEqualTo("{\"status\":\"DOWN\",\"checks\":{"
                + "\"msrp\":{\"status\":\"UP\",\"listening\":\"127.0.0.1:2855\",\"sessions\":2},"
                + "\"store\":{\"status\":\"DOWN\",\"error\":\"connection refused\"}}}");
    }

    @Test
    void allUpIsUp() {
        HealthReport report = HealthReport.of(Map.of("a", Health.up(), "b", Health.up()));
        assertThat(report.isUp()).isTrue();
        assertThat(report.httpStatus()).isEqualTo(200);
    }

    @Test
    void statusIsNotADetail() {
        assertThatThrownBy(() -> Health.up(Map.of("status", "fine"))).isInstanceOf(IllegalArgumentException.class);
    }
}
