package org.cpmft.pf.config;

import java.time.Duration;
import java.util.Objects;

/** Range checks shared by the config records; each failure names the key. */
final class Check {

    private Check() {
    }

    static <T> T present(String key, T value) {
        if (value == null) {
            throw new ConfigException(key, "must be set");
        }
        return value;
    }

    static int port(String key, int port) {
        if (port < 1 || port > 65535) {
            throw new ConfigException(key, port + " is not a port (1-65535)");
        }
        return port;
    }

    static String host(String key, String host) {
        if (!Hosts.isValid(present(key, host))) {
            throw new ConfigException(key, "'" + host + "' is not a host name or IP address");
        }
        return host;
    }

    static long atLeast(String key, long value, long min) {
        if (value < min) {
            throw new ConfigException(key, value + " is below the minimum " + min);
        }
        return value;
    }

    static int intRange(String key, long value, int min, int max) {
        if (value < min || value > max) {
            throw new ConfigException(key, value + " is outside " + min + "-" + max);
        }
        return (int) value;
    }

    static Duration positive(String key, Duration d) {
        Objects.requireNonNull(d, key);
        if (d.isZero() || d.isNegative()) {
            throw new ConfigException(key, "must be longer than zero");
        }
        return d;
    }

    /** Refuses CR, LF and other controls, which would let a value break out of a SIP header. */
    static String headerText(String key, String value) {
        if (present(key, value).isBlank()) {
            throw new ConfigException(key, "must not be empty");
        }
        if (value.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw new ConfigException(key, "must not contain control characters");
        }
        return value;
    }
}
