package org.cpmft.pf.deferral;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Set;
import javax.xml.parsers.DocumentBuilderFactory;
import org.cpmft.store.transfer.ImdnRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.w3c.dom.Document;

/** Pure logic of the deferral package: outcome mapping, device choice, IMDN bodies. */
class DeferralRulesUnitTest {

    @ParameterizedTest
    @CsvSource({"480,postponed", "603,declined", "408,no_answer", "486,failed", "488,failed", "500,failed",
            "404,failed", "600,failed"})
    void finalResponsesMapToOutcomes(int status, String label) {
        assertThat(DeliveryOutcome.forFinalResponse(status, "x").label()).isEqualTo(label);
    }

    @Test
    void successIsNotAFailureResponse() {
        assertThatThrownBy(() -> DeliveryOutcome.forFinalResponse(200, "OK"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new DeliveryOutcome.Partial(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @CsvSource({"200,SENT", "202,SENT", "408,RETRY_LATER", "480,RETRY_LATER", "503,RETRY_LATER", "403,REJECTED",
            "404,REJECTED", "603,REJECTED"})
    void messageResponsesMapToNotificationResults(int status, NotificationSender.Result result) {
        assertThat(NotificationSender.Result.forStatus(status)).isEqualTo(result);
    }

    @ParameterizedTest
    @EnumSource(DeviceAffinity.class)
    void theRecordedDeviceGetsTheFileWheneverItIsRegisteredOrNothingIsKnown(DeviceAffinity affinity) {
        String d1 = "<urn:uuid:1>";
        // nothing recorded: any device, resume where recorded
        assertThat(DeliveryTarget.choose(null, 10, 0, Set.of(d1), affinity))
                .isEqualTo(new DeliveryTarget(null, 10, false, false));
        // recorded device registered, or no device knowledge on this node: that device, resuming
        assertThat(DeliveryTarget.choose(d1, 10, 0, Set.of(d1, "<urn:uuid:2>"), affinity))
                .isEqualTo(new DeliveryTarget(d1, 10, false, false));
        assertThat(DeliveryTarget.choose(d1, 10, 0, Set.of(), affinity))
                .isEqualTo(new DeliveryTarget(d1, 10, false, false));
        // only other devices and the store holds just the tail: only the recorded device can finish it
        assertThat(DeliveryTarget.choose(d1, 10, 10, Set.of("<urn:uuid:2>"), affinity))
                .isEqualTo(new DeliveryTarget(d1, 10, false, true));
    }

    @Test
    void strictAffinityWaitsForTheDeviceThatAccepted() {
        assertThat(DeliveryTarget.choose("<urn:uuid:1>", 10, 0, Set.of("<urn:uuid:2>"), DeviceAffinity.STRICT))
                .isEqualTo(new DeliveryTarget("<urn:uuid:1>", 10, false, true));
    }

    @Test
    void fallbackAffinityOffersTheWholeFileToAnyDevice() {
        assertThat(DeliveryTarget.choose("<urn:uuid:1>", 10, 0, Set.of("<urn:uuid:2>"), DeviceAffinity.FALLBACK))
                .isEqualTo(new DeliveryTarget(null, 0, true, false));
    }

    @Test
    void theAffinityKeyHasTwoValues() {
        assertThat(DeviceAffinity.parse(" Strict ")).isEqualTo(DeviceAffinity.STRICT);
        assertThat(DeviceAffinity.parse("fallback")).isEqualTo(DeviceAffinity.FALLBACK);
        org.assertj.core.api.Assertions.assertThatIllegalArgumentException().isThrownBy(() -> DeviceAffinity.parse("any"));
    }

    @Test
    void requestedDispositionsAreReadFromTheHeaderList() {
        ImdnRequest both = new ImdnRequest("m", "positive-delivery, Negative-Delivery, display");
        assertThat(ImdnNotices.requested(both, ImdnNotices.Status.DELIVERED)).isTrue();
        assertThat(ImdnNotices.requested(both, ImdnNotices.Status.FAILED)).isTrue();
        ImdnRequest displayOnly = new ImdnRequest("m", "display");
        assertThat(ImdnNotices.requested(displayOnly, ImdnNotices.Status.DELIVERED)).isFalse();
        assertThat(ImdnNotices.requested(null, ImdnNotices.Status.FAILED)).isFalse();
    }

    @Test
    void theNoticeIsCpimAroundAWellFormedImdnWithTheRightLength() throws Exception {
        String body = ImdnNotices.body("sip:bob@example.com", "sip:alice@example.com", "n1", "34jk<324j>&",
                Instant.parse("2026-03-01T10:00:00Z"), Instant.parse("2026-03-02T11:00:00.123456Z"),
                ImdnNotices.Status.DELIVERED);
        int split = body.indexOf("\r\n\r\n");
        String cpimHeaders = body.substring(0, split);
        assertThat(cpimHeaders).contains("From: <sip:bob@example.com>", "To: <sip:alice@example.com>",
                "NS: imdn <urn:ietf:params:imdn>", "imdn.Message-ID: n1", "DateTime: 2026-03-02T11:00:00.123Z");
        String mime = body.substring(split + 4);
        int split2 = mime.indexOf("\r\n\r\n");
        String mimeHeaders = mime.substring(0, split2);
        String xml = mime.substring(split2 + 4);
        assertThat(mimeHeaders).contains("Content-Type: message/imdn+xml", "Content-Disposition: notification",
                "Content-Length: " + xml.getBytes(StandardCharsets.UTF_8).length);
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        Document doc = f.newDocumentBuilder().parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
        assertThat(doc.getDocumentElement().getNamespaceURI()).isEqualTo("urn:ietf:params:xml:ns:imdn");
        assertThat(doc.getElementsByTagName("message-id").item(0).getTextContent()).isEqualTo("34jk<324j>&");
        assertThat(doc.getElementsByTagName("datetime").item(0).getTextContent()).isEqualTo("2026-03-01T10:00:00Z");
        assertThat(doc.getElementsByTagName("delivered").getLength()).isEqualTo(1);
    }
}
