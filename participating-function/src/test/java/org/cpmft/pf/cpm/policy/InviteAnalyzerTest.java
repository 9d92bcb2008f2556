package org.cpmft.pf.cpm.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import org.cpmft.pf.cpm.Samples;
import org.cpmft.pf.cpm.header.SipHeaders;
import org.cpmft.pf.cpm.header.Warning;
import org.cpmft.pf.cpm.sdp.SdpSession;
import org.cpmft.pf.cpm.group.GroupSessionIdentities;
import org.junit.jupiter.api.Test;

class InviteAnalyzerTest {

    private static final String HOST = "pf.example.net";
    private static final SipHeaders FT = SipHeaders.of(
            "Accept-Contact", Samples.FT_ACCEPT_CONTACT,
            "Contact", "<sip:alice@192.0.2.1:5060>;+g.3gpp.icsi-ref=\"urn%3Aurn-7%3A3gpp-service.ims.icsi.oma.cpm.filetransfer\"");

    private final InviteAnalyzer defaults = new InviteAnalyzer(FileTransferPolicy.defaults(), HOST);

    private static String offer(long size) {
        return Samples.crlf("""
                v=0
                o=- 1 1 IN IP4 192.0.2.1
                s=-
                c=IN IP4 192.0.2.1
                t=0 0
                m=message 2855 TCP/MSRP *
                a=sendonly
                a=accept-types:*
                a=path:msrp://192.0.2.1:2855/s1;tcp
                a=file-selector:name:"a.jpg" type:image/jpeg size:%d
                a=file-transfer-id:ft1
                """.formatted(size));
    }

    private static String offerWithIcon(String cid) {
        return offer(1000) + "a=file-icon:cid:" + cid + "\r\n";
    }

    private static byte[] multipart(String sdp, String iconHeaders, byte[] icon) {
        byte[] head = ("--bnd\r\nContent-Type: application/sdp\r\n\r\n" + sdp + "\r\n--bnd\r\n" + iconHeaders + "\r\n")
                .getBytes(StandardCharsets.UTF_8);
        byte[] tail = "\r\n--bnd--\r\n".getBytes(StandardCharsets.UTF_8);
        byte[] out = Arrays.copyOf(head, head.length + icon.length + tail.length);
        System.arraycopy(icon, 0, out, head.length, icon.length);
        System.arraycopy(tail, 0, out, head.length + icon.length, tail.length);
        return out;
    }

    private static InviteDescription withIcon(int iconBytes) {
        byte[] body = multipart(offerWithIcon("icon@a"), "Content-Type: image/jpeg\r\nContent-ID: <icon@a>\r\n", new byte[iconBytes]);
        return new InviteDescription(FT, "multipart/mixed;boundary=bnd", body, false);
    }

    private static FtDecision.Reject rejected(FtDecision d) {
        assertThat(d).isInstanceOf(FtDecision.Reject.class);
        return (FtDecision.Reject) d;
    }

    private static FtDecision.Forward forwarded(FtDecision d) {
        assertThat(d).isInstanceOf(FtDecision.Forward.class);
        return (FtDecision.Forward) d;
    }

    @Test
    void forwardsAValidOfferUnchanged() {
        String sdp = offer(32349);
        FtDecision.Forward f = forwarded(defaults.analyze(InviteDescription.withSdp(FT, sdp)));
        assertThat(f.isFileTransfer()).isTrue();
        assertThat(f.modified()).isFalse();
        assertThat(f.group()).isFalse();
        assertThat(f.body().bytes()).isEqualTo(sdp.getBytes(StandardCharsets.UTF_8));
        assertThat(f.body().contentTypeValue()).isEqualTo("application/sdp");
        assertThat(f.sdp()).contains(SdpSession.parse(sdp));
        assertThat(f.fileTransfers()).hasSize(1);
        assertThat(f.fileTransfers().get(0).selector().size()).hasValue(32349);
        assertThat(f.fileTransfers().get(0).fileTransferId()).isEqualTo("ft1");
    }

