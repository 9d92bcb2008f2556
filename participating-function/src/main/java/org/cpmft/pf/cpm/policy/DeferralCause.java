package org.cpmft.pf.cpm.policy;

/** Why the PF keeps a file for later delivery instead of failing the transfer. */
public enum DeferralCause {
    /** The recipient has no registered contact (3rd-party registration state, CPM 8.2.3.1 1.a). */
    RECIPIENT_NOT_REGISTERED,
    /** The recipient answered 480 Temporarily Unavailable (RFC 3261 21.4.18; CPM 7.3.11 uses it to postpone). */
    TEMPORARILY_UNAVAILABLE,
    /** The invitation got 408 Request Timeout (RFC 3261 21.4.9). */
    REQUEST_TIMEOUT,
    /** No final answer within the provider's invitation timeout (CPM 8.3.3.1 1.a "expired invitation"). */
    INVITATION_EXPIRED,
    /** The recipient's MSRP leg dropped before the whole file was delivered (CPM 7.4.5, resume). */
    MEDIA_INTERRUPTED
}
