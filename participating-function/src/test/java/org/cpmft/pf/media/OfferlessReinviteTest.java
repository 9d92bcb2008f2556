package org.cpmft.pf.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;

import org.cpmft.msrp.relay.RelaySessionPair;
import org.cpmft.pf.cpm.Samples;
import org.cpmft.pf.cpm.body.InviteBody;
import org.cpmft.pf.cpm.header.SipHeaders;
import org.cpmft.pf.cpm.policy.FileTransferPolicy;
import org.cpmft.pf.cpm.policy.InviteAnalyzer;
import org.cpmft.pf.cpm.policy.InviteDescription;
import org.cpmft.pf.cpm.policy.ThumbnailHandling;
import org.cpmft.pf.cpm.sdp.OfferAnswer;
import org.cpmft.pf.cpm.sdp.SdpSession;
import org.cpmft.pf.media.MediaAnchoring.Side;
import org.cpmft.pf.media.OfferlessReinvite.End;
import org.cpmft.pf.media.OfferlessReinvite.Relay;
import org.junit.jupiter.api.Test;

/**
 * A re-INVITE without SDP from the sender's side (UPSTREAM): the recipient's 2xx brings the offer,
 * the sender's ACK the answer; on a real relay on 127.0.0.1 (paths name port 9: nothing listens).
 */
class OfferlessReinviteTest extends AnchoringOnRealRelay {

    /** Bob's offer in the 2xx: a file of his own (push from his side) in the reused m-line. */
    private static final String BOB_NEW_FILE = Samples.oneFile("bob", 2, 3, "sendonly", "bob2", "b.txt", 20, "ft2");
    private static final String ALICE_TAKES_IT = Samples.oneFile("alice", 1, 2, "recvonly", "alice2", "b.txt", 20, "ft2");

    private static final InviteAnalyzer ANALYZER = new InviteAnalyzer(FileTransferPolicy.defaults(), "pf.example.net");

    /** Alice re-INVITEs without SDP: Bob (downstream) offers in his 2xx. */
    private static OfferlessReinvite fromAlice(MediaAnchoring.Anchor anchor, InviteAnalyzer analyzer) {
        return OfferlessReinvite.start(anchor, Side.DOWNSTREAM, analyzer, "192.0.2.5");
    }

    private static InviteDescription twoHundred(String sdp) {
        return InviteDescription.withSdp(SipHeaders.empty(), sdp);
    }

