package org.cpmft.pf.cpm.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.nio.charset.StandardCharsets;
import java.util.Random;

import org.cpmft.pf.cpm.Samples;
import org.cpmft.pf.cpm.body.BodyException;
import org.cpmft.pf.cpm.body.InviteBody;
import org.cpmft.pf.cpm.feature.FeatureTags;
import org.cpmft.pf.cpm.header.SipHeaders;
import org.cpmft.pf.cpm.role.Role;
import org.cpmft.pf.cpm.role.RoleResolver;
import org.cpmft.pf.cpm.sdp.SdpSession;
import org.cpmft.pf.cpm.sdp.SdpSyntaxException;
import org.cpmft.pf.cpm.sdp.SdpValidator;
import org.junit.jupiter.api.Test;

/**
 * Mutated inputs (fixed seed, bounded count): the rules must answer every INVITE with a decision,
 * never an exception, and the parsers must fail only with their declared exceptions.
 */
class InviteAnalyzerRobustnessTest {

    private static final int ROUNDS = 3000;
    private static final String SPECIALS = "\"<>;=,:%!*\r\n\t @/\\-0";

    private final Random random = new Random(5547);

    private String mutate(String s) {
        StringBuilder sb = new StringBuilder(s);
        int edits = 1 + random.nextInt(4);
        for (int e = 0; e < edits && sb.length() > 0; e++) {
            int at = random.nextInt(sb.length());
            switch (random.nextInt(4)) {
                case 0 -> sb.deleteCharAt(at);
                case 1 -> sb.insert(at, SPECIALS.charAt(random.nextInt(SPECIALS.length())));
                case 2 -> sb.setCharAt(at, SPECIALS.charAt(random.nextInt(SPECIALS.length())));
                default -> sb.setLength(at);
            }
        }
        return sb.toString();
    }

    @Test
    void analyzerAlwaysDecides() {
        InviteAnalyzer analyzer = new InviteAnalyzer(
                new FileTransferPolicy(20000, 100, ThumbnailHandling.STRIP, false), "pf.example.net");
        String body = "--b\r\nContent-Type: application/sdp\r\n\r\n" + Samples.PUSH_OFFER
                + "\r\n--b\r\nContent-Type: image/jpeg\r\nContent-ID: <id2@alicepc.example.com>\r\n\r\n" + "J".repeat(200)
                + "\r\n--b--\r\n";
        int forwards = 0;
        int rejects = 0;
        for (int i = 0; i < ROUNDS; i++) {
            SipHeaders headers = SipHeaders.of(
                    "Accept-Contact", random.nextInt(5) == 0 ? mutate(Samples.FT_ACCEPT_CONTACT) : Samples.FT_ACCEPT_CONTACT,
                    "Contact", mutate("<sip:a@b>;+g.3gpp.icsi-ref=\"urn%3Aurn-7%3A3gpp-service.ims.icsi.oma.cpm.filetransfer\""));
            String ct = random.nextInt(5) == 0 ? mutate("multipart/mixed;boundary=b") : "multipart/mixed;boundary=b";
            byte[] b = mutate(body).getBytes(StandardCharsets.UTF_8);
            InviteDescription invite = new InviteDescription(headers, ct, b, random.nextInt(10) == 0);
            FtDecision d = analyzer.analyze(invite);
            assertThat(d).isNotNull();
            if (d instanceof FtDecision.Reject r) {
                assertThat(r.status()).isIn(400, 403, 488);
                assertThat(r.warning()).isPresent();
                assertThat(r.warning().get().headerValue()).doesNotContain("\r", "\n");
                rejects++;
            } else {
                forwards++;
            }
        }
        // Both outcomes occur, so the mutations exercise the checks rather than one early exit.
        assertThat(forwards).isPositive();
        assertThat(rejects).isPositive();
    }

    @Test
    void parsersFailOnlyWithTheirOwnExceptions() {
        for (int i = 0; i < ROUNDS; i++) {
            String sdp = mutate(Samples.TWO_FILES);
            assertThatCode(() -> {
                try {
                    SdpSession s = SdpSession.parse(sdp);
                    assertThat(s.format()).isEqualTo(sdp);
                    SdpValidator.validateFileTransferOffer(s);
                } catch (SdpSyntaxException expected) {
                    // declared failure
                }
            }).as(sdp).doesNotThrowAnyException();
            String mp = mutate("--b\r\nContent-Type: application/sdp\r\nContent-ID: <x@y>\r\n\r\nv=0\r\n\r\n--b\r\n\r\nz\r\n--b--");
            assertThatCode(() -> {
                try {
                    InviteBody body = InviteBody.parse("multipart/mixed;boundary=b", mp.getBytes(StandardCharsets.UTF_8));
                    assertThat(body.bytes()).isEqualTo(mp.getBytes(StandardCharsets.UTF_8));
                    body.parts().forEach(p -> p.contentId());
                } catch (BodyException expected) {
                    // declared failure
                }
            }).as(mp).doesNotThrowAnyException();
        }
    }

    @Test
    void headerRulesNeverThrow() {
        RoleResolver roles = new RoleResolver(Role.TERMINATING);
        for (int i = 0; i < ROUNDS; i++) {
            String ac = mutate(Samples.FT_ACCEPT_CONTACT + ", " + Samples.CHAT_ACCEPT_CONTACT);
            String psu = mutate("\"Bob\" <sip:bob@home2.net;user=phone>;sescase=term;regstate=reg");
            String route = mutate("<sip:pf.home1.net;lr;orig>, <sip:scscf;lr>");
            assertThatCode(() -> {
                FeatureTags.identify(SipHeaders.of("Accept-Contact", ac, "Contact", ac, "P-Asserted-Service", ac));
                roles.resolveValues(psu, route);
            }).as(ac + " | " + psu + " | " + route).doesNotThrowAnyException();
        }
    }
}
