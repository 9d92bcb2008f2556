package org.cpmft.msrp.message;

/** Header names of RFC 4975 section 9 (matching is case-insensitive). */
public final class MsrpHeaderNames {
    public static final String TO_PATH = "To-Path";
    public static final String FROM_PATH = "From-Path";
    public static final String MESSAGE_ID = "Message-ID";
    public static final String BYTE_RANGE = "Byte-Range";
    public static final String SUCCESS_REPORT = "Success-Report";
    public static final String FAILURE_REPORT = "Failure-Report";
    public static final String STATUS = "Status";
    public static final String CONTENT_TYPE = "Content-Type";
    public static final String USE_PATH = "Use-Path";
    public static final String EXPIRES = "Expires";

    private MsrpHeaderNames() {
    }
}
