package org.cpmft.pf.cpm.imdn;

/**
 * When the PF keeps a client's disposition notification for later (seed 004 5.4.5: "If the
 * originator CPM User's device that has initiated the CPM Message is not available at the time of
 * delivery of the disposition notification, the CPM Participating Function SHALL defer the
 * disposition notification for later delivery to CPM Client on that CPM User's device", by SIP
 * MESSAGE as for deferred standalone messages, 8.3.1.5): when its recipient is known to have no
 * registered device, or the network answers the forwarded MESSAGE with 480 or 408 (RFC 3261
 * 21.4.18, 21.4.9: not now). Any other answer is the network's and goes back to the client.
 */
public final class ImdnDeferralRules {

    private ImdnDeferralRules() {
    }

    /** Before forwarding: defer at once when the recipient is known not to be registered. */
    public static boolean deferAtOnce(boolean recipientKnownNotRegistered) {
        return recipientKnownNotRegistered;
    }

    /** On the final response to the forwarded MESSAGE. */
    public static boolean deferOn(int status) {
        return status == 480 || status == 408;
    }
}
