package org.cpmft.pf.cpm.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.cpmft.pf.cpm.policy.ResumeResponder.Decision;
import org.cpmft.pf.cpm.policy.ResumeResponder.Held;
import org.cpmft.pf.cpm.policy.ResumeResponder.HeldFile;
import org.cpmft.pf.cpm.policy.ResumeResponder.Plan;
import org.cpmft.pf.cpm.sdp.FileSelector;
import org.cpmft.pf.cpm.sdp.FileTransferStream;
import org.cpmft.pf.cpm.sdp.SdpSession;
import org.junit.jupiter.api.Test;

/** When the PF is the responder of a resume or pull (seed 004 7.4.5.2), without container or store. */
class ResumeResponderTest {

    private static final String HASH = "sha-1:72:24:5F:E8:65:3D:DA:F3:71:36:2F:86:D4:71:91:3E:E4:A2:CE:2E";
    private static final String OTHER_HASH = "sha-1:00:24:5F:E8:65:3D:DA:F3:71:36:2F:86:D4:71:91:3E:E4:A2:CE:2E";
    private static final String SELECTOR = "name:\"photo.jpg\" type:image/jpeg size:4000 hash:" + HASH;

    private final List<HeldFile> sentByOfferer = new ArrayList<>();
    private final List<HeldFile> sentToOfferer = new ArrayList<>();
    private int lookups;

    private final ResumeResponder.Holdings holdings = new ResumeResponder.Holdings() {
        @Override
        public List<HeldFile> sentByOfferer() {
            lookups++;
            return sentByOfferer;
        }

        @Override
        public List<HeldFile> sentToOfferer() {
            lookups++;
            return sentToOfferer;
        }
    };

    @Test
    void aNewPushIsForwardedWithoutReadingTheStore() {
        assertThat(decide(false, stream("sendonly", SELECTOR, null))).isEqualTo(Decision.FORWARD);
        assertThat(lookups).isZero();
    }

    @Test
    void aResumingSenderOfAFileStillReceivingIsServedByTakingTheRest() {
        HeldFile receiving = held(Held.RECEIVING, SELECTOR, 1500);
        sentByOfferer.add(receiving);
        Decision d = decide(false, stream("sendonly", SELECTOR, "1001-4000"));
        assertThat(d).isEqualTo(new Decision.Serve(List.of(new Plan.TakeRest(0, receiving.id()))));
    }

    @Test
    void theSameFileMatchesWithoutHashOrSizeOnOneSideButNotWithAnotherOne() {
        sentByOfferer.add(held(Held.RECEIVING, "name:\"photo.jpg\" type:image/jpeg", 10));
        assertThat(decide(false, stream("sendonly", SELECTOR, "11-4000"))).isInstanceOf(Decision.Serve.class);

        sentByOfferer.clear();
        sentByOfferer.add(held(Held.RECEIVING, "name:\"photo.jpg\" type:image/jpeg size:4000 hash:" + OTHER_HASH, 10));
        assertThat(decide(false, stream("sendonly", SELECTOR, "11-4000")))
                .isEqualTo(new Decision.Refuse("file 'photo.jpg' changed since the interrupted transfer"));

        sentByOfferer.clear();
        sentByOfferer.add(held(Held.RECEIVING, "name:\"photo.jpg\" type:image/jpeg size:4001", 10));
        assertThat(decide(false, stream("sendonly", SELECTOR, "11-4000"))).isInstanceOf(Decision.Refuse.class);

        sentByOfferer.clear();
        sentByOfferer.add(held(Held.RECEIVING, "name:\"photo.jpg\" type:image/png size:4000", 10));
        assertThat(decide(false, stream("sendonly", SELECTOR, "11-4000"))).isInstanceOf(Decision.Refuse.class);

        sentByOfferer.clear();
        sentByOfferer.add(held(Held.RECEIVING, "name:\"photo.jpg\" type:IMAGE/JPEG;q=1 size:4000", 10));
        assertThat(decide(false, stream("sendonly", SELECTOR, "11-4000"))).as("type case and parameters")
                .isInstanceOf(Decision.Serve.class);
    }

    @Test
    void withoutANameTheHashIdentifiesTheFile() {
        String byHash = "type:image/jpeg size:4000 hash:" + HASH;
        HeldFile h = held(Held.RECEIVING, SELECTOR, 10);
        sentByOfferer.add(h);
        assertThat(decide(false, stream("sendonly", byHash, "11-4000")))
                .isEqualTo(new Decision.Serve(List.of(new Plan.TakeRest(0, h.id()))));
        assertThat(decide(false, stream("sendonly", "type:image/jpeg size:4000 hash:" + OTHER_HASH, "11-4000")))
                .as("another hash, no name: not this file; recipient online").isEqualTo(Decision.FORWARD);
    }

