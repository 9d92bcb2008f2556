package org.cpmft.msrp.message;

import java.util.List;

/**
 * Start line and header section of one MSRP frame (RFC 4975 section 7). The decoder emits a head, then
 * zero or more {@link MsrpContent} pieces, then exactly one {@link LastMsrpContent}.
 */
public abstract sealed class MsrpHead implements MsrpObject permits MsrpRequestHead, MsrpResponseHead {
    private final String transactionId;
    private final MsrpHeaders headers;

    protected MsrpHead(String transactionId, MsrpHeaders headers) {
        if (!TransactionIds.isValid(transactionId)) {
            throw new IllegalArgumentException("bad transaction id: " + transactionId);
        }
        this.transactionId = transactionId;
        this.headers = headers;
    }

    public String transactionId() {
        return transactionId;
    }

    /** The mutable header list, in wire order. */
    public MsrpHeaders headers() {
        return headers;
    }

    /** Whether a body section (blank line, data) follows the headers. */
    public abstract boolean hasBody();

    public List<MsrpUri> toPath() {
        return path(MsrpHeaderNames.TO_PATH);
    }

    public List<MsrpUri> fromPath() {
        return path(MsrpHeaderNames.FROM_PATH);
    }

    private List<MsrpUri> path(String name) {
        String v = headers.get(name);
        return v == null ? List.of() : MsrpUri.parsePath(v);
    }

    public String messageId() {
        return headers.get(MsrpHeaderNames.MESSAGE_ID);
    }

    /** @return the Byte-Range, or null when absent (RFC 4975 section 7.1.1: then the chunk is the whole message) */
    public ByteRange byteRange() {
        String v = headers.get(MsrpHeaderNames.BYTE_RANGE);
        return v == null ? null : ByteRange.parse(v);
    }

    /** Success-Report, absent means no (RFC 4975 section 7.1.2). */
    public boolean successReport() {
        String v = headers.get(MsrpHeaderNames.SUCCESS_REPORT);
        if (v == null) {
            return false;
        }
        return switch (v.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "yes" -> true;
            case "no" -> false;
            default -> throw new IllegalArgumentException("Success-Report must be yes or no: " + v);
        };
    }

    public FailureReport failureReport() {
        String v = headers.get(MsrpHeaderNames.FAILURE_REPORT);
        return v == null ? FailureReport.YES : FailureReport.parse(v);
    }

    /** @return the Status header, or null */
    public MsrpStatusHeader status() {
        String v = headers.get(MsrpHeaderNames.STATUS);
        return v == null ? null : MsrpStatusHeader.parse(v);
    }

    public String contentType() {
        return headers.get(MsrpHeaderNames.CONTENT_TYPE);
    }

    /** Checks the syntax of every header this module interprets; throws IllegalArgumentException. */
    public void validate() {
        if (toPath().isEmpty() || fromPath().isEmpty()) {
            throw new IllegalArgumentException("To-Path and From-Path are mandatory");
        }
        byteRange();
        successReport();
        failureReport();
        status();
        String usePath = headers.get(MsrpHeaderNames.USE_PATH);
        if (usePath != null) {
            MsrpUri.parsePath(usePath);
        }
        String expires = headers.get(MsrpHeaderNames.EXPIRES);
        if (expires != null && (expires.isBlank() || !expires.trim().chars().allMatch(Character::isDigit))) {
            throw new IllegalArgumentException("Expires must be digits: " + expires);
        }
    }
}
