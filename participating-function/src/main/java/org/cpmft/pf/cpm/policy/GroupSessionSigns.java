package org.cpmft.pf.cpm.policy;

import java.util.Optional;

import org.cpmft.pf.cpm.body.ContentType;
import org.cpmft.pf.cpm.body.InviteBody;
import org.cpmft.pf.cpm.group.FocusContact;
import org.cpmft.pf.cpm.group.GroupSessionIdentities;

/**
 * Recognises an INVITE that belongs to a CPM group session:
 * <ul>
 *   <li>the adapter says so ({@link InviteDescription#knownGroupSession()}): the Request-URI is a
 *   CPM Group Session Identity (seed 002 9.3.1), found with {@link GroupSessionIdentities#matches};</li>
 *   <li>the body carries a recipient list, {@code application/resource-lists+xml} (RFC 5366: an
 *   ad-hoc group, CPM 7.4.1 "FT to a list of recipients");</li>
 *   <li>the Contact carries {@code isfocus} (RFC 4579 section 4.4: the request comes from, or the
 *   dialog is with, a conference focus, i.e. the Controlling Function).</li>
 * </ul>
 */
public final class GroupSessionSigns {

    private GroupSessionSigns() {
    }

    /** The first sign found, as a short text for the log; empty for a 1-1 request. */
    public static Optional<String> detect(InviteDescription invite, InviteBody body) {
        // isfocus first: the adapter's flag (InviteAnalyzer.isGroupSession) counts it too
        if (FocusContact.isFocus(invite.headers())) {
            return Optional.of("Contact has isfocus");
        }
        if (invite.knownGroupSession()) {
            return Optional.of("Request-URI is a CPM Group Session Identity");
        }
        if (body.contains(ContentType.RESOURCE_LISTS)) {
            return Optional.of("resource-list body");
        }
        return Optional.empty();
    }
}
