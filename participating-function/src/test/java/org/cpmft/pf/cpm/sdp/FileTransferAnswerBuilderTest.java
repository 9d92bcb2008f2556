package org.cpmft.pf.cpm.sdp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;

class FileTransferAnswerBuilderTest {

    private static final String OFFER = String.join("\r\n",
            "v=0",
            "o=alice 1 1 IN IP4 10.0.0.1",
            "s=-",
            "c=IN IP4 10.0.0.1",
            "t=0 0",
            "m=message 9 TCP/MSRP *",
            "a=sendonly",
            "a=accept-types:image/jpeg",
            "a=path:msrp://10.0.0.1:7000/a1;tcp",
            "a=file-selector:name:\"a.jpg\" type:image/jpeg size:1000",
            "a=file-transfer-id:id-1",
            "m=message 9 TCP/MSRP *",
            "a=recvonly",
            "a=accept-types:*",
            "a=path:msrp://10.0.0.1:7000/a2;tcp",
            "a=file-selector:name:\"b.jpg\" type:image/jpeg size:2000",
            "a=file-transfer-id:id-2",
            "") ;

    @Test
    void takesThePushAndRefusesThePull() {
        SdpSession offer = SdpSession.parse(OFFER);
        SdpSession answer = FileTransferAnswerBuilder.accept(offer, "192.0.2.5", 42,
                Map.of(0, "msrp://192.0.2.5:2855/pf1;tcp"));

        assertThat(answer.media()).hasSize(2);
        assertThat(answer.direction(0)).isEqualTo(Direction.RECVONLY);
        assertThat(answer.media(0).port()).isEqualTo(2855);
        assertThat(answer.media(0).path()).containsExactly("msrp://192.0.2.5:2855/pf1;tcp");
        assertThat(answer.media(0).fileTransferId()).contains("id-1");
        assertThat(answer.media(0).fileSelector()).isEqualTo(offer.media(0).fileSelector());
        assertThat(answer.media(0).setup()).contains(Setup.PASSIVE);
        assertThat(answer.media(1).isClosed()).isTrue();
        assertThat(OfferAnswer.validateFileTransferAnswer(offer, answer).blocking()).isEmpty();
        assertThat(OfferAnswer.acceptedFileTransfers(offer, answer)).containsExactly(0);
    }

    @Test
    void aPullCannotBeTakenByThePf() {
        SdpSession offer = SdpSession.parse(OFFER);
        assertThatThrownBy(() -> FileTransferAnswerBuilder.accept(offer, "192.0.2.5", 42,
                Map.of(1, "msrp://192.0.2.5:2855/pf1;tcp"))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refusingEveryStreamIsAValidAnswer() {
        SdpSession offer = SdpSession.parse(OFFER.replace("t=0 0", "t=3034423619 0"));
        SdpSession answer = FileTransferAnswerBuilder.refuseAll(offer, "192.0.2.5", 42);

        assertThat(answer.media()).hasSize(2).allMatch(MediaDescription::isClosed);
        assertThat(answer.format()).contains("t=3034423619 0\r\n").doesNotContain("10.0.0.1").doesNotContain("a=");
        assertThat(OfferAnswer.validateFileTransferAnswer(offer, answer).blocking()).isEmpty();
        assertThat(OfferAnswer.acceptedFileTransfers(offer, answer)).isEmpty();
    }
}
