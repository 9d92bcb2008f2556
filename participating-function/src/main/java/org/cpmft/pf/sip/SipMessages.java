package org.cpmft.pf.sip;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import javax.servlet.sip.SipServletMessage;
import javax.servlet.sip.SipServletRequest;
import javax.servlet.sip.SipServletResponse;

import org.cpmft.pf.cpm.body.ContentType;
import org.cpmft.pf.cpm.body.InviteBody;
import org.cpmft.pf.cpm.conversation.SipInstance;

/** What the B2BUA reads from and copies between SIP messages of its two legs. */
final class SipMessages {

    /** Headers the container owns or the B2BUA must not copy between legs (JSR 289 5.4.2). */
    private static final Set<String> NOT_COPIED = Set.of("via", "from", "to", "call-id", "cseq",
            "contact", "record-route", "route", "path", "content-length", "content-type",
            "max-forwards", "rack", "rseq", "server", "user-agent", "allow", "supported", "require");

    private SipMessages() {
    }

    /** A body whose type is neither SDP nor multipart; a malformed Content-Type is left to the analyzer (400). */
    static boolean hasUnreadableBodyType(SipServletRequest req) {
        String type = req.getContentType();
        if (type == null || req.getContentLength() <= 0) {
            return false;
        }
        try {
            ContentType ct = ContentType.parse(type);
            return !ct.is(ContentType.SDP) && !ct.isMultipart();
        } catch (IllegalArgumentException malformed) {
            return false;
        }
    }

    static String poppedRoute(SipServletRequest req) {
        return req.getPoppedRoute() == null ? null : req.getPoppedRoute().toString();
    }

    static Map<String, List<String>> headerMap(SipServletMessage m) {
        Map<String, List<String>> map = new LinkedHashMap<>();
        for (Iterator<String> names = m.getHeaderNames(); names.hasNext(); ) {
            String name = names.next();
            map.put(name, values(m, name));
        }
        return map;
    }

    static List<String> values(SipServletMessage m, String name) {
        List<String> out = new ArrayList<>();
        for (Iterator<String> it = m.getHeaders(name); it.hasNext(); ) {
            out.add(it.next());
        }
        return out;
    }

    static void copyHeaders(SipServletMessage from, SipServletMessage to) {
        for (Iterator<String> names = from.getHeaderNames(); names.hasNext(); ) {
            String name = names.next();
            if (NOT_COPIED.contains(name.toLowerCase(Locale.ROOT))) {
                continue;
            }
            to.removeHeader(name);
            for (Iterator<String> values = from.getHeaders(name); values.hasNext(); ) {
                to.addHeader(name, values.next());
            }
        }
    }

    static void copyBody(SipServletMessage from, SipServletMessage to) throws IOException {
        if (from.getContentLength() > 0 && from.getRawContent() != null) {
            to.setContent(from.getRawContent(), from.getContentType());
        }
    }

    static void setBody(SipServletMessage m, Optional<InviteBody> body) throws IOException {
        if (body.isPresent() && !body.get().isEmpty()) {
            m.setContent(body.get().bytes(), body.get().contentTypeValue());
        }
    }

    static String cseqNumber(SipServletRequest req) {
        String cseq = req.getHeader("CSeq");
        return cseq == null ? "" : cseq.trim().split("\\s+")[0];
    }

    static String localHost(SipServletMessage m) {
        String addr = m.getLocalAddr();
        return addr == null ? "pf" : addr;
    }

    /** The {@code +sip.instance} of the device whose 2xx accepted (seed 002 4.2: deliveries go to it). */
    static Optional<String> acceptingInstance(SipServletResponse resp) {
        String contact = resp.getHeader("Contact");
        return contact == null ? Optional.empty() : SipInstance.fromContact(contact).map(SipInstance::urn);
    }
}
