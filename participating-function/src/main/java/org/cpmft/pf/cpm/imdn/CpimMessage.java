package org.cpmft.pf.cpm.imdn;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A {@code message/cpim} message (RFC 3862 section 3): the CPIM header block, an empty line, the
 * MIME headers of the encapsulated content, an empty line, the content. Header names may carry a
 * namespace prefix declared by an {@code NS} header ({@code NS: imdn <urn:ietf:params:imdn>},
 * then {@code imdn.Message-ID}, RFC 3862 section 3.2, RFC 5438 section 6).
 *
 * <p>Read from the network, so bounded: at most {@link #MAX_HEADERS} header lines per block, each
 * at most {@link #MAX_LINE} octets, and the caller bounds the whole message. Lines end with CRLF
 * (a bare LF is accepted). Folded lines, lines without a colon, and non-UTF-8 header octets are
 * refused.
 */
public final class CpimMessage {

    public static final String CONTENT_TYPE = "message/cpim";
    static final int MAX_HEADERS = 64;
    static final int MAX_LINE = 4096;

    /** One header line: {@code prefix} is empty for an unprefixed name. */
    public record Header(String prefix, String name, String value) {
    }

    private final List<Header> headers;
    private final Map<String, String> namespaces;
    private final List<Header> contentHeaders;
    private final byte[] content;

    private CpimMessage(List<Header> headers, Map<String, String> namespaces, List<Header> contentHeaders,
                        byte[] content) {
        this.headers = headers;
        this.namespaces = namespaces;
        this.contentHeaders = contentHeaders;
        this.content = content;
    }

    /** @throws ImdnSyntaxException when {@code bytes} is not a CPIM message or is larger than {@code maxBytes} */
    public static CpimMessage parse(byte[] bytes, int maxBytes) {
        if (bytes == null) {
            throw new ImdnSyntaxException("no CPIM message");
        }
        if (bytes.length > maxBytes) {
            throw new ImdnSyntaxException("CPIM message larger than " + maxBytes + " octets");
        }
        int[] pos = {0};
        List<Header> headers = block(bytes, pos, "CPIM header");
        if (headers.isEmpty()) {
            throw new ImdnSyntaxException("CPIM message without headers");
        }
        Map<String, String> namespaces = new HashMap<>();
        for (Header h : headers) {
            if (h.prefix().isEmpty() && h.name().equalsIgnoreCase("NS")) {
                declare(h.value(), namespaces);
            }
        }
        List<Header> contentHeaders = pos[0] < bytes.length ? block(bytes, pos, "MIME content header") : List.of();
        byte[] content = Arrays.copyOfRange(bytes, Math.min(pos[0], bytes.length), bytes.length);
        return new CpimMessage(List.copyOf(headers), Map.copyOf(namespaces), List.copyOf(contentHeaders), content);
    }

    /** The first value of an unprefixed CPIM header ({@code From}, {@code To}, {@code DateTime}, ...). */
    public Optional<String> header(String name) {
        return headers.stream().filter(h -> h.prefix().isEmpty() && h.name().equalsIgnoreCase(name))
                .map(Header::value).findFirst();
    }

    /** The first value of header {@code name} in the namespace {@code namespaceUri}, whatever prefix the sender chose. */
    public Optional<String> header(String namespaceUri, String name) {
        for (Header h : headers) {
            if (!h.prefix().isEmpty() && h.name().equalsIgnoreCase(name)
                    && namespaceUri.equals(namespaces.get(h.prefix().toLowerCase(Locale.ROOT)))) {
                return Optional.of(h.value());
            }
        }
        return Optional.empty();
    }

    public List<Header> headers() {
        return headers;
    }

    /** A MIME header of the encapsulated content ({@code Content-Type}, {@code Content-Disposition}). */
    public Optional<String> contentHeader(String name) {
        return contentHeaders.stream().filter(h -> h.prefix().isEmpty() && h.name().equalsIgnoreCase(name))
                .map(Header::value).findFirst();
    }

    /** The encapsulated content, trimmed to its Content-Length when one is given and not larger. */
    public byte[] content() {
        Optional<String> length = contentHeader("Content-Length");
        if (length.isPresent() && length.get().matches("\\d{1,9}")) {
            int n = Integer.parseInt(length.get());
            if (n <= content.length) {
                return Arrays.copyOf(content, n);
            }
        }
        return content.clone();
    }

    private static void declare(String value, Map<String, String> namespaces) {
        // NS: [prefix] <uri>   (RFC 3862 section 4.5; no prefix: the default namespace)
        int lt = value.indexOf('<');
        int gt = value.lastIndexOf('>');
        if (lt < 0 || gt < lt) {
            throw new ImdnSyntaxException("malformed CPIM NS header");
        }
        String prefix = value.substring(0, lt).strip().toLowerCase(Locale.ROOT);
        String uri = value.substring(lt + 1, gt).strip();
        if (!prefix.isEmpty() && !prefix.matches("[a-z0-9_-]{1,64}")) {
            throw new ImdnSyntaxException("malformed CPIM NS prefix");
        }
        namespaces.put(prefix, uri);
    }

    /** Reads header lines up to and including the empty line that ends the block (or the end of input). */
    private static List<Header> block(byte[] b, int[] pos, String what) {
        List<Header> out = new ArrayList<>();
        while (pos[0] < b.length) {
            int start = pos[0];
            int lf = indexOf(b, (byte) '\n', start);
            int end = lf < 0 ? b.length : lf;
            pos[0] = lf < 0 ? b.length : lf + 1;
            int lineEnd = end > start && b[end - 1] == '\r' ? end - 1 : end;
            if (lineEnd - start > MAX_LINE) {
                throw new ImdnSyntaxException(what + " line longer than " + MAX_LINE + " octets");
            }
            if (lineEnd == start) {
                return out;
            }
            if (out.size() == MAX_HEADERS) {
                throw new ImdnSyntaxException("more than " + MAX_HEADERS + " " + what + "s");
            }
            out.add(headerLine(new String(b, start, lineEnd - start, StandardCharsets.UTF_8), what));
        }
        return out;
    }

    private static Header headerLine(String line, String what) {
        if (line.indexOf('\uFFFD') >= 0) {
            throw new ImdnSyntaxException(what + " is not UTF-8");
        }
        char first = line.charAt(0);
        if (first == ' ' || first == '\t') {
            throw new ImdnSyntaxException("folded " + what + " line");
        }
        int colon = line.indexOf(':');
        if (colon <= 0) {
            throw new ImdnSyntaxException(what + " line without a name");
        }
        String fullName = line.substring(0, colon).strip();
        if (!fullName.matches("[A-Za-z0-9_.!%*+`'~-]{1,128}")) {
            throw new ImdnSyntaxException("malformed " + what + " name");
        }
        int dot = fullName.indexOf('.');
        String prefix = dot < 0 ? "" : fullName.substring(0, dot);
        String name = dot < 0 ? fullName : fullName.substring(dot + 1);
        if (dot >= 0 && (prefix.isEmpty() || name.isEmpty())) {
            throw new ImdnSyntaxException("malformed " + what + " name");
        }
        for (int i = colon + 1; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c < 0x20 && c != '\t') {
                throw new ImdnSyntaxException("control character in " + what);
            }
        }
        return new Header(prefix, name, line.substring(colon + 1).strip());
    }

    private static int indexOf(byte[] b, byte x, int from) {
        for (int i = from; i < b.length; i++) {
            if (b[i] == x) {
                return i;
            }
        }
        return -1;
    }
}
