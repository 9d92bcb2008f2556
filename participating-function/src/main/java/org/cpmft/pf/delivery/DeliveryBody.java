package org.cpmft.pf.delivery;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The body of a delivery INVITE: the SDP offer alone, or, when the file has a thumbnail, a
 * {@code multipart/related} body (RFC 2387, root the SDP) with the icon part under the Content-ID
 * that {@code a=file-icon:cid:} names (RFC 5547 section 6, RFC 2392), as in the original offer.
 *
 * <p>The icon is sent base64-encoded (RFC 2045 section 6.8). A stored icon that already is base64
 * text (it was kept as the original part carried it) goes as it is; raw bytes are encoded.
 *
 * @param contentType the Content-Type header value
 * @param bytes       the body
 */
record DeliveryBody(String contentType, byte[] bytes) {

    static final String SDP = "application/sdp";
    private static final Pattern BASE64_TEXT = Pattern.compile("[A-Za-z0-9+/=\\r\\n \\t]+");

    static DeliveryBody of(String sdp, Optional<String> iconContentId, Optional<byte[]> icon,
                           Optional<String> iconContentType) {
        byte[] sdpBytes = sdp.getBytes(StandardCharsets.UTF_8);
        if (iconContentId.isEmpty() || icon.isEmpty() || icon.get().length == 0) {
            return new DeliveryBody(SDP, sdpBytes);
        }
        String boundary = "pf-" + Long.toHexString(System.nanoTime()) + "-icon";
        ByteArrayOutputStream out = new ByteArrayOutputStream(sdpBytes.length + icon.get().length * 2 + 256);
        ascii(out, "--" + boundary + "\r\nContent-Type: " + SDP + "\r\n\r\n");
        out.writeBytes(sdpBytes);
        ascii(out, "\r\n--" + boundary + "\r\nContent-Type: "
                + iconContentType.filter(t -> !t.isBlank() && t.chars().noneMatch(c -> c < 0x20))
                        .orElse("application/octet-stream")
                + "\r\nContent-Transfer-Encoding: base64\r\nContent-ID: <" + iconContentId.get() + ">\r\n\r\n");
        out.writeBytes(base64Text(icon.get()));
        ascii(out, "\r\n--" + boundary + "--\r\n");
        return new DeliveryBody("multipart/related;type=\"" + SDP + "\";boundary=" + boundary, out.toByteArray());
    }

    /** The icon as base64 lines of 76 characters, unless it already is base64 text. */
    static byte[] base64Text(byte[] icon) {
        String text = new String(icon, StandardCharsets.ISO_8859_1);
        if (BASE64_TEXT.matcher(text).matches()) {
            try {
                Base64.getMimeDecoder().decode(text);
                return text.strip().getBytes(StandardCharsets.US_ASCII);
            } catch (IllegalArgumentException notBase64) {
                // raw bytes that happen to look like text: encode them
            }
        }
        return Base64.getMimeEncoder().encode(icon);
    }

    private static void ascii(ByteArrayOutputStream out, String s) {
        out.writeBytes(s.getBytes(StandardCharsets.US_ASCII));
    }
}
