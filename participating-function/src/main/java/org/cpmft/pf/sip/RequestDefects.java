package org.cpmft.pf.sip;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What is wrong with one received request, collected while the SIP stack parses it, and what the PF
 * does about it: nothing, a 400 Bad Request whose Warning names the problem (RFC 3261 21.4.1,
 * 20.43), or dropping it when no response may or can be sent. Plain Java.
 *
 * <p>Rules:
 * <ul>
 * <li>A header field the stack cannot parse, or a Request-Line it cannot parse, makes the request
 * malformed: the servlet never sees a request with a header silently left out.</li>
 * <li>To, From, CSeq, Call-ID and Via are mandatory (RFC 3261 8.1.1). Max-Forwards is mandatory
 * for UACs too, but a request without it passes (RFC 3261 16.3 step 3: proxies let it through; the
 * container sets Max-Forwards on what it forwards).</li>
 * <li>The CSeq method must be the request method (RFC 3261 8.1.1.5, 20.16).</li>
 * <li>A datagram shorter than its Content-Length gets 400 (RFC 3261 18.3).</li>
 * <li>Without a readable Via a response cannot be routed (RFC 3261 18.2.2): such a request is
 * dropped, as is a malformed Via anywhere in the request (the topmost readable Via might not be the
 * sender's). An ACK is never answered (RFC 3261 17.2.1): a malformed ACK is dropped.</li>
 * </ul>
 */
public final class RequestDefects {

    /** RFC 3261 8.1.1, in the order of that section (Max-Forwards left out, see above). */
    static final List<String> MANDATORY = List.of("To", "From", "CSeq", "Call-ID", "Via");

    /** Compact forms (RFC 3261 7.3.3 and later RFCs) and the usual spelling of header names. */
    private static final Map<String, String> NAMES = Map.ofEntries(
            Map.entry("i", "Call-ID"), Map.entry("call-id", "Call-ID"),
            Map.entry("m", "Contact"), Map.entry("contact", "Contact"),
            Map.entry("e", "Content-Encoding"), Map.entry("content-encoding", "Content-Encoding"),
            Map.entry("l", "Content-Length"), Map.entry("content-length", "Content-Length"),
            Map.entry("c", "Content-Type"), Map.entry("content-type", "Content-Type"),
            Map.entry("f", "From"), Map.entry("from", "From"),
            Map.entry("s", "Subject"), Map.entry("subject", "Subject"),
            Map.entry("k", "Supported"), Map.entry("supported", "Supported"),
            Map.entry("t", "To"), Map.entry("to", "To"),
            Map.entry("v", "Via"), Map.entry("via", "Via"),
            Map.entry("r", "Refer-To"), Map.entry("refer-to", "Refer-To"),
            Map.entry("b", "Referred-By"), Map.entry("referred-by", "Referred-By"),
            Map.entry("o", "Event"), Map.entry("event", "Event"),
            Map.entry("u", "Allow-Events"), Map.entry("allow-events", "Allow-Events"),
            Map.entry("a", "Accept-Contact"), Map.entry("accept-contact", "Accept-Contact"),
            Map.entry("j", "Reject-Contact"), Map.entry("reject-contact", "Reject-Contact"),
            Map.entry("d", "Request-Disposition"), Map.entry("request-disposition", "Request-Disposition"),
            Map.entry("x", "Session-Expires"), Map.entry("session-expires", "Session-Expires"),
            Map.entry("cseq", "CSeq"), Map.entry("max-forwards", "Max-Forwards"),
            Map.entry("route", "Route"), Map.entry("record-route", "Record-Route"),
            Map.entry("expires", "Expires"), Map.entry("require", "Require"));

    private static final int MAX_NAME = 64;

    /** What to do with the request. */
    public sealed interface Verdict {
        /** Nothing wrong that this class checks. */
        record Accept() implements Verdict {
        }

        /** Answer 400 Bad Request with {@code Warning: 399 <agent> "<warning>"}. */
        record Reject(String warning) implements Verdict {
        }

        /** No response: none can be routed or none is allowed; {@code why} is for the log. */
        record Drop(String why) implements Verdict {
        }
    }

    private static final Verdict ACCEPT = new Verdict.Accept();

    private String method;
    private boolean requestLineMalformed;
    private final Set<String> malformed = new LinkedHashSet<>();
    private final Set<String> present = new HashSet<>();
    private String cseqMethod;
    private boolean contentLongerThanBody;

    /** The request method, when the Request-Line parsed. */
    public void method(String m) {
        this.method = m;
    }

    /** The Request-Line did not parse; its first word is still taken as the method if it is a token. */
    public void requestLineMalformed(String line) {
        requestLineMalformed = true;
        if (method == null && line != null) {
            String first = line.strip().split("[ \t]", 2)[0];
            if (isToken(first)) {
                method = first;
            }
        }
    }

    /** A header field line the stack could not parse (name and value as received). */
    public void malformedHeader(String line) {
        malformed.add(nameOf(line));
    }

    /** A mandatory header field that parsed, by its full name ({@link #MANDATORY}). */
    public void present(String name) {
        present.add(name);
    }

    public void cseqMethod(String m) {
        this.cseqMethod = m;
    }

    /** The body is shorter than Content-Length says (RFC 3261 18.3). */
    public void contentLongerThanBody() {
        contentLongerThanBody = true;
    }

    /** The method, if known (from the Request-Line, even a malformed one); null otherwise. */
    public String method() {
        return method;
    }

    public Verdict verdict() {
        List<String> problems = new ArrayList<>();
        if (requestLineMalformed) {
            problems.add("Malformed Request-Line");
        }
        for (String name : malformed) {
            problems.add(name == null ? "Malformed header field" : "Malformed " + name + " header field");
        }
        for (String name : MANDATORY) {
            if (!present.contains(name) && !malformed.contains(name)) {
                problems.add("Missing " + name + " header field");
            }
        }
        if (cseqMethod != null && method != null && !requestLineMalformed && !cseqMethod.equals(method)) {
            problems.add("CSeq method " + cseqMethod + " is not the request method " + method);
        }
        if (contentLongerThanBody) {
            problems.add("Content-Length larger than the message body");
        }
        if (problems.isEmpty()) {
            return ACCEPT;
        }
        String text = String.join("; ", problems);
        if (!present.contains("Via") || malformed.contains("Via")) {
            return new Verdict.Drop("no usable Via to route a response: " + text);
        }
        if ("ACK".equals(method)) {
            return new Verdict.Drop("an ACK is never answered: " + text);
        }
        return new Verdict.Reject(text);
    }

    /**
     * The full name of the header field on a raw header line: compact forms expanded, the usual
     * spelling of common names, anything else as received if it is a token; null if there is none.
     */
    static String nameOf(String line) {
        if (line == null) {
            return null;
        }
        int colon = line.indexOf(':');
        if (colon <= 0) {
            return null;
        }
        String name = line.substring(0, colon).strip();
        if (!isToken(name) || name.length() > MAX_NAME) {
            return null;
        }
        return NAMES.getOrDefault(name.toLowerCase(Locale.ROOT), name);
    }

    /** RFC 3261 25.1 token. */
    static boolean isToken(String s) {
        if (s == null || s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
            if (!alnum && "-.!%*_+`'~".indexOf(c) < 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * The number of body bytes in a whole message: those after the first empty line (CRLF CRLF, or
     * LF LF as the stack also accepts); 0 without one.
     */
    static int bodyLength(byte[] message) {
        for (int i = 0; i + 1 < message.length; i++) {
            if (message[i] == '\n' && message[i + 1] == '\n') {
                return message.length - (i + 2);
            }
            if (message[i] == '\n' && message[i + 1] == '\r' && i + 2 < message.length && message[i + 2] == '\n') {
                return message.length - (i + 3);
            }
        }
        return 0;
    }
}
