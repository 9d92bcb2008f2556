package org.cpmft.pf.cpm.sdp;

import java.util.OptionalLong;

/**
 * {@code a=file-range:<start>-<stop>} (RFC 5547 section 6): the octets of the file the transfer
 * covers, 1-based and inclusive like MSRP Byte-Range; {@code *} as stop means "to the end". Used to
 * resume an interrupted transfer (RFC 5547 section 9, OMA CPM 7.4.5).
 *
 * @param start first octet, at least 1
 * @param stop  last octet (at least {@code start}), empty for {@code *}
 */
public record FileRange(long start, OptionalLong stop) {

    public FileRange {
        if (start < 1) {
            throw new SdpSyntaxException(SdpProblem.Code.BAD_FILE_RANGE, "start offset must be >= 1: " + start);
        }
        if (stop.isPresent() && stop.getAsLong() < start) {
            throw new SdpSyntaxException(SdpProblem.Code.BAD_FILE_RANGE,
                    "stop offset " + stop.getAsLong() + " before start offset " + start);
        }
    }

    public static FileRange parse(String text) {
        String t = text == null ? "" : text.trim();
        int dash = t.indexOf('-');
        if (dash <= 0 || dash == t.length() - 1) {
            throw new SdpSyntaxException(SdpProblem.Code.BAD_FILE_RANGE, "bad file-range: " + text);
        }
        long start = digits(t.substring(0, dash), text);
        String stopText = t.substring(dash + 1);
        OptionalLong stop = stopText.equals("*") ? OptionalLong.empty() : OptionalLong.of(digits(stopText, text));
        return new FileRange(start, stop);
    }

    private static long digits(String s, String whole) {
        if (s.isEmpty() || s.length() > 18 || !s.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new SdpSyntaxException(SdpProblem.Code.BAD_FILE_RANGE, "bad file-range: " + whole);
        }
        return Long.parseLong(s);
    }

    /** The range that resumes a file of which {@code octetsHeld} first octets were already delivered. */
    public static FileRange resumingAfter(long octetsHeld) {
        return new FileRange(octetsHeld + 1, OptionalLong.empty());
    }

    /** Number of octets covered, when bounded. */
    public OptionalLong length() {
        return stop.isPresent() ? OptionalLong.of(stop.getAsLong() - start + 1) : OptionalLong.empty();
    }

    public String format() {
        return start + "-" + (stop.isPresent() ? Long.toString(stop.getAsLong()) : "*");
    }
}
