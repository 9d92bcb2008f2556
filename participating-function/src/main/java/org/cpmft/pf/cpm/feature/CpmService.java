package org.cpmft.pf.cpm.feature;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;

/**
 * The OMA CPM communication services, identified by their IMS Communication Service Identifiers
 * (ICSI, 3GPP TS 24.229 section 7.2A.8). The file transfer service is the one this PF serves; the
 * session (chat) service is recognised so chat can be told apart from file transfer.
 */
public enum CpmService {
    /** CPM 1-1 and group sessions (chat). */
    SESSION("3gpp-service.ims.icsi.oma.cpm.session"),
    /** CPM File Transfer (OMA CPM Conversation Functions 7.4, 8.2.3, 8.3.3). */
    FILE_TRANSFER("3gpp-service.ims.icsi.oma.cpm.filetransfer"),
    /** Pager mode standalone message. */
    STANDALONE_MESSAGE("3gpp-service.ims.icsi.oma.cpm.msg"),
    /** Large message mode standalone message. */
    LARGE_MESSAGE("3gpp-service.ims.icsi.oma.cpm.largemsg"),
    /** Deferred messaging (CPM Appendix H). */
    DEFERRED("3gpp-service.ims.icsi.oma.cpm.deferred");

    /** URN prefix of 3GPP service identifiers (RFC 5721 / 3GPP TS 24.229 7.2A.8.2). */
    public static final String URN_PREFIX = "urn:urn-7:";

    private final String name;

    CpmService(String name) {
        this.name = name;
    }

    /** The service name without the URN prefix, as the OMA seeds write it. */
    public String featureName() {
        return name;
    }

    /** The full ICSI URN, e.g. {@code urn:urn-7:3gpp-service.ims.icsi.oma.cpm.filetransfer}. */
    public String icsi() {
        return URN_PREFIX + name;
    }

    /**
     * The ICSI percent-encoded as it goes inside a {@code +g.3gpp.icsi-ref} feature tag value
     * (3GPP TS 24.229 7.2A.8.2: ":" is not allowed in a feature tag token and is encoded as %3A).
     */
    public String encodedIcsi() {
        return icsi().replace(":", "%3A");
    }

    /**
     * Recognises an ICSI value in any of the forms met in practice: percent-encoded or not, with or
     * without the {@code urn:urn-7:} prefix, any letter case, surrounding angle brackets (the
     * RFC 3840 string-value form) or whitespace ignored.
     */
    public static Optional<CpmService> fromIcsi(String value) {
        if (value == null) {
            return Optional.empty();
        }
        String v = value.trim();
        if (v.startsWith("<") && v.endsWith(">")) {
            v = v.substring(1, v.length() - 1).trim();
        }
        v = percentDecode(v).toLowerCase(Locale.ROOT);
        if (v.startsWith(URN_PREFIX)) {
            v = v.substring(URN_PREFIX.length());
        }
        for (CpmService s : values()) {
            if (s.name.equals(v)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    /** Decodes %XX escapes; a malformed escape leaves the text as it is (it then matches nothing). */
    static String percentDecode(String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        try {
            return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s;
        }
    }
}
