package org.cpmft.pf.cpm.imdn;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

import org.cpmft.pf.cpm.body.ContentType;
import org.cpmft.pf.cpm.conversation.SipInstance;
import org.cpmft.pf.cpm.header.HeaderAddress;
import org.cpmft.pf.cpm.header.HeaderParam;
import org.cpmft.pf.cpm.header.HeaderValues;
import org.cpmft.pf.cpm.header.SipHeaders;

/**
 * A client's disposition notification sent by SIP MESSAGE (RFC 5438 section 7.2.1.1; CPM 5.4,
 * seed 004 7.4.2 step 6: the receiver of a file sends the delivery notification via SIP MESSAGE):
 * {@code Content-Type: message/cpim} wrapping a {@code message/imdn+xml} document with
 * {@code Content-Disposition: notification}. It goes to the sender of the file (To), preferably to
 * the device that sent it (CPM 2.0 5.4.5; an Accept-Contact {@code +sip.instance}, RFC 3841, or a
 * GRUU Request-URI, RFC 5627).
 *
 * <p>The body is kept as it came, octet for octet: the notification's CPIM DateTime and the
 * {@code <datetime>} of the message it is about reach the sender unchanged, however late.
 *
 * @param recipient         the user the notification is for (the To URI: the file's sender)
 * @param sender            who notifies (the From URI: the file's recipient)
 * @param recipientInstance the device to notify, when the request names one
 * @param contentType       the MESSAGE's Content-Type as received
 * @param body              the MESSAGE body (UTF-8, unchanged)
 * @param document          the notification
 * @param dateTime          the CPIM DateTime of the notification, when present
 */
public record ImdnMessage(String recipient, String sender, Optional<String> recipientInstance, String contentType,
                         String body, ImdnDocument document, Optional<String> dateTime) {

    /** An IMDN is a few hundred octets; RFC 3428 section 8 wants MESSAGE bodies small. */
    public static final int MAX_BODY = 16 * 1024;

    /** What to do with a MESSAGE that arrived. */
    public sealed interface Reading {
        record Accepted(ImdnMessage message) implements Reading {
        }

        /** Answer with this status, reason phrase, Warning text and (415) Accept value. */
        record Refused(int status, String reasonPhrase, String warning, Optional<String> accept) implements Reading {
        }
    }

    /** Reads a MESSAGE request; never throws for what the network sends. */
    public static Reading read(SipHeaders headers, String requestUri, String contentType, byte[] body) {
        if (body != null && body.length > MAX_BODY) {
            return new Reading.Refused(413, "Request Entity Too Large", "MESSAGE body larger than " + MAX_BODY
                    + " octets", Optional.empty());
        }
        if (contentType == null || body == null || body.length == 0) {
            return unsupported("MESSAGE without a message/cpim body: the PF takes disposition notifications only");
        }
        ContentType type;
        try {
            type = ContentType.parse(contentType);
        } catch (IllegalArgumentException e) {
            return bad("Malformed Content-Type");
        }
        if (!type.is(CpimMessage.CONTENT_TYPE)) {
            return unsupported("Content-Type " + type.mimeType() + ": the PF takes disposition notifications only");
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body)).toString();
        } catch (CharacterCodingException e) {
            return bad("MESSAGE body is not UTF-8");
        }
        CpimMessage cpim;
        ImdnDocument document;
        try {
            cpim = CpimMessage.parse(body, MAX_BODY);
            String inner = cpim.contentHeader("Content-Type").orElse("");
            String innerType;
            try {
                innerType = inner.isEmpty() ? "" : ContentType.parse(inner).mimeType();
            } catch (IllegalArgumentException e) {
                return bad("Malformed CPIM content Content-Type");
            }
            if (!ImdnDocument.isImdnType(innerType)) {
                return unsupported("CPIM content " + (innerType.isEmpty() ? "without a type" : innerType)
                        + ": the PF takes disposition notifications (message/imdn+xml) only");
            }
            document = ImdnDocument.parse(cpim.content());
        } catch (ImdnSyntaxException e) {
            return bad(e.getMessage());
        }
        Optional<String> to = uriOf(headers.first("To"));
        Optional<String> from = uriOf(headers.first("From"));
        if (to.isEmpty() || from.isEmpty()) {
            return bad("Unreadable To or From");
        }
        return new Reading.Accepted(new ImdnMessage(to.get(), from.get(), instance(headers, requestUri),
                contentType, text, document, DispositionRequest.dateTime(cpim)));
    }

    /** The device the request names: Accept-Contact {@code +sip.instance}, else the {@code gr} of a GRUU Request-URI. */
    static Optional<String> instance(SipHeaders headers, String requestUri) {
        for (String value : headers.values("Accept-Contact")) {
            for (String element : HeaderValues.splitTopLevel(value, ',')) {
                String e = element.strip();
                // Accept-Contact is "*" with feature parameters (RFC 3841 section 10): read it as a Contact.
                String asContact = e.startsWith("*") ? "<sip:any.invalid>" + e.substring(1) : e;
                Optional<SipInstance> i = SipInstance.fromContact(asContact);
                if (i.isPresent()) {
                    return Optional.of(i.get().urn());
                }
            }
        }
        if (requestUri != null && requestUri.length() <= 2048) {
            try {
                for (HeaderParam p : HeaderAddress.parse("<" + requestUri + ">").uriParams()) {
                    if (p.is("gr") && p.hasValue() && !p.value().isBlank()) {
                        String v = p.value();
                        return Optional.of(v.contains(":") ? v : "urn:" + v);
                    }
                }
            } catch (IllegalArgumentException malformed) {
                // no device named
            }
        }
        return Optional.empty();
    }

    private static Optional<String> uriOf(Optional<String> nameAddr) {
        if (nameAddr.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(HeaderAddress.parse(nameAddr.get()).uri());
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static Reading bad(String warning) {
        return new Reading.Refused(400, "Bad Request", warning, Optional.empty());
    }

    private static Reading unsupported(String warning) {
        return new Reading.Refused(415, "Unsupported Media Type", warning, Optional.of(CpimMessage.CONTENT_TYPE));
    }
}
