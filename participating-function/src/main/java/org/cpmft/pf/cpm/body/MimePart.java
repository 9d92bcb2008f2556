package org.cpmft.pf.cpm.body;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import org.cpmft.pf.cpm.sdp.ContentIds;

/**
 * One body part of a multipart body (RFC 2046 section 5.1): its header section and content, kept as
 * the exact bytes received so an unmodified part is forwarded unchanged.
 */
public final class MimePart {

    private static final Pattern CONTENT_LENGTH = Pattern.compile("(?im)^(content-length[ \\t]*:[ \\t]*)[0-9]+");

    private final byte[] raw;
    private final int contentOffset;
    private final List<Map.Entry<String, String>> headers;

    MimePart(byte[] raw) {
        this.raw = raw;
        int headerEnd;
        if (startsWith(raw, 0, "\r\n")) {
            headerEnd = 0;
            contentOffset = 2;
        } else if (startsWith(raw, 0, "\n")) {
            headerEnd = 0;
            contentOffset = 1;
        } else {
            int crlf = indexOf(raw, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            int lf = indexOf(raw, "\n\n".getBytes(StandardCharsets.US_ASCII));
            if (crlf < 0 && lf < 0) {
                throw new BodyException("body part without an empty line after its headers");
            }
            if (crlf >= 0 && (lf < 0 || crlf < lf)) {
                headerEnd = crlf;
                contentOffset = crlf + 4;
            } else {
                headerEnd = lf;
                contentOffset = lf + 2;
            }
        }
        this.headers = parseHeaders(new String(raw, 0, headerEnd, StandardCharsets.UTF_8));
    }

    /** A new part with the given headers (name, value pairs) and content, CRLF-framed. */
    public static MimePart of(byte[] content, String... headerNamesAndValues) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i + 1 < headerNamesAndValues.length; i += 2) {
            sb.append(headerNamesAndValues[i]).append(": ").append(headerNamesAndValues[i + 1]).append("\r\n");
        }
        sb.append("\r\n");
        byte[] head = sb.toString().getBytes(StandardCharsets.UTF_8);
        byte[] raw = Arrays.copyOf(head, head.length + content.length);
        System.arraycopy(content, 0, raw, head.length, content.length);
        return new MimePart(raw);
    }

    private static List<Map.Entry<String, String>> parseHeaders(String section) {
        List<Map.Entry<String, String>> out = new ArrayList<>();
        if (section.isEmpty()) {
            return out;
        }
        // Unfold (RFC 5322 section 2.2.3): a line starting with white space continues the previous one.
        String unfolded = section.replaceAll("\r?\n[ \t]+", " ");
        for (String line : unfolded.split("\r?\n")) {
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new BodyException("bad header line in body part: " + line);
            }
            out.add(Map.entry(line.substring(0, colon).trim(), line.substring(colon + 1).trim()));
        }
        return List.copyOf(out);
    }

    public List<Map.Entry<String, String>> headers() {
        return headers;
    }

    public Optional<String> header(String name) {
        return headers.stream().filter(e -> e.getKey().equalsIgnoreCase(name)).map(Map.Entry::getValue).findFirst();
    }

    /** The part's Content-Type; {@code text/plain} when absent (RFC 2046 section 5.1). */
    public ContentType contentType() {
        return ContentType.parse(header("Content-Type").orElse("text/plain"));
    }

    /** The Content-ID without angle brackets. */
    public Optional<String> contentId() {
        return header("Content-ID").map(ContentIds::fromHeader);
    }

    public Optional<String> contentDisposition() {
        return header("Content-Disposition");
    }

    public String transferEncoding() {
        return header("Content-Transfer-Encoding").map(s -> s.trim().toLowerCase(Locale.ROOT)).orElse("binary");
    }

    /** The content bytes as carried (still transfer-encoded). */
    public byte[] content() {
        return Arrays.copyOfRange(raw, contentOffset, raw.length);
    }

    public String contentAsString() {
        return new String(raw, contentOffset, raw.length - contentOffset, StandardCharsets.UTF_8);
    }

    /**
     * The size of the decoded content: base64 is decoded (RFC 2045 section 6.8); binary, 8bit and
     * 7bit are measured as carried. Other encodings (quoted-printable) are measured as carried,
     * which can only overstate the size.
     */
    public long decodedSize() {
        if (transferEncoding().equals("base64")) {
            String text = new String(raw, contentOffset, raw.length - contentOffset, StandardCharsets.US_ASCII)
                    .replaceAll("[^A-Za-z0-9+/=]", "");
            try {
                return Base64.getDecoder().decode(text).length;
            } catch (IllegalArgumentException e) {
                throw new BodyException("bad base64 content in body part");
            }
        }
        return raw.length - contentOffset;
    }

    /**
     * A copy with new content and the same header section, byte for byte, except a Content-Length
     * header of the part, which is set to the new length.
     */
    public MimePart withContent(byte[] content) {
        // ISO-8859-1 maps every byte to one char and back, so untouched header bytes stay as they were.
        String head = new String(raw, 0, contentOffset, StandardCharsets.ISO_8859_1);
        head = CONTENT_LENGTH.matcher(head).replaceAll("$1" + content.length);
        byte[] headBytes = head.getBytes(StandardCharsets.ISO_8859_1);
        byte[] copy = Arrays.copyOf(headBytes, headBytes.length + content.length);
        System.arraycopy(content, 0, copy, headBytes.length, content.length);
        return new MimePart(copy);
    }


    byte[] raw() {
        return raw;
    }

    static boolean startsWith(byte[] b, int at, String ascii) {
        if (at + ascii.length() > b.length) {
            return false;
        }
        for (int i = 0; i < ascii.length(); i++) {
            if (b[at + i] != ascii.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    static int indexOf(byte[] b, byte[] needle) {
        return indexOf(b, needle, 0);
    }

    static int indexOf(byte[] b, byte[] needle, int from) {
        outer:
        for (int i = Math.max(0, from); i + needle.length <= b.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (b[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
