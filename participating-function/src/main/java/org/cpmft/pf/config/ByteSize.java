package org.cpmft.pf.config;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sizes as written in the config: a whole number of bytes, optionally followed by a unit.
 * Units are case-insensitive; SI units are powers of 1000 ({@code kB}, {@code MB}, {@code GB}),
 * IEC units powers of 1024 ({@code KiB}, {@code MiB}, {@code GiB}); {@code B} or no unit is bytes.
 */
public final class ByteSize {

    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*([a-z]*)");

    private ByteSize() {
    }

    /** @throws IllegalArgumentException with a short reason when the text is not a size */
    public static long parse(String text) {
        Matcher m = SIZE.matcher(text.strip().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a size (e.g. 10240, 10kB, 100MiB)");
        }
        long unit = switch (m.group(2)) {
            case "", "b" -> 1L;
            case "kb" -> 1000L;
            case "mb" -> 1000_000L;
            case "gb" -> 1000_000_000L;
            case "kib" -> 1L << 10;
            case "mib" -> 1L << 20;
            case "gib" -> 1L << 30;
            default -> throw new IllegalArgumentException(
                    "'" + text + "' has an unknown unit '" + m.group(2) + "' (B, kB, MB, GB, KiB, MiB, GiB)");
        };
        try {
            return Math.multiplyExact(Long.parseLong(m.group(1)), unit);
        } catch (ArithmeticException | NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is too large");
        }
    }

    /** The largest exact IEC unit, else bytes ({@code 104857600} gives {@code 100MiB}). */
    public static String format(long bytes) {
        for (String unit : new String[] {"GiB", "MiB", "KiB"}) {
            long factor = switch (unit) {
                case "GiB" -> 1L << 30;
                case "MiB" -> 1L << 20;
                default -> 1L << 10;
            };
            if (bytes != 0 && bytes % factor == 0) {
                return bytes / factor + unit;
            }
        }
        return Long.toString(bytes);
    }
}
