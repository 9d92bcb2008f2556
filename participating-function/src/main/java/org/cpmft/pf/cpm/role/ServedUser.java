package org.cpmft.pf.cpm.role;

import java.util.Locale;
import java.util.Optional;

import org.cpmft.pf.cpm.header.HeaderAddress;
import org.cpmft.pf.cpm.header.HeaderParam;

/**
 * A parsed P-Served-User header value (RFC 5502 section 6, extended by RFC 8498 and 3GPP TS 24.229
 * 7.2A.14 with {@code orig-cdiv}).
 *
 * @param uri      the served user's public identity
 * @param sessionCase the {@code sescase} parameter, empty if absent or not {@code orig}/{@code term}
 * @param registered  the {@code regstate} parameter: true for {@code reg}, false for {@code unreg}, empty if absent
 * @param originatingAfterDiversion the {@code orig-cdiv} parameter is present
 */
public record ServedUser(String uri, Optional<Role> sessionCase, Optional<Boolean> registered,
                         boolean originatingAfterDiversion) {

    public static ServedUser parse(String headerValue) {
        HeaderAddress a = HeaderAddress.parse(headerValue);
        Optional<Role> role = a.param("sescase").map(HeaderParam::value).map(v -> switch (v.toLowerCase(Locale.ROOT)) {
            case "orig" -> Role.ORIGINATING;
            case "term" -> Role.TERMINATING;
            default -> null;
        });
        Optional<Boolean> reg = a.param("regstate").map(HeaderParam::value).map(v -> switch (v.toLowerCase(Locale.ROOT)) {
            case "reg" -> Boolean.TRUE;
            case "unreg" -> Boolean.FALSE;
            default -> null;
        });
        return new ServedUser(a.uri(), role, reg, a.hasParam("orig-cdiv"));
    }

    /** The role this header signals: {@code orig-cdiv} is an originating case, else {@code sescase}. */
    public Optional<Role> role() {
        if (originatingAfterDiversion) {
            return Optional.of(Role.ORIGINATING);
        }
        return sessionCase;
    }
}
