package org.cpmft.pf.cpm.sdp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.OptionalLong;

import org.junit.jupiter.api.Test;

/** The PF's answer as the responder of a resume or pull (seed 004 7.4.5.2, RFC 5547 sections 8, 9). */
class ResumeAnswerBuilderTest {

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
            "a=file-transfer-id:resume-1",
            "a=file-range:201-1000",
            "m=message 9 TCP/MSRP *",
            "a=recvonly",
            "a=accept-types:*",
            "a=path:msrp://10.0.0.1:7000/a2;tcp",
            "a=file-selector:name:\"b.jpg\"",
            "a=file-transfer-id:pull-2",
            "a=file-range:11-*",
            "m=message 9 TCP/MSRP *",
            "a=sendonly",
            "a=accept-types:*",
            "a=path:msrp://10.0.0.1:7000/a3;tcp",
            "a=file-selector:name:\"c.jpg\" size:5",
            "a=file-transfer-id:new-3",
            "");

    @Test
    void answersTheResumeWithTheRangeThePfWantsAndThePullWithTheStoredFile() {
        SdpSession answer = ResumeAnswerBuilder.answer(SdpSession.parse(OFFER), "192.0.2.5", 7, Map.of(
                0, new ResumeAnswerBuilder.Answered("msrp://192.0.2.5:2855/pf1;tcp", Direction.RECVONLY,
                        "name:\"a.jpg\" type:image/jpeg size:1000", new FileRange(301, OptionalLong.of(1000))),
                1, new ResumeAnswerBuilder.Answered("msrp://192.0.2.5:2855/pf2;tcp", Direction.SENDONLY,
                        "name:\"b.jpg\" type:image/png size:40", new FileRange(11, OptionalLong.of(40)))));

        assertThat(answer.media()).hasSize(3);
        assertThat(answer.direction(0)).isEqualTo(Direction.RECVONLY);
        assertThat(answer.media(0).port()).isEqualTo(2855);
        assertThat(answer.media(0).fileRange()).contains(new FileRange(301, OptionalLong.of(1000)));
        assertThat(answer.media(0).fileTransferId()).contains("resume-1");
        assertThat(answer.media(0).path()).containsExactly("msrp://192.0.2.5:2855/pf1;tcp");
        assertThat(answer.media(0).attribute("setup")).contains("passive");
        assertThat(answer.direction(1)).isEqualTo(Direction.SENDONLY);
        assertThat(answer.media(1).fileSelector().orElseThrow().size()).hasValue(40);
        assertThat(answer.media(1).fileRange()).contains(new FileRange(11, OptionalLong.of(40)));
        assertThat(answer.media(2).isClosed()).as("a stream the PF does not answer").isTrue();
        assertThat(OfferAnswer.validateFileTransferAnswer(SdpSession.parse(OFFER), answer).blocking()).isEmpty();
    }

    @Test
    void aDirectionThatDoesNotAnswerTheOfferIsRefused() {
        assertThatThrownBy(() -> ResumeAnswerBuilder.answer(SdpSession.parse(OFFER), "192.0.2.5", 7, Map.of(
                0, new ResumeAnswerBuilder.Answered("msrp://192.0.2.5:2855/pf1;tcp", Direction.SENDONLY,
                        "name:\"a.jpg\"", new FileRange(1, OptionalLong.empty())))))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
