package org.cpmft.pf.cpm.imdn;

import java.io.ByteArrayInputStream;
import java.util.Optional;

import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * A disposition notification, {@code message/imdn+xml} (RFC 5438 section 7): which message it is
 * about ({@code message-id}), that message's {@code datetime}, and the kind and status of the
 * notification ({@code delivery-notification} / {@code display-notification} /
 * {@code processing-notification} with e.g. {@code delivered}, {@code failed}, {@code displayed}).
 *
 * <p>Parsed from hostile input: StAX without DTDs (a DOCTYPE is refused, so no external entity and
 * no entity expansion), at most {@link #MAX_BYTES} octets, {@link #MAX_DEPTH} levels,
 * {@link #MAX_ELEMENTS} elements and {@link #MAX_TEXT} characters per text value.
 */
public record ImdnDocument(String messageId, String dateTime, Optional<String> recipientUri, String notification,
                           String status) {

    public static final String NAMESPACE = "urn:ietf:params:xml:ns:imdn";
    /** The media type RFC 5438 section 10.1 registers; {@code application/imdn+xml} is accepted too (seen in the field). */
    public static final String CONTENT_TYPE = "message/imdn+xml";
    static final int MAX_BYTES = 8192;
    static final int MAX_DEPTH = 8;
    static final int MAX_ELEMENTS = 64;
    static final int MAX_TEXT = 1024;

    private static final XMLInputFactory FACTORY = factory();

    private static XMLInputFactory factory() {
        XMLInputFactory f = XMLInputFactory.newFactory();
        f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        f.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, true);
        f.setProperty(XMLInputFactory.IS_COALESCING, true);
        return f;
    }

    public static boolean isImdnType(String mimeType) {
        return CONTENT_TYPE.equalsIgnoreCase(mimeType) || "application/imdn+xml".equalsIgnoreCase(mimeType);
    }

    /** @throws ImdnSyntaxException naming what is wrong */
    public static ImdnDocument parse(byte[] xml) {
        if (xml == null || xml.length == 0) {
            throw new ImdnSyntaxException("empty IMDN document");
        }
        if (xml.length > MAX_BYTES) {
            throw new ImdnSyntaxException("IMDN document larger than " + MAX_BYTES + " octets");
        }
        String messageId = null;
        String dateTime = null;
        String recipient = null;
        String notification = null;
        String status = null;
        XMLStreamReader r = null;
        try {
            synchronized (FACTORY) { // XMLInputFactory is not specified thread-safe for creation
                r = FACTORY.createXMLStreamReader(new ByteArrayInputStream(xml));
            }
            int depth = 0;
            int elements = 0;
            String parent = null;
            String current = null;
            StringBuilder text = new StringBuilder();
            while (r.hasNext()) {
                int event = r.next();
                switch (event) {
                    case XMLStreamConstants.DTD, XMLStreamConstants.ENTITY_REFERENCE ->
                            throw new ImdnSyntaxException("IMDN document with a DTD or entity reference");
                    case XMLStreamConstants.START_ELEMENT -> {
                        if (++depth > MAX_DEPTH || ++elements > MAX_ELEMENTS) {
                            throw new ImdnSyntaxException("IMDN document too deep or too large");
                        }
                        String name = r.getLocalName();
                        if (depth == 1 && (!"imdn".equals(name) || !NAMESPACE.equals(r.getNamespaceURI()))) {
                            throw new ImdnSyntaxException("not an IMDN document (root " + name + ")");
                        }
                        if (depth == 2 && name.endsWith("-notification")) {
                            if (notification != null) {
                                throw new ImdnSyntaxException("IMDN document with two notifications");
                            }
                            notification = name;
                        }
                        if (depth == 4 && "status".equals(parent) && notification != null && status == null) {
                            status = name;
                        }
                        parent = name;
                        current = depth == 2 ? name : null;
                        text.setLength(0);
                    }
                    case XMLStreamConstants.CHARACTERS, XMLStreamConstants.CDATA -> {
                        if (current != null) {
                            if (text.length() + r.getTextLength() > MAX_TEXT) {
                                throw new ImdnSyntaxException("IMDN value longer than " + MAX_TEXT + " characters");
                            }
                            text.append(r.getTextCharacters(), r.getTextStart(), r.getTextLength());
                        }
                    }
                    case XMLStreamConstants.END_ELEMENT -> {
                        if (depth == 2 && current != null) {
                            String value = text.toString().strip();
                            switch (current) {
                                case "message-id" -> messageId = value;
                                case "datetime" -> dateTime = value;
                                case "recipient-uri" -> recipient = value;
                                default -> {
                                }
                            }
                        }
                        depth--;
                        current = null;
                        parent = depth == 3 ? "status" : null;
                        text.setLength(0);
                    }
                    default -> {
                    }
                }
            }
        } catch (XMLStreamException e) {
            throw new ImdnSyntaxException("malformed IMDN XML");
        } finally {
            if (r != null) {
                try {
                    r.close();
                } catch (XMLStreamException ignored) {
                    // nothing held
                }
            }
        }
        if (messageId == null || messageId.isEmpty()) {
            throw new ImdnSyntaxException("IMDN document without message-id");
        }
        if (dateTime == null || dateTime.isEmpty()) {
            throw new ImdnSyntaxException("IMDN document without datetime");
        }
        if (notification == null || status == null) {
            throw new ImdnSyntaxException("IMDN document without a notification status");
        }
        return new ImdnDocument(messageId, dateTime, Optional.ofNullable(recipient), notification, status);
    }
}