    @Test
    void aResumingSenderOfAFileThePfHasWholeNeedsToSendNothing() {
        for (Held state : List.of(Held.STORED, Held.DELIVERING, Held.DELIVERED)) {
            sentByOfferer.clear();
            HeldFile h = held(state, SELECTOR, 4000);
            sentByOfferer.add(h);
            assertThat(decide(false, stream("sendonly", SELECTOR, "3001-4000"))).as(state.name())
                    .isEqualTo(new Decision.Serve(List.of(new Plan.AlreadyHeld(0, h.id()))));
        }
    }

    @Test
    void aResumeOfAnExpiredFileIsRefusedEvenWithTheRecipientOnline() {
        sentByOfferer.add(held(Held.ENDED, SELECTOR, 0));
        assertThat(decide(false, stream("sendonly", SELECTOR, "1001-4000")))
                .isEqualTo(new Decision.Refuse("file 'photo.jpg' is no longer held for resume (expired or discarded)"));
    }

    @Test
    void aLiveTransferGoesBeforeAnEndedOneOfTheSameFile() {
        sentByOfferer.add(held(Held.ENDED, SELECTOR, 0)); // newest first
        HeldFile live = held(Held.RECEIVING, SELECTOR, 100);
        sentByOfferer.add(live);
        assertThat(decide(false, stream("sendonly", SELECTOR, "101-4000")))
                .isEqualTo(new Decision.Serve(List.of(new Plan.TakeRest(0, live.id()))));
    }

    @Test
    void anUnknownResumeIsTheRecipientsUnlessThePfWouldDeferAtOnce() {
        sentByOfferer.add(held(Held.RECEIVING, "name:\"other.jpg\" type:image/jpeg size:4000", 10));
        assertThat(decide(false, stream("sendonly", SELECTOR, "1001-4000"))).as("recipient online: it answers")
                .isEqualTo(Decision.FORWARD);
        assertThat(decide(true, stream("sendonly", SELECTOR, "1001-4000")))
                .isEqualTo(new Decision.Refuse("file 'photo.jpg' is not known for resume"));
    }

    @Test
    void aPullOfAStoredFileIsPlayedFromTheRequestedOctet() {
        HeldFile stored = held(Held.STORED, SELECTOR, 4000);
        sentToOfferer.add(stored);
        assertThat(decide(false, stream("recvonly", SELECTOR, null)))
                .isEqualTo(new Decision.Serve(List.of(new Plan.Play(0, stored.id(), 0))));
        assertThat(decide(false, stream("recvonly", SELECTOR, "2049-4000")))
                .isEqualTo(new Decision.Serve(List.of(new Plan.Play(0, stored.id(), 2048))));
        assertThat(decide(false, stream("recvonly", SELECTOR, "2049-*")))
                .isEqualTo(new Decision.Serve(List.of(new Plan.Play(0, stored.id(), 2048))));
        assertThat(decide(true, stream("recvonly", SELECTOR, "1-4000"))).as("whatever the registrations")
                .isInstanceOf(Decision.Serve.class);
        assertThat(lookups).as("only the files sent to the requester are read").isEqualTo(4);
        assertThat(sentByOfferer).isEmpty();
    }

    @Test
    void aPullOfAFileStillArrivingOrUnknownIsForwarded() {
        sentToOfferer.add(held(Held.RECEIVING, SELECTOR, 100));
        assertThat(decide(false, stream("recvonly", SELECTOR, "1-4000"))).isEqualTo(Decision.FORWARD);
        sentToOfferer.clear();
        assertThat(decide(true, stream("recvonly", SELECTOR, "1-4000"))).isEqualTo(Decision.FORWARD);
    }

    @Test
    void aResumingReceiverOfAGoneOrChangedFileIsRefusedAndANewPullForwarded() {
        sentToOfferer.add(held(Held.DELIVERED, SELECTOR, 4000));
        assertThat(decide(false, stream("recvonly", SELECTOR, "1001-4000"))).isInstanceOf(Decision.Refuse.class);
        assertThat(decide(false, stream("recvonly", SELECTOR, null))).isEqualTo(Decision.FORWARD);

        sentToOfferer.clear();
        sentToOfferer.add(held(Held.STORED, "name:\"photo.jpg\" type:image/jpeg size:5000", 5000));
        assertThat(decide(false, stream("recvonly", SELECTOR, "1001-4000")))
                .isEqualTo(new Decision.Refuse("file 'photo.jpg' changed since the interrupted transfer"));
        assertThat(decide(false, stream("recvonly", SELECTOR, null))).isEqualTo(Decision.FORWARD);
    }

