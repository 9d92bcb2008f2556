package org.cpmft.pf.cpm.sdp;

import org.cpmft.pf.cpm.header.Warning;

/**
 * One reason an SDP offer is not acceptable, worded for a Warning header of a 488 response.
 *
 * @param mediaIndex 0-based index of the m-line concerned, or -1 for the whole session
 * @param code       the kind of problem
 * @param detail     specifics (e.g. the offending value); may be empty
 */
public record SdpProblem(int mediaIndex, Code code, String detail) {

    /** Kinds of problems, with the rule each one enforces. */
    public enum Code {
        MALFORMED_SDP("Malformed SDP (RFC 4566)"),
        NO_MEDIA("No m-line in offer"),
        NO_FILE_TRANSFER_STREAM("No file transfer stream in offer (RFC 5547)"),
        MISSING_FILE_SELECTOR("Missing a=file-selector (RFC 5547 section 6)"),
        EMPTY_FILE_SELECTOR("a=file-selector describes no file (RFC 5547 section 6)"),
        BAD_FILE_SELECTOR("Malformed a=file-selector (RFC 5547 section 6)"),
        BAD_SIZE("Bad file-selector size (RFC 5547 section 6)"),
        BAD_HASH("Bad file-selector hash (RFC 5547 section 6)"),
        MISSING_FILE_TRANSFER_ID("Missing a=file-transfer-id (RFC 5547 section 6)"),
        BAD_FILE_TRANSFER_ID("Malformed a=file-transfer-id (RFC 5547 section 6)"),
        DUPLICATE_FILE_TRANSFER_ID("Same file-transfer-id on two streams (RFC 5547 section 6)"),
        BAD_FILE_DISPOSITION("Malformed a=file-disposition (RFC 5547 section 6)"),
        BAD_FILE_DATE("Malformed a=file-date (RFC 5547 section 6)"),
        BAD_FILE_ICON("a=file-icon is not a cid: URL (RFC 5547 section 6)"),
        BAD_FILE_RANGE("Bad a=file-range (RFC 5547 section 6)"),
        BAD_DIRECTION("File transfer stream must be sendonly or recvonly (RFC 5547 section 8)"),
        CONFLICTING_DIRECTION("More than one direction attribute (RFC 4566 section 6)"),
        MISSING_PATH("Missing a=path (RFC 4975 section 8.2)"),
        BAD_PATH("Bad MSRP URI in a=path (RFC 4975 section 9)"),
        BAD_MAX_SIZE("Bad a=max-size (RFC 4975 section 8.6)"),
        BAD_SETUP("Bad a=setup (RFC 4145 section 4)"),
        BAD_ACCEPT_TYPES("Missing or bad a=accept-types (RFC 4975 section 8.6)"),
        MEDIA_COUNT_MISMATCH("Answer and offer differ in number of m-lines (RFC 3264 section 6)"),
        ANSWER_REOPENS_STREAM("Answer accepts a stream the offer closed (RFC 3264 section 6)"),
        FEWER_MEDIA_IN_REOFFER("New offer has fewer m-lines than the session (RFC 3264 section 8)"),
        WRONG_ANSWER_DIRECTION("Answer direction does not match the offer (RFC 3264 section 6.1)"),
        FILE_TRANSFER_ID_MISMATCH("file-transfer-id differs from the offer (RFC 5547 section 8)"),
        FILE_SELECTOR_MISMATCH("file-selector differs from the offer (RFC 5547 section 8)");

        private final String text;

        Code(String text) {
            this.text = text;
        }

        public String text() {
            return text;
        }

        /**
         * Whether this problem in an SDP answer leaves the relay unable to carry an accepted stream
         * (no usable path, or m-lines that cannot be paired with the offer). The other answer
         * problems describe departures from RFC 5547 the file still flows through.
         */
        public boolean blocksRelay() {
            return this == MEDIA_COUNT_MISMATCH || this == MISSING_PATH || this == BAD_PATH
                    || this == ANSWER_REOPENS_STREAM;
        }
    }

    public SdpProblem {
        detail = detail == null ? "" : detail;
    }

    /** Human-readable one line: {@code "m-line 1: Missing a=file-selector (RFC 5547 section 6)"}. */
    public String message() {
        String where = mediaIndex < 0 ? "" : "m-line " + (mediaIndex + 1) + ": ";
        return where + code.text() + (detail.isEmpty() ? "" : ": " + abbreviate(detail));
    }

    /** {@code 399 <agent> "<message>"} for the 488 response. */
    public Warning warning(String agent) {
        return Warning.miscellaneous(agent, message());
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }
}
