package org.cpmft.pf.registration;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.cpmft.pf.cpm.body.BodyException;
import org.cpmft.pf.cpm.body.ContentType;
import org.cpmft.pf.cpm.body.MimePart;
import org.cpmft.pf.cpm.body.MultipartBody;
import org.cpmft.pf.cpm.header.HeaderAddress;
import org.cpmft.pf.cpm.header.HeaderParam;
import org.cpmft.pf.cpm.header.SipHeaders;

/**
 * A third-party REGISTER from the S-CSCF (3GPP TS 24.229 5.4.1.7, handled by the AS as in
 * 5.7.1.3), reduced to what the PF needs: whose registration it is, for how long, and which
 * devices are behind it.
 *
 * <p>The To header names the registered public user identity and Expires the registration time;
 * Expires 0 means the user is deregistered. The Contact of the third-party REGISTER is the
 * S-CSCF's, not a device's, so the devices come from the body, when the initial filter criteria
 * ask the S-CSCF to include it (TS 24.229 5.4.1.7, TS 29.228 IncludeRegisterRequest /
 * IncludeRegisterResponse): a {@code message/sip} body (possibly a part of a
 * {@code multipart/mixed} body) holding either the UE's REGISTER request (its Contacts with
 * {@code +sip.instance} and {@code expires}) or the S-CSCF's 200 OK to it (every binding of the
 * user, RFC 3261 10.3 step 8). Without such a body the PF knows only that the user is registered.
 *
 * @param user       the public user identity ({@link UserUri} normal form)
 * @param expires    registration time from the Expires header; zero: deregistered
 * @param source     where the bindings come from
 * @param wildcard   the UE's REGISTER had {@code Contact: *} (remove every binding, RFC 3261 10.2.2)
 * @param bindings   the UE contacts found in the body, each with its own expiry
 */
