package org.cpmft.msrp.message;

/** {@code MSRP <tid> <METHOD>} and its headers. */
public final class MsrpRequestHead extends MsrpHead {
    public static final String SEND = "SEND";
    public static final String REPORT = "REPORT";

    private final String method;
    private final boolean hasBody;

    public MsrpRequestHead(String transactionId, String method, MsrpHeaders headers, boolean hasBody) {
        super(transactionId, headers);
        if (method.isEmpty() || !method.chars().allMatch(c -> c >= 'A' && c <= 'Z')) {
            throw new IllegalArgumentException("method must be upper-case letters: " + method);
        }
        this.method = method;
        this.hasBody = hasBody;
    }

    public String method() {
        return method;
    }

    public boolean isSend() {
        return SEND.equals(method);
    }

    public boolean isReport() {
        return REPORT.equals(method);
    }

    @Override
    public boolean hasBody() {
        return hasBody;
    }

    /** A copy for another hop: new transaction id, copied headers. */
    public MsrpRequestHead withTransactionId(String tid) {
        return new MsrpRequestHead(tid, method, headers().copy(), hasBody);
    }

    @Override
    public void validate() {
        super.validate();
        if ((isSend() || isReport()) && messageId() == null) {
            throw new IllegalArgumentException(method + " without Message-ID");
        }
        if (isReport() && status() == null) {
            throw new IllegalArgumentException("REPORT without Status");
        }
        if (hasBody && contentType() == null) {
            throw new IllegalArgumentException("body without Content-Type");
        }
    }

    @Override
    public String toString() {
        return "MSRP " + transactionId() + " " + method + " " + headers() + (hasBody ? " +body" : "");
    }
}
