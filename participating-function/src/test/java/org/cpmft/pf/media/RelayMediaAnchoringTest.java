package org.cpmft.pf.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.cpmft.msrp.relay.RelaySessionPair;
import org.cpmft.pf.cpm.sdp.SdpSession;
import org.cpmft.pf.cpm.sdp.StreamChanges.Change;
import org.cpmft.pf.media.MediaAnchoring.Side;
import org.junit.jupiter.api.Test;

/** Per-m-line anchoring on a real relay listening on 127.0.0.1 (answerers' paths name port 9: nothing listens). */
class RelayMediaAnchoringTest extends AnchoringOnRealRelay {



    private static String path(SdpSession sdp) {
        return sdp.media(0).path().get(0);
    }

    private static String newFile(String sdp) {
        return sdp.replace("ft1", "ft2").replace("a.txt", "b.txt");
    }

    private static String closed(String sdp) {
        return sdp.replace("m=message 9 ", "m=message 0 ");
    }

    @Test
    void theSameIdKeepsThePairAndBothPaths() {
        MediaAnchoring.Anchor anchor = established();
        RelaySessionPair pair = anchor.pair(0).orElseThrow();
        String towardsBob = path(anchor.forwardedOffer());
        int before = relay.activeLegs();

        MediaAnchoring.Reoffer again = anchor.reoffer(SdpSession.parse(OFFER.replace("o=alice 1 1", "o=alice 1 2")), Side.UPSTREAM);
        assertThat(again.changes().of(0)).isEqualTo(Change.KEEP);
        assertThat(path(again.forwardedOffer())).isEqualTo(towardsBob);
        SdpSession toAlice = again.anchorAnswer(SdpSession.parse(ANSWER));
        assertThat(path(toAlice)).isEqualTo(pair.offererLeg().localPath().format());
        assertThat(anchor.pair(0)).containsSame(pair);
        assertThat(pair.isClosed()).isFalse();
        assertThat(relay.activeLegs()).isEqualTo(before);
        anchor.release();
    }

    @Test
    void aNewIdGetsANewPairOnceAnswered() {
        MediaAnchoring.Anchor anchor = established();
        RelaySessionPair old = anchor.pair(0).orElseThrow();
        String oldTowardsBob = path(anchor.forwardedOffer());

        MediaAnchoring.Reoffer next = anchor.reoffer(SdpSession.parse(newFile(OFFER)), Side.UPSTREAM);
        assertThat(next.changes().of(0)).isEqualTo(Change.REPLACE);
        String newTowardsBob = path(next.forwardedOffer());
        assertThat(newTowardsBob).startsWith("msrp://127.0.0.1:" + relay.port() + "/").isNotEqualTo(oldTowardsBob);
        assertThat(old.isClosed()).as("the old transfer runs until the 2xx").isFalse();

        SdpSession toAlice = next.anchorAnswer(SdpSession.parse(newFile(ANSWER)));
        RelaySessionPair fresh = anchor.pair(0).orElseThrow();
        assertThat(old.isClosed()).isTrue();
        assertThat(fresh).isNotSameAs(old);
        assertThat(fresh.answererLeg().localPath().format()).isEqualTo(newTowardsBob);
        assertThat(path(toAlice)).isEqualTo(fresh.offererLeg().localPath().format());
        assertThat(fresh.answererLeg().remotePath().get(0).format()).isEqualTo("msrp://127.0.0.1:9/bob1;tcp");
        anchor.release();
        assertThat(fresh.isClosed()).isTrue();
    }

    @Test
    void portZeroReleasesThePairAndHidesTheFarEndsPath() {
        MediaAnchoring.Anchor anchor = established();
        RelaySessionPair pair = anchor.pair(0).orElseThrow();
        int before = relay.activeLegs();

        MediaAnchoring.Reoffer close = anchor.reoffer(SdpSession.parse(closed(OFFER)), Side.UPSTREAM);
        assertThat(close.changes().of(0)).isEqualTo(Change.CLOSE);
        assertThat(close.forwardedOffer().media(0).isClosed()).isTrue();
        assertThat(close.forwardedOffer().format()).doesNotContain("alice1");
        SdpSession toAlice = close.anchorAnswer(SdpSession.parse(closed(ANSWER)));
        assertThat(toAlice.format()).doesNotContain("bob1").contains("m=message 0 ");
        assertThat(pair.isClosed()).isTrue();
        assertThat(anchor.pair(0)).isEmpty();
        assertThat(relay.activeLegs()).isEqualTo(before - 2);

        // The closed m-line reused with a new file opens a new stream.
        MediaAnchoring.Reoffer reopen = anchor.reoffer(SdpSession.parse(newFile(OFFER)), Side.UPSTREAM);
        assertThat(reopen.changes().of(0)).isEqualTo(Change.OPEN);
        reopen.anchorAnswer(SdpSession.parse(newFile(ANSWER)));
        assertThat(anchor.pair(0)).isPresent();
        anchor.release();
    }

