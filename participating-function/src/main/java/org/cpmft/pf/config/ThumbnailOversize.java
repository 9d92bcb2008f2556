package org.cpmft.pf.config;

import java.util.Locale;

/** What the PF does with an offer whose file-icon (thumbnail) exceeds policy.thumbnailMaxBytes. */
public enum ThumbnailOversize {
    /** Reject the invitation. */
    REFUSE,
    /** Forward the invitation without the thumbnail. */
    STRIP;

    public String token() {
        return name().toLowerCase(Locale.ROOT);
    }
}
