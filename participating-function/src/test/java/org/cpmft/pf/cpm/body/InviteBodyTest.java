package org.cpmft.pf.cpm.body;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class InviteBodyTest {

    private static final String SDP = MultipartBodyTest.SDP;

    @Test
    void plainSdp() {
        InviteBody b = InviteBody.parse("application/sdp", SDP.getBytes(StandardCharsets.UTF_8));
        assertThat(b.isMultipart()).isFalse();
        assertThat(b.sdp()).contains(SDP);
        assertThat(b.contentTypeValue()).isEqualTo("application/sdp");
        assertThat(b.parts()).isEmpty();
        InviteBody changed = b.withSdp("v=0\r\n");
        assertThat(changed.bytes()).isEqualTo("v=0\r\n".getBytes(StandardCharsets.UTF_8));
        assertThat(b.withoutPart("x")).isSameAs(b);
        assertThat(InviteBody.ofSdp(SDP).sdp()).contains(SDP);
    }

    @Test
    void emptyAndNonSdpBodies() {
        InviteBody none = InviteBody.parse(null, null);
        assertThat(none.isEmpty()).isTrue();
        assertThat(none.sdp()).isEmpty();
        assertThat(none.contentTypeValue()).isNull();
        assertThat(none.contentType()).isEmpty();
        InviteBody text = InviteBody.parse("text/plain", "hi".getBytes(StandardCharsets.UTF_8));
        assertThat(text.sdp()).isEmpty();
        assertThatThrownBy(() -> text.withSdp("v=0")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> InviteBody.parse(null, new byte[] {1})).isInstanceOf(BodyException.class);
        InviteBody opaque = InviteBody.opaque("bogus", new byte[] {1, 2});
        assertThat(opaque.bytes()).containsExactly(1, 2);
        assertThat(opaque.contentTypeValue()).isEqualTo("bogus");
        assertThat(opaque.contentType()).isEmpty();
        assertThat(InviteBody.opaque("x", null).contentTypeValue()).isNull();
    }

    @Test
    void multipartWithIconAndResourceList() {
        byte[] body = ("--b\r\nContent-Type: application/resource-lists+xml\r\nContent-Disposition: recipient-list\r\n\r\n<resource-lists/>\r\n"
                + "--b\r\nContent-Type: application/sdp\r\n\r\n" + SDP + "\r\n"
                + "--b\r\nContent-Type: image/jpeg\r\nContent-ID: <i@h>\r\n\r\nJPEG\r\n--b--\r\n").getBytes(StandardCharsets.UTF_8);
        InviteBody b = InviteBody.parse("multipart/mixed;boundary=b", body);
        assertThat(b.isMultipart()).isTrue();
        assertThat(b.sdp()).contains(SDP);
        assertThat(b.contains(ContentType.RESOURCE_LISTS)).isTrue();
        assertThat(b.contains("image/png")).isFalse();
        assertThat(b.partByContentId("i@h").orElseThrow().decodedSize()).isEqualTo(4);
        assertThat(b.partByContentId("x@h")).isEmpty();
        assertThat(b.bytes()).isEqualTo(body);

        InviteBody noIcon = b.withoutPart("i@h");
        assertThat(noIcon.isMultipart()).isTrue();
        assertThat(noIcon.parts()).hasSize(2);
        assertThat(noIcon.sdp()).contains(SDP);
        assertThat(noIcon.contentTypeValue()).isEqualTo("multipart/mixed;boundary=b");

        InviteBody newSdp = b.withSdp("v=0\r\nx=1\r\n");
        assertThat(newSdp.sdp()).contains("v=0\r\nx=1\r\n");
        assertThat(newSdp.partByContentId("i@h")).isPresent();
        assertThat(newSdp.contains(ContentType.RESOURCE_LISTS)).isTrue();
    }

    @Test
    void removingTheIconCollapsesToPlainSdp() {
        byte[] body = MultipartBodyTest.sdpAndIcon("bnd", MultipartBodyTest.icon(20));
        InviteBody b = InviteBody.parse("multipart/mixed; boundary=\"bnd\"", body);
        InviteBody collapsed = b.withoutPart("icon1@alice.example.com");
        assertThat(collapsed.isMultipart()).isFalse();
        assertThat(collapsed.contentTypeValue()).isEqualTo("application/sdp");
        assertThat(new String(collapsed.bytes(), StandardCharsets.UTF_8)).isEqualTo(SDP);
        assertThat(collapsed.sdp()).contains(SDP);
        assertThat(b.withoutPart("nope")).isSameAs(b);
    }

    @Test
    void sdpPartCannotBeRemoved() {
        byte[] body = ("--b\r\nContent-Type: application/sdp\r\nContent-ID: <s@h>\r\n\r\n" + SDP + "\r\n--b\r\n\r\nx\r\n--b--")
                .getBytes(StandardCharsets.UTF_8);
        InviteBody b = InviteBody.parse("multipart/mixed;boundary=b", body);
        assertThatThrownBy(() -> b.withoutPart("s@h")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void multipartWithoutSdp() {
        byte[] body = "--b\r\nContent-Type: text/plain\r\n\r\nx\r\n--b--".getBytes(StandardCharsets.UTF_8);
        assertThat(InviteBody.parse("multipart/mixed;boundary=b", body).sdp()).isEmpty();
    }
}
