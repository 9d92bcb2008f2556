package org.cpmft.pf.cpm.role;

/** The side of a CPM communication a PF serves (OMA CPM Conversation Functions 8.2 and 8.3). */
public enum Role {
    /** Serving the sender: the PF of the originating network (CPM 8.2, "PF A"). */
    ORIGINATING,
    /** Serving the recipient: the PF of the terminating network (CPM 8.3, "PF B"). */
    TERMINATING
}
