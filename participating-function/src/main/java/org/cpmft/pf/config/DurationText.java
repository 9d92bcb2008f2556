package org.cpmft.pf.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as written in the config: one or more number+unit parts ({@code 500ms}, {@code 30s},
 * {@code 5m}, {@code 1h30m}, {@code 7d}; units ms, s, m, h, d) or ISO-8601 ({@code PT30S},
 * {@code P7D}). A bare number is refused because its unit would be a guess.
 */
public final class DurationText {

    private static final Pattern WHOLE = Pattern.compile("(?:\\d+(?:ms|s|m|h|d))+");
    private static final Pattern PART = Pattern.compile("(\\d+)(ms|s|m|h|d)");

    private DurationText() {
    }

    /** @throws IllegalArgumentException with a short reason when the text is not a duration */
    public static Duration parse(String text) {
        String s = text.strip().toLowerCase(Locale.ROOT);
        if (s.startsWith("p")) {
            try {
                Duration d = Duration.parse(s.toUpperCase(Locale.ROOT));
                if (d.isNegative()) {
                    throw new IllegalArgumentException("'" + text + "' is negative");
                }
                return d;
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("'" + text + "' is not an ISO-8601 duration");
            }
        }
        if (s.matches("\\d+")) {
            throw new IllegalArgumentException("'" + text + "' has no unit (write e.g. " + text.strip() + "s)");
        }
        if (!WHOLE.matcher(s).matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a duration (e.g. 500ms, 30s, 5m, 1h, 7d, PT30S)");
        }
        Duration total = Duration.ZERO;
        Matcher m = PART.matcher(s);
        try {
            while (m.find()) {
                long n = Long.parseLong(m.group(1));
                total = total.plus(switch (m.group(2)) {
                    case "ms" -> Duration.ofMillis(n);
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    case "h" -> Duration.ofHours(n);
                    default -> Duration.ofDays(n);
                });
            }
        } catch (ArithmeticException | NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is too large");
        }
        return total;
    }

    /** The shortest exact form in the same notation ({@code 90s} gives {@code 1m30s}). */
    public static String format(Duration d) {
        if (d.isZero()) {
            return "0s";
        }
        StringBuilder b = new StringBuilder();
        long days = d.toDays();
        Duration rest = d.minusDays(days);
        append(b, days, "d");
        append(b, rest.toHours(), "h");
        append(b, rest.toMinutesPart(), "m");
        append(b, rest.toSecondsPart(), "s");
        append(b, rest.toMillisPart(), "ms");
        return b.toString();
    }

    private static void append(StringBuilder b, long n, String unit) {
        if (n != 0) {
            b.append(n).append(unit);
        }
    }
}
