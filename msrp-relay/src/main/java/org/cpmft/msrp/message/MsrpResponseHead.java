package org.cpmft.msrp.message;

/** {@code MSRP <tid> <code> [comment]} and its headers; responses never carry a body (RFC 4975 section 9). */
public final class MsrpResponseHead extends MsrpHead {
    private final int statusCode;
    private final String comment;

    public MsrpResponseHead(String transactionId, int statusCode, String comment, MsrpHeaders headers) {
        super(transactionId, headers);
        if (statusCode < 100 || statusCode > 999) {
            throw new IllegalArgumentException("status code must be 3 digits: " + statusCode);
        }
        this.statusCode = statusCode;
        this.comment = comment;
    }

    /** A response to {@code request} per RFC 4975 section 7.2: To-Path is the request's From-Path. */
    public static MsrpResponseHead answer(MsrpRequestHead request, int statusCode, MsrpUri responder) {
        return answer(request.transactionId(), request.headers().get(MsrpHeaderNames.FROM_PATH), statusCode,
                responder);
    }

    public static MsrpResponseHead answer(String tid, String requestFromPath, int statusCode, MsrpUri responder) {
        MsrpHeaders h = new MsrpHeaders()
                .add(MsrpHeaderNames.TO_PATH, requestFromPath)
                .add(MsrpHeaderNames.FROM_PATH, responder.format());
        return new MsrpResponseHead(tid, statusCode, MsrpStatus.reason(statusCode), h);
    }

    public int statusCode() {
        return statusCode;
    }

    /** @return the comment after the status code, or null */
    public String comment() {
        return comment;
    }

    public boolean isSuccess() {
        return MsrpStatus.isSuccess(statusCode);
    }

    @Override
    public boolean hasBody() {
        return false;
    }

    @Override
    public String toString() {
        return "MSRP " + transactionId() + " " + statusCode + " " + headers();
    }
}