    @Test
    void aRangeBeyondTheStoredFileOrBeforeItsStoredPartIsRefused() {
        sentToOfferer.add(held(Held.STORED, SELECTOR, 4000));
        assertThat(decide(false, stream("recvonly", SELECTOR, "1-4001"))).isInstanceOf(Decision.Refuse.class);
        assertThat(decide(false, stream("recvonly", SELECTOR, "4002-*"))).isInstanceOf(Decision.Refuse.class);

        sentToOfferer.clear();
        HeldFile fromMiddle = new HeldFile(UUID.randomUUID(), Held.STORED, FileSelector.parse(SELECTOR), 1000, 4000);
        sentToOfferer.add(fromMiddle);
        assertThat(decide(false, stream("recvonly", SELECTOR, "1-4000"))).isInstanceOf(Decision.Refuse.class);
        assertThat(decide(false, stream("recvonly", SELECTOR, "1001-4000")))
                .isEqualTo(new Decision.Serve(List.of(new Plan.Play(0, fromMiddle.id(), 1000))));
        assertThat(decide(false, stream("recvonly", SELECTOR, null))).as("a new pull: the sender has it all")
                .isEqualTo(Decision.FORWARD);
    }

    @Test
    void severalStreamsAreServedOnlyWhenThePfAnswersEveryOne() {
        HeldFile a = held(Held.RECEIVING, SELECTOR, 100);
        String second = "name:\"b.txt\" type:text/plain size:10";
        HeldFile b = held(Held.STORED, second, 10);
        sentByOfferer.add(a);
        sentToOfferer.add(b);
        assertThat(decide(false, stream("sendonly", SELECTOR, "101-4000"), stream("recvonly", second, null)))
                .isEqualTo(new Decision.Serve(List.of(new Plan.TakeRest(0, a.id()), new Plan.Play(1, b.id(), 0))));
        assertThat(decide(false, stream("sendonly", SELECTOR, "101-4000"), stream("sendonly", second, null)))
                .as("one new file for the recipient: the whole offer goes on").isEqualTo(Decision.FORWARD);
        assertThat(decide(true, stream("sendonly", SELECTOR, "101-4000"),
                stream("sendonly", "name:\"c.bin\" size:9", "5-9")))
                .as("one stream refused refuses the offer").isInstanceOf(Decision.Refuse.class);
    }

    @Test
    void aHostileFileNameIsBoundedAndPrintableInTheWarning() {
        String name = "x".repeat(300) + "\\\"";
        Decision d = decide(true, stream("sendonly", "name:\"" + name.replace("\"", "%22") + "\" size:9", "5-9"));
        assertThat(d).isInstanceOfSatisfying(Decision.Refuse.class, r -> assertThat(r.warning())
                .hasSizeLessThan(120).doesNotContain("\"").doesNotContain("\\"));
    }

    private Decision decide(boolean wouldDeferAtOnce, String... media) {
        StringBuilder sdp = new StringBuilder("v=0\r\no=a 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n");
        for (String m : media) {
            sdp.append(m);
        }
        SdpSession offer = SdpSession.parse(sdp.toString());
        List<FileTransferStream> streams = offer.fileTransferStreams().stream()
                .map(i -> FileTransferStream.of(offer, i)).toList();
        return ResumeResponder.decide(streams, holdings, wouldDeferAtOnce);
    }

    private static int ids;

    private static String stream(String direction, String selector, String range) {
        return "m=message 9 TCP/MSRP *\r\n"
                + "a=accept-types:*\r\n"
                + "a=" + direction + "\r\n"
                + "a=path:msrp://192.0.2.1:2855/s" + (++ids) + ";tcp\r\n"
                + "a=file-selector:" + selector + "\r\n"
                + "a=file-transfer-id:ft" + ids + "\r\n"
                + Optional.ofNullable(range).map(r -> "a=file-range:" + r + "\r\n").orElse("");
    }

    private static HeldFile held(Held state, String selector, long stored) {
        return new HeldFile(UUID.randomUUID(), state, FileSelector.parse(selector), 0, stored);
    }
}
