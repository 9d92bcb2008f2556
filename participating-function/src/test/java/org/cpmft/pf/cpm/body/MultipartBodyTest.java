package org.cpmft.pf.cpm.body;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MultipartBodyTest {

    static final String SDP = "v=0\r\no=- 1 1 IN IP4 h\r\ns=-\r\nt=0 0\r\n";

    static byte[] icon(int size) {
        byte[] b = new byte[size];
        new Random(size).nextBytes(b);
        return b;
    }

    /** A multipart/mixed INVITE body: SDP then a binary JPEG thumbnail, as RCS clients send it. */
    static byte[] sdpAndIcon(String boundary, byte[] icon) {
        byte[] head = ("--" + boundary + "\r\n"
                + "Content-Type: application/sdp\r\n"
                + "Content-Length: " + SDP.length() + "\r\n\r\n"
                + SDP + "\r\n"
                + "--" + boundary + "\r\n"
                + "Content-Type: image/jpeg\r\n"
                + "Content-Transfer-Encoding: binary\r\n"
                + "Content-ID: <icon1@alice.example.com>\r\n"
                + "Content-Disposition: icon\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] out = Arrays.copyOf(head, head.length + icon.length + tail.length);
        System.arraycopy(icon, 0, out, head.length, icon.length);
        System.arraycopy(tail, 0, out, head.length + icon.length, tail.length);
        return out;
    }

    @Test
    void parsesSdpAndBinaryIcon() {
        byte[] iconBytes = icon(5000);
        byte[] body = sdpAndIcon("boundary1", iconBytes);
        MultipartBody mp = MultipartBody.parse(ContentType.parse("multipart/mixed;boundary=boundary1"), body);
        assertThat(mp.parts()).hasSize(2);
        assertThat(mp.part(0).contentType().is("application/sdp")).isTrue();
        assertThat(mp.part(0).contentAsString()).isEqualTo(SDP);
        MimePart icon = mp.part(1);
        assertThat(icon.contentId()).contains("icon1@alice.example.com");
        assertThat(icon.content()).isEqualTo(iconBytes);
        assertThat(icon.decodedSize()).isEqualTo(5000);
        assertThat(icon.contentDisposition()).contains("icon");
        assertThat(icon.transferEncoding()).isEqualTo("binary");
        assertThat(mp.format()).isEqualTo(body);
        assertThat(mp.boundary()).isEqualTo("boundary1");
    }

    @Test
    void binaryContentThatLooksLikeABoundaryIsNotOne() {
        byte[] tricky = "xx\r\n--boundary1zz\r\n--boundary1 x\r\n".getBytes(StandardCharsets.US_ASCII);
        byte[] body = sdpAndIcon("boundary1", tricky);
        MultipartBody mp = MultipartBody.parse("boundary1", body);
        assertThat(mp.parts()).hasSize(2);
        assertThat(mp.part(1).content()).isEqualTo(tricky);
        assertThat(mp.format()).isEqualTo(body);
    }

    @Test
    void preambleEpiloguePaddingAndLfOnlyAreKept() {
        String text = "This is a preamble\n--b  \t\nContent-Type: text/plain\n\nhello\n--b\n\nno headers\n--b--\nepilogue";
        MultipartBody mp = MultipartBody.parse("b", text.getBytes(StandardCharsets.US_ASCII));
        assertThat(mp.parts()).hasSize(2);
        assertThat(mp.part(0).contentAsString()).isEqualTo("hello");
        assertThat(mp.part(1).headers()).isEmpty();
        assertThat(mp.part(1).contentType().mimeType()).isEqualTo("text/plain");
        assertThat(mp.part(1).contentAsString()).isEqualTo("no headers");
        assertThat(new String(mp.format(), StandardCharsets.US_ASCII)).isEqualTo(text);
    }

    @Test
    void missingCloseDelimiterIsTolerated() {
        String text = "--b\r\nContent-Type: application/sdp\r\n\r\nv=0\r\n";
        MultipartBody mp = MultipartBody.parse("b", text.getBytes(StandardCharsets.US_ASCII));
        assertThat(mp.parts()).hasSize(1);
        assertThat(mp.part(0).contentAsString()).isEqualTo("v=0\r\n");
        assertThat(new String(mp.format(), StandardCharsets.US_ASCII)).isEqualTo(text);
    }

    @Test
    void foldedHeadersAndBase64() {
        byte[] raw = icon(3000);
        String b64 = Base64.getMimeEncoder().encodeToString(raw);
        String text = "--b\r\nContent-Type: image/png;\r\n name=\"t.png\"\r\nContent-Transfer-Encoding: BASE64\r\n"
                + "Content-ID: <t@h>\r\n\r\n" + b64 + "\r\n--b--";
        MimePart p = MultipartBody.parse("b", text.getBytes(StandardCharsets.US_ASCII)).part(0);
        assertThat(p.contentType().param("name")).contains("t.png");
        assertThat(p.transferEncoding()).isEqualTo("base64");
        assertThat(p.decodedSize()).isEqualTo(3000);
        String broken = "--b\r\nContent-Transfer-Encoding: base64\r\n\r\n@@@=A\r\n--b--";
        MimePart bad = MultipartBody.parse("b", broken.getBytes(StandardCharsets.US_ASCII)).part(0);
        assertThatThrownBy(bad::decodedSize).isInstanceOf(BodyException.class);
    }

    @Test
    void removesAndReplacesPartsKeepingTheRestByteExact() {
        byte[] iconBytes = icon(100);
        String b = "xyz";
        MultipartBody mp = MultipartBody.parse(b, sdpAndIcon(b, iconBytes));
        MultipartBody noIcon = mp.withoutPart(1);
        String expected = "--xyz\r\nContent-Type: application/sdp\r\nContent-Length: " + SDP.length() + "\r\n\r\n"
                + SDP + "\r\n--xyz--\r\n";
        assertThat(new String(noIcon.format(), StandardCharsets.ISO_8859_1)).isEqualTo(expected);
        MultipartBody noSdp = mp.withoutPart(0);
        assertThat(noSdp.parts()).hasSize(1);
        assertThat(noSdp.part(0).content()).isEqualTo(iconBytes);
        assertThatThrownBy(() -> noIcon.withoutPart(0)).isInstanceOf(IllegalStateException.class);
        MultipartBody newSdp = mp.withPart(0, mp.part(0).withContent("v=1\r\n".getBytes(StandardCharsets.US_ASCII)));
        assertThat(newSdp.part(0).contentAsString()).isEqualTo("v=1\r\n");
        assertThat(newSdp.part(0).header("Content-Type")).isEqualTo(mp.part(0).header("Content-Type"));
        assertThat(newSdp.part(0).header("Content-Length")).contains("5");
        assertThat(newSdp.part(1).content()).isEqualTo(iconBytes);
        assertThat(MultipartBody.parse(b, newSdp.format()).parts()).hasSize(2);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "no delimiter at all",
            "--b--\r\n",
            "--b",
            "--b\r\nContent-Type text/plain\r\n\r\nx\r\n--b--",
            "--b\r\nContent-Type: text/plain\r\nno blank line\r\n--b--"
    })
    void rejectsBrokenFraming(String text) {
        assertThatThrownBy(() -> MultipartBody.parse("b", text.getBytes(StandardCharsets.US_ASCII)))
                .isInstanceOf(BodyException.class);
    }

    @Test
    void boundaryComesFromContentType() {
        assertThatThrownBy(() -> MultipartBody.parse(ContentType.parse("multipart/mixed"), new byte[1]))
                .isInstanceOf(BodyException.class).hasMessageContaining("boundary");
        assertThatThrownBy(() -> MultipartBody.parse(ContentType.parse("application/sdp"), new byte[1]))
                .isInstanceOf(BodyException.class);
        assertThatThrownBy(() -> MultipartBody.parse(ContentType.parse("multipart/mixed;boundary=\"" + "x".repeat(71) + "\""), new byte[1]))
                .isInstanceOf(BodyException.class);
        MultipartBody mp = MultipartBody.parse(ContentType.parse("Multipart/Mixed; BOUNDARY=\"a b:c\""),
                "--a b:c\r\n\r\nx\r\n--a b:c--".getBytes(StandardCharsets.US_ASCII));
        assertThat(mp.part(0).contentAsString()).isEqualTo("x");
    }

    @Test
    void partCountIsBounded() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i <= MultipartBody.MAX_PARTS; i++) {
            sb.append("--b\r\n\r\nx\r\n");
        }
        sb.append("--b--");
        assertThatThrownBy(() -> MultipartBody.parse("b", sb.toString().getBytes(StandardCharsets.US_ASCII)))
                .isInstanceOf(BodyException.class).hasMessageContaining("64");
    }

    @Test
    void newPartFromHeadersAndContent() {
        MimePart p = MimePart.of("hi".getBytes(StandardCharsets.US_ASCII), "Content-Type", "text/plain", "Content-ID", "<a@b>");
        assertThat(p.contentId()).contains("a@b");
        assertThat(p.header("content-type")).contains("text/plain");
        assertThat(p.contentAsString()).isEqualTo("hi");
    }

    @Test
    void contentTypes() {
        ContentType ct = ContentType.parse("multipart/mixed; boundary=\"x;y\"; charset=utf-8");
        assertThat(ct.mimeType()).isEqualTo("multipart/mixed");
        assertThat(ct.isMultipart()).isTrue();
        assertThat(ct.param("BOUNDARY")).contains("x;y");
        assertThat(ct.param("nothing")).isEmpty();
        assertThat(ct.format()).isEqualTo("multipart/mixed;boundary=\"x;y\";charset=utf-8");
        assertThat(ContentType.parse("APPLICATION/SDP").is("application/sdp")).isTrue();
        for (String bad : new String[] {"", " ", "sdp", "application/", "/sdp", "a b/c", "text/plain;charset", null}) {
            assertThatThrownBy(() -> ContentType.parse(bad)).as(String.valueOf(bad)).isInstanceOf(BodyException.class);
        }
    }
}