    @Test
    void passesOtherServicesThroughUntouched() {
        SipHeaders chat = SipHeaders.of("Accept-Contact", Samples.CHAT_ACCEPT_CONTACT);
        byte[] junk = {1, 2, 3};
        FtDecision.Forward f = forwarded(defaults.analyze(new InviteDescription(chat, "not a content type", junk, true)));
        assertThat(f.isFileTransfer()).isFalse();
        assertThat(f.service().isSession()).isTrue();
        assertThat(f.body().bytes()).isEqualTo(junk);
        assertThat(f.body().contentTypeValue()).isEqualTo("not a content type");
        assertThat(f.fileTransfers()).isEmpty();
        assertThat(f.sdp()).isEmpty();
        FtDecision.Forward none = forwarded(defaults.analyze(new InviteDescription(null, null, null, false)));
        assertThat(none.service().service()).isEmpty();
        assertThat(none.body().isEmpty()).isTrue();
    }

    @Test
    void fileTransferWithoutSdpIs488() {
        FtDecision.Reject r = rejected(defaults.analyze(new InviteDescription(FT, null, null, false)));
        assertThat(r.status()).isEqualTo(488);
        assertThat(r.reasonPhrase()).isEqualTo("Not Acceptable Here");
        assertThat(r.warning()).contains(Warning.miscellaneous(HOST, "File transfer INVITE without SDP offer (RFC 5547)"));
        FtDecision.Reject text = rejected(defaults.analyze(new InviteDescription(FT, "text/plain", "x".getBytes(), false)));
        assertThat(text.status()).isEqualTo(488);
    }

