package org.cpmft.pf.media;

import org.cpmft.msrp.relay.MsrpRelay;
import org.cpmft.msrp.relay.RelayConfig;
import org.cpmft.pf.cpm.Samples;
import org.cpmft.pf.cpm.sdp.SdpSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * What the relay anchoring tests share: a real relay listening on 127.0.0.1 and the one-file session
 * they start from (the far ends' paths name port 9, where nothing listens).
 */
abstract class AnchoringOnRealRelay {

    static final String OFFER = Samples.oneFile("alice", 1, 1, "sendonly", "alice1", "a.txt", 10, "ft1");
    static final String ANSWER = Samples.oneFile("bob", 2, 2, "recvonly", "bob1", "a.txt", 10, "ft1");

    static MsrpRelay relay;
    static MediaAnchoring anchoring;

    @BeforeAll
    static void startRelay() {
        relay = MsrpRelay.start(RelayConfig.of("127.0.0.1", 0));
        anchoring = new RelayMediaAnchoring(relay, null);
    }

    @AfterAll
    static void stopRelay() {
        relay.close();
    }

    /** Alice's offer and Bob's answer anchored. */
    static MediaAnchoring.Anchor established() {
        SdpSession offer = SdpSession.parse(OFFER);
        MediaAnchoring.Anchor anchor = anchoring.anchorOffer(offer, offer.msrpStreams());
        anchor.anchorAnswer(SdpSession.parse(ANSWER));
        return anchor;
    }
}