public record ThirdPartyRegister(String user, Duration expires, Source source, boolean wildcard,
                                 List<Binding> bindings) {

    /** What the body carried. */
    public enum Source {
        /** No {@code message/sip} body: no device detail. */
        NONE,
        /** The UE's REGISTER: the contacts it adds, refreshes or removes. */
        REGISTER_REQUEST,
        /** The 200 OK to the UE's REGISTER: the complete list of bindings of the user. */
        REGISTER_RESPONSE
    }

    /**
     * One UE contact.
     *
     * @param contactUri the Contact URI
     * @param instanceId {@code +sip.instance} in {@link InstanceId} normal form, or null
     * @param expires    the contact's {@code expires} parameter, else the Expires header of the
     *                   carried message, else the third-party REGISTER's Expires (RFC 3261 10.2.1.1)
     */
    public record Binding(String contactUri, String instanceId, Duration expires) {
    }

    public ThirdPartyRegister {
        bindings = List.copyOf(bindings);
        if (expires.isNegative()) {
            throw new IllegalArgumentException("negative expires " + expires);
        }
    }

    /** Expires 0: the S-CSCF tells the PF the user is no longer registered. */
    public boolean isDeregistration() {
        return expires.isZero();
    }

    /**
     * Reads a third-party REGISTER from header values and body, as the SIP servlet sees them.
     *
     * @param toHeader       the To header value (name-addr or addr-spec, tag allowed)
     * @param expiresSeconds the Expires header value; negative when absent, which RFC 3261 10.3
     *                       leaves to the registrar: we take the contact's expires or 3600 s
     * @param contentType    the Content-Type, or null without body
     * @param body           the body, or null/empty
     * @throws IllegalArgumentException when To is missing or not a URI, or the body is malformed
     */
    public static ThirdPartyRegister parse(String toHeader, int expiresSeconds, String contentType, byte[] body) {
        if (toHeader == null || toHeader.isBlank()) {
            throw new IllegalArgumentException("third-party REGISTER without To");
        }
        String user = UserUri.normalize(HeaderAddress.parse(toHeader).uri());
        Duration outer = Duration.ofSeconds(expiresSeconds < 0 ? DEFAULT_EXPIRES : expiresSeconds);
        Optional<byte[]> sipMessage = embeddedSipMessage(contentType, body);
        if (sipMessage.isEmpty()) {
            return new ThirdPartyRegister(user, outer, Source.NONE, false, List.of());
        }
        return fromMessage(user, outer, new String(sipMessage.get(), StandardCharsets.UTF_8));
    }

    /** RFC 3261 10.2.1.1 suggests 3600 s when neither side says. */
    static final long DEFAULT_EXPIRES = 3600;

    private static Optional<byte[]> embeddedSipMessage(String contentType, byte[] body) {
        if (contentType == null || contentType.isBlank() || body == null || body.length == 0) {
            return Optional.empty();
        }
        ContentType ct;
        try {
            ct = ContentType.parse(contentType);
        } catch (BodyException e) {
            throw new IllegalArgumentException("bad Content-Type of third-party REGISTER: " + contentType, e);
        }
        if (ct.is("message/sip")) {
            return Optional.of(body);
        }
        if (!ct.isMultipart()) {
            return Optional.empty(); // e.g. application/3gpp-ims+xml service information only
        }
        MultipartBody multipart;
        try {
            multipart = MultipartBody.parse(ct, body);
        } catch (BodyException e) {
            throw new IllegalArgumentException("bad multipart body of third-party REGISTER: " + e.getMessage(), e);
        }
        // With both included, the 200 OK wins: it lists every binding, the request only its own.
        byte[] request = null;
        for (MimePart part : multipart.parts()) {
            if (part.contentType().is("message/sip")) {
                byte[] content = part.content();
                if (startLine(new String(content, StandardCharsets.UTF_8)).startsWith("SIP/2.0")) {
                    return Optional.of(content);
                }
                request = request == null ? content : request;
            }
        }
        return Optional.ofNullable(request);
    }

    private static String startLine(String message) {
        String m = message.stripLeading();
        int eol = m.indexOf('\n');
        return (eol < 0 ? m : m.substring(0, eol)).trim();
    }

    private static ThirdPartyRegister fromMessage(String user, Duration outer, String message) {
        String start = startLine(message);
        Source source;
        if (start.toUpperCase(Locale.ROOT).startsWith("REGISTER ")) {
            source = Source.REGISTER_REQUEST;
        } else if (start.startsWith("SIP/2.0 2")) {
            source = Source.REGISTER_RESPONSE;
        } else if (start.startsWith("SIP/2.0 ")) {
            return new ThirdPartyRegister(user, outer, Source.NONE, false, List.of()); // a failure: no bindings
        } else {
            throw new IllegalArgumentException("message/sip body is neither a REGISTER nor a response: " + start);
        }
        SipHeaders headers = headers(message);
        Duration messageExpires = headers.first("expires").map(v -> seconds(v, "Expires")).orElse(outer);
        List<Binding> bindings = new ArrayList<>();
        boolean wildcard = false;
        for (String value : headers.values("contact")) {
            for (HeaderAddress contact : HeaderAddress.parseList(value)) {
                if (contact.uri().equals("*")) {
                    wildcard = true;
                    continue;
                }
                Duration exp = contact.param("expires").map(HeaderParam::value).map(v -> seconds(v, "expires"))
                        .orElse(messageExpires);
                String instance = InstanceId.normalize(contact.param("+sip.instance").map(HeaderParam::value)
                        .orElse(null));
                bindings.add(new Binding(contact.uri(), instance, exp));
            }
        }
        return new ThirdPartyRegister(user, outer, source, wildcard, bindings);
    }

    private static Duration seconds(String value, String what) {
        String v = value.trim();
        if (v.isEmpty() || v.length() > 10 || !v.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException("bad " + what + " value in message/sip body: " + value);
        }
        return Duration.ofSeconds(Long.parseLong(v));
    }

    /** Header section of a SIP message (RFC 3261 7.3): unfolded, compact names understood. */
    private static SipHeaders headers(String message) {
        String m = message.stripLeading();
        int end = m.indexOf("\r\n\r\n");
        int endLf = m.indexOf("\n\n");
        if (end < 0 || (endLf >= 0 && endLf < end)) {
            end = endLf;
        }
        String section = end < 0 ? m : m.substring(0, end);
        String unfolded = section.replaceAll("\r?\n[ \t]+", " ");
        String[] lines = unfolded.split("\r?\n");
        Map<String, List<String>> map = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            String line = lines[i];
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("bad header line in message/sip body: " + line);
            }
            map.computeIfAbsent(line.substring(0, colon).trim(), k -> new ArrayList<>())
                    .add(line.substring(colon + 1).trim());
        }
        return SipHeaders.of(map);
    }
}