    @Test
    void brokenBodyIs400() {
        FtDecision.Reject r = rejected(defaults.analyze(new InviteDescription(FT, "multipart/mixed", "x".getBytes(), false)));
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.warning().orElseThrow().text()).startsWith("Malformed message body");
        FtDecision.Reject noType = rejected(defaults.analyze(new InviteDescription(FT, null, "v=0".getBytes(), false)));
        assertThat(noType.status()).isEqualTo(400);
    }

    @Test
    void unparseableSdpIs488() {
        FtDecision.Reject r = rejected(defaults.analyze(InviteDescription.withSdp(FT, "hello")));
        assertThat(r.status()).isEqualTo(488);
        assertThat(r.warning().orElseThrow().headerValue())
                .isEqualTo("399 pf.example.net \"Malformed SDP (RFC 4566): SDP does not start with v=\"");
    }

    @Test
    void invalidOfferIs488NamingTheFirstProblem() {
        String noSelector = offer(5).replace("a=file-selector:name:\"a.jpg\" type:image/jpeg size:5\r\n", "");
        FtDecision.Reject r = rejected(defaults.analyze(InviteDescription.withSdp(FT, noSelector)));
        assertThat(r.status()).isEqualTo(488);
        assertThat(r.warning().orElseThrow().headerValue())
                .isEqualTo("399 pf.example.net \"m-line 1: Missing a=file-selector (RFC 5547 section 6)\"");
        assertThat(r.logReason()).contains("MISSING_FILE_SELECTOR");
    }

    @Test
    void fileLargerThanPolicyIs403SizeExceeded() {
        InviteAnalyzer small = new InviteAnalyzer(new FileTransferPolicy(1000, 10240, ThumbnailHandling.STRIP, false), HOST);
        FtDecision.Reject r = rejected(small.analyze(InviteDescription.withSdp(FT, offer(1001))));
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.reasonPhrase()).isEqualTo("Forbidden");
        assertThat(r.warning().orElseThrow().headerValue()).isEqualTo("399 pf.example.net \"133 Size exceeded\"");
        assertThat(r.logReason()).contains("1001").contains("1000");
        forwarded(small.analyze(InviteDescription.withSdp(FT, offer(1000))));
        String noSize = offer(1).replace(" size:1", "");
        forwarded(small.analyze(InviteDescription.withSdp(FT, noSize)));
        InviteAnalyzer unlimited = new InviteAnalyzer(new FileTransferPolicy(0, 10240, ThumbnailHandling.STRIP, false), HOST);
        forwarded(unlimited.analyze(InviteDescription.withSdp(FT, offer(Long.MAX_VALUE / 1000))));
    }

    @Test
    void secondFileOverTheLimitIsEnough() {
        InviteAnalyzer small = new InviteAnalyzer(new FileTransferPolicy(1500, 10240, ThumbnailHandling.STRIP, false), HOST);
        FtDecision.Reject r = rejected(small.analyze(InviteDescription.withSdp(FT, Samples.TWO_FILES)));
        assertThat(r.warning().orElseThrow().text()).isEqualTo(CpmWarnings.SIZE_EXCEEDED);
        assertThat(r.logReason()).contains("ft2");
    }

    @Test
    void groupSessionFileTransferRefusedWith122() {
        InviteDescription known = new InviteDescription(FT, "application/sdp", offer(10).getBytes(), true);
        FtDecision.Reject r = rejected(defaults.analyze(known));
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.warning().orElseThrow().headerValue()).isEqualTo("399 pf.example.net \"122 Function not allowed\"");
        assertThat(r.logReason()).contains("group session");

        SipHeaders focus = SipHeaders.of("Accept-Contact", Samples.FT_ACCEPT_CONTACT, "Contact", "<sip:conf1@cf.example.net>;isfocus");
        assertThat(rejected(defaults.analyze(InviteDescription.withSdp(focus, offer(10)))).logReason()).contains("isfocus");

        byte[] withList = ("--b\r\nContent-Type: application/sdp\r\n\r\n" + offer(10) + "\r\n--b\r\n"
                + "Content-Type: application/resource-lists+xml\r\nContent-Disposition: recipient-list\r\n\r\n"
                + "<resource-lists xmlns=\"urn:ietf:params:xml:ns:resource-lists\"><list><entry uri=\"sip:b@x\"/><entry uri=\"sip:c@x\"/></list></resource-lists>"
                + "\r\n--b--").getBytes(StandardCharsets.UTF_8);
        FtDecision.Reject list = rejected(defaults.analyze(new InviteDescription(FT, "multipart/mixed;boundary=b", withList, false)));
        assertThat(list.warning().orElseThrow().text()).isEqualTo(CpmWarnings.FUNCTION_NOT_ALLOWED);
        assertThat(list.logReason()).contains("resource-list");
    }

    @Test
    void groupFileTransferWhenAllowedTakesOneFileOnly() {
        InviteAnalyzer allowed = new InviteAnalyzer(new FileTransferPolicy(0, 10240, ThumbnailHandling.STRIP, true), HOST);
        FtDecision.Forward f = forwarded(allowed.analyze(new InviteDescription(FT, "application/sdp", offer(10).getBytes(), true)));
        assertThat(f.group()).isTrue();
        FtDecision.Reject r = rejected(allowed.analyze(new InviteDescription(FT, "application/sdp", Samples.TWO_FILES.getBytes(), true)));
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.warning().orElseThrow().text()).isEqualTo(CpmWarnings.FUNCTION_NOT_ALLOWED);
        assertThat(r.logReason()).startsWith("2 files");
        // two files to one recipient are fine (CPM 7.4.1 1.d)
        assertThat(forwarded(allowed.analyze(InviteDescription.withSdp(FT, Samples.TWO_FILES))).fileTransfers()).hasSize(2);
    }

    @Test
    void requestUriNamingAProvisionedGroupSessionIdentityIsAGroupTransfer() {
        FileTransferPolicy policy = new FileTransferPolicy(0, 10240, ThumbnailHandling.STRIP, false,
                GroupSessionIdentities.of(java.util.List.of("sip:conf-!.*!@cf.example.net")));
        InviteAnalyzer analyzer = new InviteAnalyzer(policy, HOST);
        assertThat(analyzer.isGroupSession(FT, "sip:conf-77@cf.example.net")).isTrue();
        assertThat(analyzer.isGroupSession(FT, "sip:bob@example.net")).isFalse();
        boolean known = analyzer.isGroupSession(FT, "sip:conf-77@cf.example.net");
        FtDecision.Reject r = rejected(analyzer.analyze(new InviteDescription(FT, "application/sdp", offer(10).getBytes(), known)));
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.warning().orElseThrow().text()).isEqualTo(CpmWarnings.FUNCTION_NOT_ALLOWED);
        assertThat(r.logReason()).contains("Request-URI is a CPM Group Session Identity");
        // the default policy provisions none
        assertThat(defaults.isGroupSession(FT, "sip:conf-77@cf.example.net")).isFalse();
    }

    @Test
    void groupCheckComesBeforeSize() {
        InviteAnalyzer small = new InviteAnalyzer(new FileTransferPolicy(1, 10240, ThumbnailHandling.STRIP, false), HOST);
        FtDecision.Reject r = rejected(small.analyze(new InviteDescription(FT, "application/sdp", offer(10).getBytes(), true)));
        assertThat(r.warning().orElseThrow().text()).isEqualTo(CpmWarnings.FUNCTION_NOT_ALLOWED);
    }

    @Test
    void smallThumbnailIsKept() {
        InviteDescription invite = withIcon(10240);
        FtDecision.Forward f = forwarded(defaults.analyze(invite));
        assertThat(f.modified()).isFalse();
        assertThat(f.body().bytes()).isEqualTo(invite.body());
        assertThat(f.body().isMultipart()).isTrue();
        assertThat(f.fileTransfers().get(0).iconContentId()).contains("icon@a");
    }

    @Test
    void oversizeThumbnailIsStrippedByDefault() {
        FtDecision.Forward f = forwarded(defaults.analyze(withIcon(10241)));
        assertThat(f.modified()).isTrue();
        assertThat(f.modifications()).singleElement().asString().contains("icon@a").contains("10241");
        assertThat(f.body().isMultipart()).isFalse();
        assertThat(f.body().contentTypeValue()).isEqualTo("application/sdp");
        assertThat(new String(f.body().bytes(), StandardCharsets.UTF_8)).isEqualTo(offer(1000));
        assertThat(f.sdp().orElseThrow().media(0).hasAttribute("file-icon")).isFalse();
        assertThat(f.fileTransfers().get(0).iconContentId()).isEmpty();
    }

    @Test
    void oversizeThumbnailRefusedWhenConfigured() {
        InviteAnalyzer refuse = new InviteAnalyzer(
                new FileTransferPolicy(0, 10240, ThumbnailHandling.REFUSE, false), HOST);
        FtDecision.Reject r = rejected(refuse.analyze(withIcon(10241)));
        assertThat(r.status()).isEqualTo(488);
        assertThat(r.warning().orElseThrow().text()).isEqualTo("File icon larger than 10240 bytes");
        forwarded(refuse.analyze(withIcon(100)));
    }

    @Test
    void base64ThumbnailIsMeasuredDecoded() {
        byte[] raw = new byte[9000];
        byte[] b64 = Base64.getMimeEncoder().encode(raw);
        assertThat(b64.length).isGreaterThan(10240);
        byte[] body = multipart(offerWithIcon("icon@a"),
                "Content-Type: image/jpeg\r\nContent-Transfer-Encoding: base64\r\nContent-ID: <icon@a>\r\n", b64);
        FtDecision.Forward f = forwarded(defaults.analyze(new InviteDescription(FT, "multipart/mixed;boundary=bnd", body, false)));
        assertThat(f.modified()).isFalse();
        byte[] broken = multipart(offerWithIcon("icon@a"),
                "Content-Type: image/jpeg\r\nContent-Transfer-Encoding: base64\r\nContent-ID: <icon@a>\r\n", "@@@=A".getBytes());
        assertThat(rejected(defaults.analyze(new InviteDescription(FT, "multipart/mixed;boundary=bnd", broken, false))).status())
                .isEqualTo(400);
    }

    @Test
    void iconReferenceWithoutBodyPartIsRemoved() {
        FtDecision.Forward f = forwarded(defaults.analyze(InviteDescription.withSdp(FT, offerWithIcon("ghost@a"))));
        assertThat(f.modified()).isTrue();
        assertThat(f.modifications().get(0)).contains("ghost@a");
        assertThat(f.sdp().orElseThrow().media(0).hasAttribute("file-icon")).isFalse();
        assertThat(new String(f.body().bytes(), StandardCharsets.UTF_8)).isEqualTo(offer(1000));
    }

    @Test
    void strippingKeepsOtherPartsAndSharedIcons() {
        String sdp = Samples.TWO_FILES.replace("a=file-transfer-id:ft1\r\n", "a=file-transfer-id:ft1\r\na=file-icon:cid:big@a\r\n")
                .replace("a=file-transfer-id:ft2\r\n", "a=file-transfer-id:ft2\r\na=file-icon:cid:small@a\r\n");
        byte[] body = ("--b\r\nContent-Type: application/sdp\r\n\r\n" + sdp + "\r\n"
                + "--b\r\nContent-Type: image/png\r\nContent-ID: <big@a>\r\n\r\n" + "x".repeat(20000) + "\r\n"
                + "--b\r\nContent-Type: image/png\r\nContent-ID: <small@a>\r\n\r\n" + "y".repeat(10) + "\r\n--b--\r\n")
                .getBytes(StandardCharsets.UTF_8);
        FtDecision.Forward f = forwarded(defaults.analyze(new InviteDescription(FT, "multipart/mixed;boundary=b", body, false)));
        assertThat(f.body().isMultipart()).isTrue();
        assertThat(f.body().partByContentId("big@a")).isEmpty();
        assertThat(f.body().partByContentId("small@a")).isPresent();
        SdpSession out = SdpSession.parse(f.body().sdp().orElseThrow());
        assertThat(out.media(0).hasAttribute("file-icon")).isFalse();
        assertThat(out.media(1).fileIconContentId()).contains("small@a");
        assertThat(f.fileTransfers()).extracting(t -> t.iconContentId().orElse("-")).containsExactly("-", "small@a");
    }

    @Test
    void descriptionFromPlainMap() {
        InviteDescription d = InviteDescription.of(Map.of("a", List.of(Samples.FT_ACCEPT_CONTACT)), "application/sdp",
                offer(1).getBytes(StandardCharsets.UTF_8), false);
        assertThat(forwarded(defaults.analyze(d)).isFileTransfer()).isTrue();
        byte[] b = d.body();
        b[0] = 'X';
        assertThat(d.body()[0]).isEqualTo((byte) 'v');
    }

    @Test
    void policyValues() {
        assertThat(FileTransferPolicy.defaults()).isEqualTo(
                new FileTransferPolicy(100L * 1024 * 1024, 10240, ThumbnailHandling.STRIP, false));
        assertThat(FileTransferPolicy.defaults().exceedsMaxFileSize(100L * 1024 * 1024 + 1)).isTrue();
        assertThat(new FileTransferPolicy(0, 0, ThumbnailHandling.REFUSE, true).exceedsMaxFileSize(Long.MAX_VALUE)).isFalse();
        assertThatThrownBy(() -> new FileTransferPolicy(-1, 0, ThumbnailHandling.STRIP, false)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new FileTransferPolicy(0, -1, ThumbnailHandling.STRIP, false)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new FileTransferPolicy(0, 0, null, false)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new InviteAnalyzer(null, HOST)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new InviteAnalyzer(FileTransferPolicy.defaults(), "bad host")).isInstanceOf(IllegalArgumentException.class);
        assertThat(defaults.policy()).isEqualTo(FileTransferPolicy.defaults());
    }

    @Test
    void reInviteInFileTransferDialog() {
        SipHeaders noTags = SipHeaders.of("Contact", "<sip:alice@192.0.2.1>");
        // a re-INVITE reusing m-lines for new files gets the same checks (CPM 7.4.1 2.b.i)
        InviteAnalyzer small = new InviteAnalyzer(new FileTransferPolicy(1000, 10240, ThumbnailHandling.STRIP, false), HOST);
        FtDecision.Reject tooBig = rejected(small.analyzeInDialog(InviteDescription.withSdp(noTags, offer(5000))));
        assertThat(tooBig.warning().orElseThrow().text()).isEqualTo(CpmWarnings.SIZE_EXCEEDED);
        FtDecision.Forward ok = forwarded(small.analyzeInDialog(InviteDescription.withSdp(noTags, offer(10))));
        assertThat(ok.isFileTransfer()).isTrue();
        assertThat(ok.service().source()).isEqualTo(org.cpmft.pf.cpm.feature.ServiceIndication.Source.DIALOG);
        // every stream closed (CPM 7.4.1 2.b.ii) and no SDP at all (session refresh) are forwarded
        String allClosed = offer(10).replace("m=message 2855", "m=message 0");
        assertThat(forwarded(small.analyzeInDialog(InviteDescription.withSdp(noTags, allClosed))).fileTransfers()).isEmpty();
        FtDecision.Forward refresh = forwarded(small.analyzeInDialog(new InviteDescription(noTags, null, null, false)));
        assertThat(refresh.body().isEmpty()).isTrue();
        // outside a dialog, the same request without feature tags is not a file transfer
        assertThat(forwarded(small.analyzeInDialog(InviteDescription.withSdp(noTags, offer(10)))).isFileTransfer()).isTrue();
        assertThat(forwarded(small.analyze(InviteDescription.withSdp(noTags, offer(5000)))).isFileTransfer()).isFalse();
        // but a broken offer in a dialog is still refused
        assertThat(rejected(small.analyzeInDialog(InviteDescription.withSdp(noTags, "v=0\r\nm=message 1 TCP/MSRP *\r\n"))).status())
                .isEqualTo(488);
    }
}
