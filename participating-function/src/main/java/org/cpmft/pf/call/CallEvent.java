package org.cpmft.pf.call;

/** What moved a {@link TransferCall}; logged with each transition. */
public enum CallEvent {
    /** The INVITE went to the recipient side. */
    FORWARDED,
    /** The rules refused it, or the forwarding failed. */
    REFUSED,
    /** The recipient is known offline: the PF answered at once. */
    DEFERRED_AT_ONCE,
    /** The recipient side answered 480/408 and the PF answered instead. */
    DEFERRED_ON_FAILURE,
    /** The invitation timer fired and the PF answered instead (CPM 8.3.3.1 1.a). */
    INVITATION_EXPIRED,
    /** The PF serves a resume or pull from its store. */
    SERVED_FROM_STORE,
    /** A recipient device's 2xx was relayed. */
    RECIPIENT_ACCEPTED,
    /** A final failure of the recipient side was relayed to the sender. */
    RECIPIENT_FAILED,
    /** The 2xx could not be used (unusable SDP answer): ACK + BYE downstream, 488 upstream. */
    ANSWER_UNUSABLE,
    /** The sender cancelled the INVITE. */
    CANCELLED,
    /** The sender sent BYE. */
    BYE_FROM_SENDER,
    /** The recipient sent BYE (a decline, CPM 7.4.3). */
    BYE_FROM_RECIPIENT,
    /** The PF ended both legs itself. */
    ENDED_BY_PF,
    /** The last transaction is over. */
    CLOSED
}
