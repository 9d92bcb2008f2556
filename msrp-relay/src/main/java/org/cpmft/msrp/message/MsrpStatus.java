package org.cpmft.msrp.message;

/** Status codes defined by RFC 4975 section 10 and their reason phrases. */
public final class MsrpStatus {
    public static final int OK = 200;
    public static final int BAD_REQUEST = 400;
    public static final int FORBIDDEN = 403;
    public static final int REQUEST_TIMEOUT = 408;
    public static final int STOP_SENDING = 413;
    public static final int UNSUPPORTED_MEDIA_TYPE = 415;
    public static final int PARAMETERS_OUT_OF_BOUNDS = 423;
    public static final int SESSION_DOES_NOT_EXIST = 481;
    public static final int UNKNOWN_METHOD = 501;
    public static final int SESSION_ALREADY_BOUND = 506;

    private MsrpStatus() {
    }

    public static String reason(int code) {
        return switch (code) {
            case OK -> "OK";
            case BAD_REQUEST -> "Bad Request";
            case FORBIDDEN -> "Forbidden";
            case REQUEST_TIMEOUT -> "Request Timeout";
            case STOP_SENDING -> "Stop Sending Message";
            case UNSUPPORTED_MEDIA_TYPE -> "Unsupported Media Type";
            case PARAMETERS_OUT_OF_BOUNDS -> "Parameters Out Of Bounds";
            case SESSION_DOES_NOT_EXIST -> "Session Does Not Exist";
            case UNKNOWN_METHOD -> "Unknown Method";
            case SESSION_ALREADY_BOUND -> "Session Already Bound";
            default -> "Status " + code;
        };
    }

    public static boolean isSuccess(int code) {
        return code >= 200 && code < 300;
    }
}