    @Test
    void aFailedReinviteLeavesTheSessionAsItWas() {
        MediaAnchoring.Anchor anchor = established();
        RelaySessionPair pair = anchor.pair(0).orElseThrow();
        int before = relay.activeLegs();

        MediaAnchoring.Reoffer next = anchor.reoffer(SdpSession.parse(newFile(OFFER)), Side.UPSTREAM);
        assertThat(relay.activeLegs()).isEqualTo(before + 2);
        assertThatThrownBy(() -> anchor.reoffer(SdpSession.parse(OFFER), Side.DOWNSTREAM))
                .as("a crossing re-offer (491)").isInstanceOf(IllegalStateException.class);
        next.abandon();
        next.abandon();
        assertThat(relay.activeLegs()).isEqualTo(before);
        assertThat(anchor.pair(0)).containsSame(pair);
        assertThat(pair.isClosed()).isFalse();

        // The session compared against is still the first one: the same id is kept.
        assertThat(anchor.reoffer(SdpSession.parse(OFFER), Side.UPSTREAM).changes().of(0)).isEqualTo(Change.KEEP);
        anchor.release();
    }

    @Test
    void aByeWhileTheReinviteIsOutReleasesTheNewPairsToo() {
        MediaAnchoring.Anchor anchor = established();
        int before = relay.activeLegs();
        MediaAnchoring.Reoffer next = anchor.reoffer(SdpSession.parse(newFile(OFFER)), Side.UPSTREAM);
        anchor.release();
        assertThat(relay.activeLegs()).isEqualTo(before - 2);
        assertThatThrownBy(() -> next.anchorAnswer(SdpSession.parse(newFile(ANSWER))))
                .isInstanceOf(IllegalStateException.class);
        assertThat(anchor.pair(0)).isEmpty();
    }

    @Test
    void anAnswerRefusingTheNewFileReleasesItsPair() {
        MediaAnchoring.Anchor anchor = established();
        RelaySessionPair old = anchor.pair(0).orElseThrow();
        int before = relay.activeLegs();
        MediaAnchoring.Reoffer next = anchor.reoffer(SdpSession.parse(newFile(OFFER)), Side.UPSTREAM);
        SdpSession toAlice = next.anchorAnswer(SdpSession.parse(closed(newFile(ANSWER))));
        assertThat(toAlice.media(0).isClosed()).isTrue();
        assertThat(old.isClosed()).as("the m-line now carries the refused file, not the old one").isTrue();
        assertThat(anchor.pair(0)).isEmpty();
        assertThat(relay.activeLegs()).isEqualTo(before - 2);
    }

    @Test
    void aReofferFromTheRecipientSideSeesTheLegsFacingEachSide() {
        MediaAnchoring.Anchor anchor = established();
        RelaySessionPair pair = anchor.pair(0).orElseThrow();
        String bobSide = pair.answererLeg().localPath().format();
        String aliceSide = pair.offererLeg().localPath().format();

        // Bob re-offers the same stream: Alice gets the leg facing her, Bob the one facing him.
        String bobOffer = ANSWER.replace("o=bob 2 2", "o=bob 2 3");
        MediaAnchoring.Reoffer same = anchor.reoffer(SdpSession.parse(bobOffer), Side.DOWNSTREAM);
        assertThat(path(same.forwardedOffer())).isEqualTo(aliceSide);
        assertThat(path(same.anchorAnswer(SdpSession.parse(OFFER)))).isEqualTo(bobSide);

        // Bob offers a new file (a pull-back or push from his side): the new pair's offerer leg faces Bob.
        MediaAnchoring.Reoffer fresh = anchor.reoffer(SdpSession.parse(newFile(bobOffer)), Side.DOWNSTREAM);
        SdpSession toBob = fresh.anchorAnswer(SdpSession.parse(newFile(OFFER)));
        RelaySessionPair bobs = anchor.pair(0).orElseThrow();
        assertThat(path(toBob)).isEqualTo(bobs.offererLeg().localPath().format());
        assertThat(path(fresh.forwardedOffer())).isEqualTo(bobs.answererLeg().localPath().format());
        assertThat(bobs.offererLeg().remotePath().get(0).format()).isEqualTo("msrp://127.0.0.1:9/bob1;tcp");
        anchor.release();
    }

    @Test
    void aReofferNeedsAnEstablishedSessionThatFits() {
        SdpSession offer = SdpSession.parse(OFFER);
        MediaAnchoring.Anchor unanswered = anchoring.anchorOffer(offer, offer.msrpStreams());
        assertThatThrownBy(() -> unanswered.reoffer(offer, Side.UPSTREAM)).isInstanceOf(IllegalStateException.class);
        unanswered.release();

        MediaAnchoring.Anchor anchor = established();
        String noMedia = OFFER.substring(0, OFFER.indexOf("m="));
        assertThatThrownBy(() -> anchor.reoffer(SdpSession.parse(noMedia), Side.UPSTREAM))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("RFC 3264 section 8");
        int before = relay.activeLegs();
        assertThatThrownBy(() -> anchor.reoffer(SdpSession.parse(newFile(OFFER).replace("a=path:msrp://127.0.0.1:9/alice1;tcp\r\n", "")),
                Side.UPSTREAM)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("a=path");
        assertThat(relay.activeLegs()).isEqualTo(before);
        anchor.release();
        assertThatThrownBy(() -> anchor.reoffer(offer, Side.UPSTREAM)).isInstanceOf(IllegalStateException.class);
    }
}
