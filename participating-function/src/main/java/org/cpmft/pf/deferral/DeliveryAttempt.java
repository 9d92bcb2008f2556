package org.cpmft.pf.deferral;

import java.util.concurrent.CompletionStage;

/**
 * One re-offer of a deferred file to its recipient, implemented by the SIP side: send an INVITE
 * built from the {@link DeliveryRequest} (OMA CPM 8.2.3.1 1.a / 8.3.3.3), stream the content
 * through the MSRP relay from {@link DeliveryRequest#resumeOffset()}, and complete the stage
 * with the outcome. Must not block the calling thread; must complete the stage exactly once,
 * also when {@link DeliveryRequest#cancelled()} fires (then with any outcome: it is ignored).
 */
@FunctionalInterface
public interface DeliveryAttempt {
    CompletionStage<DeliveryOutcome> deliver(DeliveryRequest request);
}