    private static SdpSession sdpOf(OfferlessReinvite.Outcome outcome) {
        InviteBody body = ((Relay) outcome).body().orElseThrow();
        return SdpSession.parse(body.sdp().orElseThrow());
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String path(SdpSession sdp) {
        return sdp.media(0).path().get(0);
    }

    @Test
    void aNewFileInThe2xxGetsANewPairAndTheAckAnswerCommitsIt() {
        MediaAnchoring.Anchor anchor = established();
        RelaySessionPair old = anchor.pair(0).orElseThrow();
        int before = relay.activeLegs();
        OfferlessReinvite reinvite = fromAlice(anchor, ANALYZER);

        SdpSession toAlice = sdpOf(reinvite.offer(twoHundred(BOB_NEW_FILE)));
        assertThat(reinvite.awaitsAnswer()).isTrue();
        assertThat(anchor.reofferPending()).isTrue();
        assertThat(path(toAlice)).startsWith("msrp://127.0.0.1:" + relay.port() + "/")
                .isNotEqualTo(old.offererLeg().localPath().format());
        assertThat(toAlice.format()).doesNotContain("bob2").contains("a=file-transfer-id:ft2");
        assertThat(old.isClosed()).as("the old transfer runs until the answer").isFalse();
        assertThat(relay.activeLegs()).isEqualTo(before + 2);

        OfferlessReinvite.Outcome ack = reinvite.answer("application/sdp", bytes(ALICE_TAKES_IT));
        assertThat(((Relay) ack).newTransfers()).isEqualTo(1);
        SdpSession toBob = sdpOf(ack);
        RelaySessionPair fresh = anchor.pair(0).orElseThrow();
        assertThat(fresh).isNotSameAs(old);
        assertThat(old.isClosed()).isTrue();
        // Bob offered: the new pair's offerer leg faces him and waits for his connection (RFC 4975 5.4).
        assertThat(path(toBob)).isEqualTo(fresh.offererLeg().localPath().format());
        assertThat(path(toAlice)).isEqualTo(fresh.answererLeg().localPath().format());
        assertThat(toBob.format()).doesNotContain("alice2");
        assertThat(fresh.offererLeg().remotePath().get(0).format()).isEqualTo("msrp://127.0.0.1:9/bob2;tcp");
        assertThat(fresh.answererLeg().remotePath().get(0).format()).isEqualTo("msrp://127.0.0.1:9/alice2;tcp");
        assertThat(anchor.reofferPending()).isFalse();
        assertThat(relay.activeLegs()).isEqualTo(before);
        anchor.release();
    }

    @Test
    void fromTheRecipientSideTheSendersOfferGoesToTheRecipient() {
        MediaAnchoring.Anchor anchor = established();
        OfferlessReinvite reinvite = OfferlessReinvite.start(anchor, Side.UPSTREAM, ANALYZER, "192.0.2.5");

        // Alice answers Bob's re-INVITE without SDP with a second file of hers.
        String aliceNewFile = OFFER.replace("ft1", "ft3").replace("a.txt", "c.txt").replace("alice1", "alice3");
        SdpSession toBob = sdpOf(reinvite.offer(twoHundred(aliceNewFile)));
        String bobTakesIt = ANSWER.replace("ft1", "ft3").replace("a.txt", "c.txt").replace("bob1", "bob3");
        SdpSession toAlice = sdpOf(reinvite.answer("application/sdp", bytes(bobTakesIt)));

        RelaySessionPair fresh = anchor.pair(0).orElseThrow();
        assertThat(path(toBob)).isEqualTo(fresh.answererLeg().localPath().format());
        assertThat(path(toAlice)).isEqualTo(fresh.offererLeg().localPath().format());
        assertThat(fresh.offererLeg().remotePath().get(0).format()).isEqualTo("msrp://127.0.0.1:9/alice3;tcp");
        assertThat(fresh.answererLeg().remotePath().get(0).format()).isEqualTo("msrp://127.0.0.1:9/bob3;tcp");
        anchor.release();
    }

    @Test
    void theSameIdInThe2xxKeepsThePairAndBothPaths() {
        MediaAnchoring.Anchor anchor = established();
        RelaySessionPair pair = anchor.pair(0).orElseThrow();
        OfferlessReinvite reinvite = fromAlice(anchor, ANALYZER);

        // A session refresh: Bob offers the stream as it is.
        SdpSession toAlice = sdpOf(reinvite.offer(twoHundred(ANSWER.replace("o=bob 2 2", "o=bob 2 3"))));
        assertThat(path(toAlice)).isEqualTo(pair.offererLeg().localPath().format());
        OfferlessReinvite.Outcome ack = reinvite.answer("application/sdp", bytes(OFFER));
        assertThat(path(sdpOf(ack))).isEqualTo(pair.answererLeg().localPath().format());
        assertThat(((Relay) ack).newTransfers()).isZero();
        assertThat(anchor.pair(0)).containsSame(pair);
        assertThat(pair.isClosed()).isFalse();
        anchor.release();
    }

    @Test
    void portZeroInThe2xxReleasesThePair() {
        MediaAnchoring.Anchor anchor = established();
        RelaySessionPair pair = anchor.pair(0).orElseThrow();
        OfferlessReinvite reinvite = fromAlice(anchor, ANALYZER);

        SdpSession toAlice = sdpOf(reinvite.offer(twoHundred(ANSWER.replace("m=message 9 ", "m=message 0 "))));
        assertThat(toAlice.media(0).isClosed()).isTrue();
        assertThat(toAlice.format()).doesNotContain("bob1");
        SdpSession toBob = sdpOf(reinvite.answer("application/sdp", bytes(OFFER.replace("m=message 9 ", "m=message 0 "))));
        assertThat(toBob.format()).doesNotContain("alice1").contains("m=message 0 ");
        assertThat(pair.isClosed()).isTrue();
        assertThat(anchor.pair(0)).isEmpty();
        anchor.release();
    }

    @Test
    void anAckWithoutAnswerAbandonsTheReofferAndRefusesEveryStream() {
        MediaAnchoring.Anchor anchor = established();
        RelaySessionPair old = anchor.pair(0).orElseThrow();
        int before = relay.activeLegs();
        OfferlessReinvite reinvite = fromAlice(anchor, ANALYZER);
        reinvite.offer(twoHundred(BOB_NEW_FILE));

        OfferlessReinvite.Outcome ack = reinvite.answer(null, null);
        End end = (End) ack;
        assertThat(end.reason()).contains("13.2.1");
        SdpSession refusal = SdpSession.parse(end.ackAnswer().orElseThrow().sdp().orElseThrow());
        SdpSession bobsOffer = SdpSession.parse(BOB_NEW_FILE);
        assertThat(refusal.media()).hasSize(1);
        assertThat(refusal.media(0).isClosed()).isTrue();
        assertThat(OfferAnswer.validateFileTransferAnswer(bobsOffer, refusal).blocking()).isEmpty();
        assertThat(relay.activeLegs()).as("the new pair is freed").isEqualTo(before);
        assertThat(anchor.pair(0)).containsSame(old);
        assertThat(anchor.reofferPending()).isFalse();
        anchor.release();
    }

    @Test
    void anUnusableAnswerInTheAckEndsTheSameWay() {
        MediaAnchoring.Anchor anchor = established();
        int before = relay.activeLegs();
        OfferlessReinvite reinvite = fromAlice(anchor, ANALYZER);
        reinvite.offer(twoHundred(BOB_NEW_FILE));

        String noPath = ALICE_TAKES_IT.replace("a=path:msrp://127.0.0.1:9/alice2;tcp\r\n", "");
        End end = (End) reinvite.answer("application/sdp", bytes(noPath));
        assertThat(end.reason()).contains("a=path");
        assertThat(end.ackAnswer()).isPresent();
        assertThat(relay.activeLegs()).isEqualTo(before);

        OfferlessReinvite second = fromAlice(anchor, ANALYZER);
        second.offer(twoHundred(BOB_NEW_FILE));
        assertThat(((End) second.answer("application/sdp", bytes("not sdp"))).ackAnswer()).isPresent();
        assertThat(relay.activeLegs()).isEqualTo(before);
        anchor.release();
    }

    @Test
    void anUnusableOfferInThe2xxIsAnsweredWithEveryStreamRefused() {
        MediaAnchoring.Anchor anchor = established();
        RelaySessionPair old = anchor.pair(0).orElseThrow();
        int before = relay.activeLegs();

        // A new file without a=path: the analyzer's SDP checks, as for a re-INVITE with SDP.
        End noPath = (End) fromAlice(anchor, ANALYZER).offer(twoHundred(
                BOB_NEW_FILE.replace("a=path:msrp://127.0.0.1:9/bob2;tcp\r\n", "")));
        assertThat(noPath.reason()).contains("a=path");
        assertThat(SdpSession.parse(noPath.ackAnswer().orElseThrow().sdp().orElseThrow()).media(0).isClosed()).isTrue();

        // The size policy applies to a file offered in a 2xx too.
        InviteAnalyzer small = new InviteAnalyzer(new FileTransferPolicy(15, 10240, ThumbnailHandling.STRIP, false), "pf");
        End tooBig = (End) fromAlice(anchor, small).offer(twoHundred(BOB_NEW_FILE));
        assertThat(tooBig.reason()).contains("133 Size exceeded");

        // Fewer m-lines than the session (RFC 3264 section 8): here none, which the analyzer catches first.
        End fewer = (End) fromAlice(anchor, ANALYZER).offer(twoHundred(BOB_NEW_FILE.substring(0, BOB_NEW_FILE.indexOf("m="))));
        assertThat(fewer.reason()).contains("No m-line");
        assertThat(SdpSession.parse(fewer.ackAnswer().orElseThrow().sdp().orElseThrow()).media()).isEmpty();

        // Unreadable: no answer can be made up for it.
        End garbage = (End) fromAlice(anchor, ANALYZER).offer(twoHundred("this is not SDP"));
        assertThat(garbage.ackAnswer()).isEmpty();

        assertThat(relay.activeLegs()).isEqualTo(before);
        assertThat(anchor.pair(0)).containsSame(old);
        assertThat(old.isClosed()).isFalse();
        anchor.release();
    }

    @Test
    void a2xxWithoutSdpChangesNothingAndTheAckGoesWithoutBody() {
        MediaAnchoring.Anchor anchor = established();
        RelaySessionPair pair = anchor.pair(0).orElseThrow();
        OfferlessReinvite reinvite = fromAlice(anchor, ANALYZER);

        OfferlessReinvite.Outcome ok = reinvite.offer(new InviteDescription(SipHeaders.empty(), null, null, false));
        assertThat(((Relay) ok).body()).isEmpty();
        assertThat(reinvite.awaitsAnswer()).isFalse();
        assertThat(((Relay) reinvite.answer("application/sdp", bytes(OFFER))).body())
                .as("an ACK body answers nothing and would name the sender's own path").isEmpty();
        assertThat(anchor.pair(0)).containsSame(pair);
        assertThat(anchor.reofferPending()).isFalse();
        anchor.release();
    }

    @Test
    void aFailedReinviteChangesNothingAndAPendingReofferRefusesANewOne() {
        MediaAnchoring.Anchor anchor = established();
        RelaySessionPair pair = anchor.pair(0).orElseThrow();
        int before = relay.activeLegs();

        // Non-2xx: the offer never came.
        fromAlice(anchor, ANALYZER).abandon();
        assertThat(anchor.reofferPending()).isFalse();
        assertThat(relay.activeLegs()).isEqualTo(before);

        // While a 2xx's offer awaits its ACK, another re-INVITE without SDP is refused (491).
        OfferlessReinvite pending = fromAlice(anchor, ANALYZER);
        pending.offer(twoHundred(BOB_NEW_FILE));
        assertThatThrownBy(() -> fromAlice(anchor, ANALYZER)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("14.2");
        // The sender's BYE overtook its ACK, then the session ended.
        assertThat(pending.answer(null, null)).isInstanceOf(End.class);
        assertThat(relay.activeLegs()).isEqualTo(before);
        assertThat(anchor.pair(0)).containsSame(pair);
        anchor.release();
        assertThat(pair.isClosed()).isTrue();
    }
}
