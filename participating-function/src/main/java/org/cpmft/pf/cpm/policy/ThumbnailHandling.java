package org.cpmft.pf.cpm.policy;

/** What to do with an offer whose file-icon exceeds the thumbnail size limit. */
public enum ThumbnailHandling {
    /** Reject the INVITE (488 with a Warning). */
    REFUSE,
    /** Forward the INVITE without the a=file-icon attribute and without the icon body part. */
    STRIP
}
