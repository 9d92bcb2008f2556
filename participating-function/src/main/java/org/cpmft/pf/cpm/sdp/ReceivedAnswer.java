package org.cpmft.pf.cpm.sdp;

import java.util.List;
import java.util.Optional;

import org.cpmft.pf.cpm.body.InviteBody;

/**
 * The SDP answer in a 2xx to an FT offer the PF forwarded, checked against that offer
 * (RFC 3264 section 6, RFC 5547 sections 6 and 8) before the relay is put into it: either a usable
 * answer with the non-blocking problems to log, or the reason it cannot be used (no SDP, a body or
 * SDP syntax error, a blocking mismatch with the offer).
 */
public record ReceivedAnswer(Optional<SdpSession> answer, List<SdpProblem> notes, Optional<String> unusable) {

    public ReceivedAnswer {
        notes = List.copyOf(notes);
        if (answer.isPresent() == unusable.isPresent()) {
            throw new IllegalArgumentException("an answer is usable or not");
        }
    }

    /**
     * @param offer   the offer as the PF forwarded it
     * @param missing what to say when the body has no SDP
     */
    public static ReceivedAnswer check(SdpSession offer, String contentType, byte[] body, String missing) {
        try {
            Optional<String> sdp = InviteBody.parse(contentType, body).sdp();
            if (sdp.isEmpty()) {
                return unusable(missing);
            }
            SdpSession answer = SdpSession.parse(sdp.get());
            SdpValidation v = OfferAnswer.validateFileTransferAnswer(offer, answer);
            if (!v.blocking().isEmpty()) {
                return unusable(v.blocking().get(0).message());
            }
            return new ReceivedAnswer(Optional.of(answer), v.problems(), Optional.empty());
        } catch (IllegalArgumentException e) { // BodyException, SdpSyntaxException
            return unusable(e.getMessage());
        }
    }

    private static ReceivedAnswer unusable(String reason) {
        return new ReceivedAnswer(Optional.empty(), List.of(), Optional.of(reason == null ? "unreadable answer" : reason));
    }
}
