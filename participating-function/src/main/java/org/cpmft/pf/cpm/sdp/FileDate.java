package org.cpmft.pf.cpm.sdp;

import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * {@code a=file-date} (RFC 5547 section 6): up to three quoted RFC 5322 date-times,
 * {@code creation:"..." modification:"..." read:"..."}.
 */
public record FileDate(Optional<String> creation, Optional<String> modification, Optional<String> read) {

    public static FileDate parse(String text) {
        String creation = null;
        String modification = null;
        String read = null;
        String t = text == null ? "" : text.trim();
        int i = 0;
        if (t.isEmpty()) {
            throw new SdpSyntaxException(SdpProblem.Code.BAD_FILE_DATE, "empty file-date");
        }
        while (i < t.length()) {
            int colon = t.indexOf(':', i);
            if (colon < 0 || colon + 1 >= t.length() || t.charAt(colon + 1) != '"') {
                throw new SdpSyntaxException(SdpProblem.Code.BAD_FILE_DATE, "bad file-date: " + text);
            }
            String kind = t.substring(i, colon).toLowerCase(Locale.ROOT);
            int close = t.indexOf('"', colon + 2);
            if (close < 0) {
                throw new SdpSyntaxException(SdpProblem.Code.BAD_FILE_DATE, "unterminated date in file-date: " + text);
            }
            String date = t.substring(colon + 2, close);
            parseDate(date);
            switch (kind) {
                case "creation" -> creation = once(creation, date, kind);
                case "modification" -> modification = once(modification, date, kind);
                case "read" -> read = once(read, date, kind);
                default -> throw new SdpSyntaxException(SdpProblem.Code.BAD_FILE_DATE, "unknown date kind: " + kind);
            }
            i = close + 1;
            while (i < t.length() && t.charAt(i) == ' ') {
                i++;
            }
        }
        return new FileDate(Optional.ofNullable(creation), Optional.ofNullable(modification), Optional.ofNullable(read));
    }

    private static String once(String previous, String value, String kind) {
        if (previous != null) {
            throw new SdpSyntaxException(SdpProblem.Code.BAD_FILE_DATE, "repeated " + kind + " date");
        }
        return value;
    }

    /** Parses an RFC 5322 date-time (numeric zone, day of week optional). */
    public static OffsetDateTime parseDate(String date) {
        try {
            return ZonedDateTime.parse(date.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toOffsetDateTime();
        } catch (DateTimeParseException e) {
            throw new SdpSyntaxException(SdpProblem.Code.BAD_FILE_DATE, "bad date-time: " + date);
        }
    }

    public Optional<OffsetDateTime> creationTime() {
        return creation.map(FileDate::parseDate);
    }

    public Optional<OffsetDateTime> modificationTime() {
        return modification.map(FileDate::parseDate);
    }

    public Optional<OffsetDateTime> readTime() {
        return read.map(FileDate::parseDate);
    }

    public String format() {
        List<String> parts = new ArrayList<>();
        creation.ifPresent(d -> parts.add("creation:\"" + d + "\""));
        modification.ifPresent(d -> parts.add("modification:\"" + d + "\""));
        read.ifPresent(d -> parts.add("read:\"" + d + "\""));
        return String.join(" ", parts);
    }
}
