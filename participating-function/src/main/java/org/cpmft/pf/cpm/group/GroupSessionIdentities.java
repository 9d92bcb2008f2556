package org.cpmft.pf.cpm.group;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.cpmft.pf.cpm.header.SipHeaders;

/**
 * Recognises a request for a CPM group session (seed 002 9.3.1: "the Request-URI having a value of
 * the CPM Group Session Identity of the on-going active CPM Group Session"). A group session
 * identity is a URI the Controlling Function hands out (the Contact with {@code isfocus} of its 2xx,
 * RFC 4579); the PF knows it by the identities the operator provisions for the Controlling
 * Function (config {@code policy.groupSessionIdentities}, wildcarded PSIs, {@link WildcardedPsi}).
 * A request the Controlling Function itself sends towards a participant (terminating side) names
 * the participant in the Request-URI but carries {@code isfocus} in its Contact ({@link FocusContact}).
 *
 * <p>Immutable; build a new one when the policy is reloaded.
 */
public final class GroupSessionIdentities {

    /** Most identities one PF is provisioned with: each costs a match per INVITE. */
    public static final int MAX_IDENTITIES = 64;

    public static final GroupSessionIdentities NONE = new GroupSessionIdentities(List.of());

    private final List<WildcardedPsi> identities;

    private GroupSessionIdentities(List<WildcardedPsi> identities) {
        this.identities = identities;
    }

    /** @throws IllegalArgumentException naming the identity that does not parse, or when there are too many */
    public static GroupSessionIdentities of(List<String> psis) {
        if (psis.size() > MAX_IDENTITIES) {
            throw new IllegalArgumentException(psis.size() + " group session identities; at most " + MAX_IDENTITIES);
        }
        List<WildcardedPsi> parsed = new ArrayList<>();
        for (String psi : psis) {
            parsed.add(WildcardedPsi.parse(psi));
        }
        return new GroupSessionIdentities(List.copyOf(parsed));
    }

    public List<String> identities() {
        return identities.stream().map(WildcardedPsi::toString).toList();
    }

    /** Whether {@code uri} is a provisioned group session identity. */
    public boolean matches(String uri) {
        for (WildcardedPsi psi : identities) {
            if (psi.matches(uri)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether the request belongs to a group session: its Request-URI is a group session identity,
     * or it comes from the Controlling Function (Contact with {@code isfocus}). The body sign (a
     * recipient list, RFC 5366) is the analyzer's ({@code GroupSessionSigns}).
     */
    public boolean isGroup(SipHeaders headers, String requestUri) {
        return sign(headers, requestUri).isPresent();
    }

    /** The sign found, as a short text for the log; empty for a 1-1 request. */
    public Optional<String> sign(SipHeaders headers, String requestUri) {
        if (matches(requestUri)) {
            return Optional.of("Request-URI is a CPM Group Session Identity");
        }
        if (headers != null && FocusContact.isFocus(headers)) {
            return Optional.of("Contact has isfocus");
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return identities.toString();
    }
}
