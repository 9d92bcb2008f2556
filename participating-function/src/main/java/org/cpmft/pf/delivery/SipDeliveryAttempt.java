package org.cpmft.pf.delivery;

import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;

import org.cpmft.msrp.relay.MsrpRelay;
import org.cpmft.pf.deferral.DeliveryAttempt;
import org.cpmft.pf.deferral.DeliveryOutcome;
import org.cpmft.pf.deferral.DeliveryRequest;

/**
 * Deferred delivery over SIP and the PF's MSRP relay.
 *
 * @param userAgent         User-Agent of the PF's own INVITEs (names the CPM release)
 * @param invitationTimeout how long a re-offer may ring before it is cancelled (NoAnswer)
 * @param chunkSize         MSRP SEND chunk size when playing the stored file
 */
public record SipDeliveryAttempt(MsrpRelay relay, String userAgent, Duration invitationTimeout, int chunkSize,
                                 ScheduledExecutorService timer, Executor sipSender) implements DeliveryAttempt {

    /** Returns at once: building and sending the INVITE (which may resolve names) runs on {@code sipSender}. */
    @Override
    public CompletionStage<DeliveryOutcome> deliver(DeliveryRequest request) {
        OutboundDelivery delivery = new OutboundDelivery(this, request);
        sipSender.execute(delivery::start);
        return delivery.outcome();
    }
}
