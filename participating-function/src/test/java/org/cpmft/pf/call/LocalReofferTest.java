package org.cpmft.pf.call;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Optional;

import org.cpmft.pf.cpm.Samples;
import org.cpmft.pf.cpm.sdp.FileTransferAnswerBuilder;
import org.cpmft.pf.cpm.sdp.SdpSession;
import org.junit.jupiter.api.Test;

class LocalReofferTest {

    private static final SdpSession OFFER =
            SdpSession.parse(Samples.oneFile("alice", 1, 1, "sendonly", "alice1", "a.txt", 10, "ft1"));
    private static final SdpSession ANSWER = FileTransferAnswerBuilder.accept(OFFER, "127.0.0.1", 77,
            Map.of(0, "msrp://127.0.0.1:2855/pf1;tcp"));

    /** The session's offer with a second m-line appended (from another one-file offer). */
    private static SdpSession withSecond(String direction, String id) {
        String second = Samples.oneFile("alice", 1, 2, direction, "alice2", "b.txt", 20, id);
        String media = second.substring(second.indexOf("m=message"));
        String first = Samples.oneFile("alice", 1, 2, "sendonly", "alice1", "a.txt", 10, "ft1");
        return SdpSession.parse(first + media);
    }

    @Test
    void aNewPushIsTakenAndTheKeptFileKeepsItsAnswer() {
        SdpSession reoffer = withSecond("sendonly", "ft2");
        LocalReoffer r = LocalReoffer.of(OFFER, ANSWER, reoffer);
        assertThat(r.newPushes()).containsExactly(1);
        assertThat(r.ended()).isEmpty();
        SdpSession taken = FileTransferAnswerBuilder.accept(reoffer, "127.0.0.1", 5,
                Map.of(1, "msrp://127.0.0.1:2855/pf2;tcp"));
        SdpSession answer = r.answer(ANSWER, Optional.of(taken));
        assertThat(answer.media()).hasSize(2);
        assertThat(answer.media(0)).as("the kept file's answer is unchanged").isEqualTo(ANSWER.media(0));
        assertThat(answer.media(1).format()).contains("a=path:msrp://127.0.0.1:2855/pf2;tcp")
                .contains("a=file-transfer-id:ft2");
        assertThat(answer.origin().orElseThrow().sessionId()).isEqualTo(ANSWER.origin().orElseThrow().sessionId());
        assertThat(answer.origin().orElseThrow().sessionVersion()).as("RFC 3264 8: version + 1")
                .isEqualTo(Long.toString(Long.parseLong(ANSWER.origin().orElseThrow().sessionVersion()) + 1));
    }

    @Test
    void aPullIsNotTakenAndNothingTakenRefusesTheNewMlines() {
        SdpSession reoffer = withSecond("recvonly", "ft2");
        LocalReoffer r = LocalReoffer.of(OFFER, ANSWER, reoffer);
        assertThat(r.newPushes()).as("the PF has no file to give to a pull").isEmpty();
        SdpSession answer = r.answer(ANSWER, Optional.empty());
        assertThat(answer.media(0)).isEqualTo(ANSWER.media(0));
        assertThat(answer.media(1).mediaLine().port()).isZero();
    }

    @Test
    void aReplacedFileEndsTheOldStreamAndIsANewPush() {
        SdpSession reoffer = SdpSession.parse(Samples.oneFile("alice", 1, 2, "sendonly", "alice1", "c.txt", 30, "ft9"));
        LocalReoffer r = LocalReoffer.of(OFFER, ANSWER, reoffer);
        assertThat(r.ended()).containsExactly(0);
        assertThat(r.newPushes()).containsExactly(0);
    }

    @Test
    void fewerMlinesThanTheSessionIsRefused() {
        SdpSession two = withSecond("sendonly", "ft2");
        SdpSession twoAnswer = FileTransferAnswerBuilder.accept(two, "127.0.0.1", 5,
                Map.of(0, "msrp://127.0.0.1:2855/pf1;tcp", 1, "msrp://127.0.0.1:2855/pf2;tcp"));
        assertThatThrownBy(() -> LocalReoffer.of(two, twoAnswer, OFFER)).isInstanceOf(IllegalArgumentException.class);
    }
}
