package org.cpmft.pf.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import org.cpmft.pf.cpm.body.InviteBody;
import org.cpmft.pf.cpm.body.MimePart;
import org.junit.jupiter.api.Test;

/** The delivery INVITE's body: the thumbnail travels under its original Content-ID (RFC 5547 6, RFC 2387). */
class DeliveryBodyTest {

    private static final String SDP = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
            + "m=message 2855 TCP/MSRP *\r\na=file-icon:cid:icon1@example.net\r\n";

    @Test
    void withoutAnIconTheBodyIsTheSdp() {
        DeliveryBody b = DeliveryBody.of(SDP, Optional.of("icon1@example.net"), Optional.empty(), Optional.empty());
        assertThat(b.contentType()).isEqualTo("application/sdp");
        assertThat(new String(b.bytes(), StandardCharsets.UTF_8)).isEqualTo(SDP);
    }

    @Test
    void aRawIconGoesBase64InAMultipartRelatedPartWithItsContentId() {
        byte[] icon = {(byte) 0xff, (byte) 0xd8, (byte) 0xff, 0, 1, 2, (byte) 0x80};
        DeliveryBody b = DeliveryBody.of(SDP, Optional.of("icon1@example.net"), Optional.of(icon),
                Optional.of("image/jpeg"));
        assertThat(b.contentType()).startsWith("multipart/related;type=\"application/sdp\";boundary=");
        InviteBody parsed = InviteBody.parse(b.contentType(), b.bytes());
        assertThat(parsed.sdp()).hasValue(SDP);
        MimePart part = parsed.partByContentId("icon1@example.net").orElseThrow();
        assertThat(part.contentType().mimeType()).isEqualTo("image/jpeg");
        assertThat(part.transferEncoding()).isEqualTo("base64");
        assertThat(Base64.getMimeDecoder().decode(part.content())).isEqualTo(icon);
    }

    @Test
    void anIconKeptAsBase64TextIsNotEncodedTwice() {
        byte[] raw = new byte[300];
        for (int i = 0; i < raw.length; i++) {
            raw[i] = (byte) (i * 7);
        }
        byte[] text = Base64.getMimeEncoder().encode(raw);
        DeliveryBody b = DeliveryBody.of(SDP, Optional.of("icon1@example.net"), Optional.of(text),
                Optional.of("image/png"));
        MimePart part = InviteBody.parse(b.contentType(), b.bytes()).partByContentId("icon1@example.net").orElseThrow();
        assertThat(Base64.getMimeDecoder().decode(part.content())).isEqualTo(raw);
    }
}
