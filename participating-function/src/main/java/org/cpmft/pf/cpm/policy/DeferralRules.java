package org.cpmft.pf.cpm.policy;

import java.util.Optional;
import java.util.OptionalLong;

import org.cpmft.pf.cpm.role.Role;

/**
 * When the PF defers a file transfer (OMA CPM 8.2.3.1 originating, 8.3.3.1 / 8.3.3.3 terminating):
 * only the PF of the side the provider chose defers (config {@code policy.deferOn}), only 1-1
 * transfers (group deferral is the Controlling Function's, CPM 9), and only for causes that say
 * "not now" rather than "no": 480, 408, no registration, invitation expiry, or a broken media leg
 * with bytes still undelivered. 486 Busy, 603 Decline, 403, 404, 488 and 487 (the sender
 * cancelled) are answers of the recipient or the network and are relayed, not deferred.
 */
public final class DeferralRules {

    private final Role deferOn;

    /** @param deferOn the role whose PF stores files for later delivery */
    public DeferralRules(Role deferOn) {
        if (deferOn == null) {
            throw new IllegalArgumentException("deferOn is null");
        }
        this.deferOn = deferOn;
    }

    public Role deferOn() {
        return deferOn;
    }

    /**
     * Whether this PF, acting in {@code role}, defers at all for a transfer ({@code group}: in a CPM
     * group session, seed 002 9.3.1). A group transfer is never deferred: stored as a 1-1 it would
     * come back later as a 1-1 INVITE from the sender, outside the group session. Seed 004 7.3.12 has
     * deferred group delivery happen inside the group session (the PF invites the client back into it,
     * a=sendrecv while it is active, a=sendonly after), which needs the Controlling Function's session
     * state; for FT the Controlling Function runs the Large Message Mode procedure per participant
     * (9.3.1) and handles an unreachable one "as per service provider policy". So the participant's
     * 480/408, the invitation timer and a dropped MSRP leg all reach the Controlling Function as they are.
     */
    public boolean applies(Role role, boolean group) {
        return role == deferOn && !group;
    }

    /** On a final non-2xx response from the recipient side. */
    public Optional<DeferralCause> onFinalResponse(Role role, boolean group, int status) {
        if (!applies(role, group)) {
            return Optional.empty();
        }
        return switch (status) {
            case 480 -> Optional.of(DeferralCause.TEMPORARILY_UNAVAILABLE);
            case 408 -> Optional.of(DeferralCause.REQUEST_TIMEOUT);
            default -> Optional.empty();
        };
    }

    /** When the provider's invitation timer fires before any final response. */
    public Optional<DeferralCause> onInvitationTimeout(Role role, boolean group) {
        return applies(role, group) ? Optional.of(DeferralCause.INVITATION_EXPIRED) : Optional.empty();
    }

    /** When the recipient is known not to be registered before the INVITE is forwarded. */
    public Optional<DeferralCause> onRecipientNotRegistered(Role role, boolean group) {
        return applies(role, group) ? Optional.of(DeferralCause.RECIPIENT_NOT_REGISTERED) : Optional.empty();
    }

    /**
     * When the recipient's MSRP leg drops mid-transfer.
     *
     * @param bytesDelivered bytes the recipient acknowledged
     * @param fileSize       the file-selector size, if known; without it any drop before the sender's
     *                       last chunk counts as interrupted, which the caller tells with {@code complete}
     * @param complete       the last chunk was delivered and acknowledged
     */
    public Optional<DeferralCause> onMediaInterrupted(Role role, boolean group, long bytesDelivered,
                                                      OptionalLong fileSize, boolean complete) {
        if (!applies(role, group) || complete) {
            return Optional.empty();
        }
        if (fileSize.isPresent() && bytesDelivered >= fileSize.getAsLong()) {
            return Optional.empty();
        }
        return Optional.of(DeferralCause.MEDIA_INTERRUPTED);
    }
}
