package org.cpmft.msrp.message;

/** The Status header of a REPORT (RFC 4975 section 7.1.2 / 9): {@code namespace SP status-code [SP comment]}. */
public record MsrpStatusHeader(String namespace, int code, String comment) {
    public static final String DEFAULT_NAMESPACE = "000";

    public MsrpStatusHeader {
        if (namespace.length() != 3 || !namespace.chars().allMatch(Character::isDigit)) {
            throw new IllegalArgumentException("Status namespace must be 3 digits: " + namespace);
        }
        if (code < 100 || code > 999) {
            throw new IllegalArgumentException("Status code must be 3 digits: " + code);
        }
    }

    public static MsrpStatusHeader of(int code) {
        return new MsrpStatusHeader(DEFAULT_NAMESPACE, code, MsrpStatus.reason(code));
    }

    public static MsrpStatusHeader parse(String value) {
        String v = value.trim();
        String[] parts = v.split(" ", 3);
        if (parts.length < 2 || parts[1].length() != 3 || !parts[1].chars().allMatch(Character::isDigit)) {
            throw new IllegalArgumentException("Status must be 'namespace code [comment]': " + value);
        }
        return new MsrpStatusHeader(parts[0], Integer.parseInt(parts[1]), parts.length == 3 ? parts[2] : null);
    }

    public String format() {
        return namespace + " " + code + (comment == null || comment.isEmpty() ? "" : " " + comment);
    }
}
