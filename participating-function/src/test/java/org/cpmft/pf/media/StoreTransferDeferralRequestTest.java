package org.cpmft.pf.media;

import static org.assertj.core.api.Assertions.assertThat;

import org.cpmft.pf.cpm.body.InviteBody;
import org.cpmft.pf.cpm.header.SipHeaders;
import org.cpmft.pf.cpm.policy.DeferralCause;
import org.cpmft.pf.cpm.role.Role;
import org.cpmft.pf.cpm.sdp.FileTransferStream;
import org.cpmft.pf.cpm.sdp.SdpSession;
import org.cpmft.pf.deferral.DeferralRequest;
import org.junit.jupiter.api.Test;

/** What a stored transfer records of the INVITE and of the device that accepted it (seed 002 4.2). */
class StoreTransferDeferralRequestTest {

    private static final String SDP = String.join("\r\n", "v=0", "o=a 1 1 IN IP4 192.0.2.1", "s=-",
            "c=IN IP4 192.0.2.1", "t=0 0", "m=message 9 TCP/MSRP *", "a=sendonly", "a=accept-types:*",
            "a=path:msrp://192.0.2.1:2855/a1;tcp", "a=file-selector:name:\"a.bin\" type:image/jpeg size:100",
            "a=file-transfer-id:f1", "");

    private static TransferDeferral.Invite invite(String... headers) {
        SdpSession offer = SdpSession.parse(SDP);
        return new TransferDeferral.Invite(Role.ORIGINATING, "sip:alice@example.com", "sip:bob@example.com",
                SipHeaders.of(headers), InviteBody.ofSdp(SDP), offer, false);
    }

    @Test
    void theAcceptingDeviceIsRecordedNormalisedAndTheSendersToo() {
        TransferDeferral.Invite invite = invite("Contact",
                "<sip:alice@192.0.2.1>;+sip.instance=\"<urn:gsma:imei:35888888-888888-0>\"");
        DeferralRequest r = StoreTransferDeferral.request(invite, DeferralCause.MEDIA_INTERRUPTED,
                FileTransferStream.of(invite.offer(), 0), "urn:uuid:F81D4FAE-7DEC-11D0-A765-00A0C91E6BF6", 40);
        assertThat(r.recipientInstance()).isEqualTo("<urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6>");
        assertThat(r.senderInstance()).isEqualTo("<urn:gsma:imei:35888888-888888-0>");
        assertThat(r.bytesDelivered()).isEqualTo(40);
        assertThat(r.contentType()).isEqualTo("image/jpeg");
    }

    @Test
    void withoutAnAcceptingDeviceAnyDeviceMayGetIt() {
        TransferDeferral.Invite invite = invite();
        DeferralRequest r = StoreTransferDeferral.request(invite, DeferralCause.RECIPIENT_NOT_REGISTERED,
                FileTransferStream.of(invite.offer(), 0), null, 0);
        assertThat(r.recipientInstance()).isNull();
    }

    @Test
    void aMessageIdWithoutDispositionNotificationAsksForNoImdnInsteadOfFailing() {
        TransferDeferral.Invite invite = invite("Message-ID", "m-1");
        DeferralRequest r = StoreTransferDeferral.request(invite, DeferralCause.RECIPIENT_NOT_REGISTERED,
                FileTransferStream.of(invite.offer(), 0), null, 0);
        assertThat(r.sender()).isEqualTo("sip:alice@example.com");
    }
}
