package org.cpmft.pf.cpm.sdp;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Content-ID and {@code cid:} URL handling (RFC 2392). */
public final class ContentIds {

    private ContentIds() {
    }

    /** {@code cid:abc%40host} gives {@code abc@host}; the {@code cid:} scheme is case-insensitive. */
    public static String decodeCidUrl(String cidUrl) {
        String t = cidUrl.trim();
        if (t.regionMatches(true, 0, "cid:", 0, 4)) {
            t = t.substring(4);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(t.length());
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            if (c == '%' && i + 2 < t.length()
                    && Character.digit(t.charAt(i + 1), 16) >= 0 && Character.digit(t.charAt(i + 2), 16) >= 0) {
                out.write(Integer.parseInt(t.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                out.write(b, 0, b.length);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** A Content-ID header value {@code <abc@host>} without its angle brackets. */
    public static String fromHeader(String contentIdHeader) {
        String t = contentIdHeader.trim();
        if (t.startsWith("<") && t.endsWith(">")) {
            t = t.substring(1, t.length() - 1).trim();
        }
        return t;
    }

    /** The cid URL that references the given Content-ID ({@code %}, space and {@code <>} escaped). */
    public static String toCidUrl(String contentId) {
        StringBuilder sb = new StringBuilder("cid:");
        for (char c : contentId.toCharArray()) {
            if (c == '%' || c == ' ' || c == '<' || c == '>' || c == '"') {
                sb.append('%').append(String.format("%02X", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
