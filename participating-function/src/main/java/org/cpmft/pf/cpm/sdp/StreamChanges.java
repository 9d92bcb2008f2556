package org.cpmft.pf.cpm.sdp;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a new offer in an established session (re-INVITE, RFC 3264 section 8) does to each m-line,
 * compared with the offer and answer agreed before. The file-transfer-id names a transfer
 * (RFC 5547 section 8, OMA CPM 7.4.1 2.b): a reused m-line with the same id changes nothing, a new
 * id is a new transfer, and port 0 closes the stream.
 *
 * <p>A stream counts as open before when it was an MSRP stream open in the agreed offer and not
 * refused (port 0) in the agreed answer; an absent file-transfer-id compares equal to an absent one.
 */
public final class StreamChanges {

    /** What happens to one m-line. */
    public enum Change {
        /** Open before and now, same file-transfer-id: same transfer, the relay pair and a=path stay. */
        KEEP,
        /** Open before, now with another file-transfer-id: a new transfer replaces the old one (CPM 7.4.1 2.b.i). */
        REPLACE,
        /** Not open before (an added m-line, or a closed one reused): a new transfer. */
        OPEN,
        /** Open before, closed now (port 0, or no longer MSRP): the stream ends (CPM 7.4.1 2.b.ii, RFC 3264 8.2). */
        CLOSE,
        /** Neither before nor now an open MSRP stream: nothing to anchor. */
        NONE;

        public boolean isNewTransfer() {
            return this == REPLACE || this == OPEN;
        }
    }

    /** @param mediaIndex 0-based m-line index */
    public record StreamChange(int mediaIndex, Change change) {
    }

    private final List<StreamChange> changes;
    private final Optional<SdpProblem> problem;

    private StreamChanges(List<StreamChange> changes, Optional<SdpProblem> problem) {
        this.changes = List.copyOf(changes);
        this.problem = problem;
    }

    /**
     * Compares {@code newOffer} with the session agreed by {@code offer} and {@code answer}. A new
     * offer with fewer m-lines than the session is a {@link #problem()} (m-lines are never removed,
     * RFC 3264 section 8) and lists no change.
     */
    public static StreamChanges between(SdpSession offer, SdpSession answer, SdpSession newOffer) {
        int before = offer.media().size();
        if (newOffer.media().size() < before) {
            return new StreamChanges(List.of(), Optional.of(new SdpProblem(-1, SdpProblem.Code.FEWER_MEDIA_IN_REOFFER,
                    "session " + before + ", new offer " + newOffer.media().size())));
        }
        List<StreamChange> out = new ArrayList<>();
        for (int i = 0; i < newOffer.media().size(); i++) {
            out.add(new StreamChange(i, change(offer, answer, newOffer, i)));
        }
        return new StreamChanges(out, Optional.empty());
    }

    private static Change change(SdpSession offer, SdpSession answer, SdpSession newOffer, int i) {
        boolean wasOpen = i < offer.media().size() && isOpenMsrp(offer.media(i))
                && i < answer.media().size() && !answer.media(i).isClosed();
        boolean isOpen = isOpenMsrp(newOffer.media(i));
        if (wasOpen && isOpen) {
            return offer.media(i).fileTransferId().equals(newOffer.media(i).fileTransferId())
                    ? Change.KEEP : Change.REPLACE;
        }
        if (wasOpen) {
            return Change.CLOSE;
        }
        return isOpen ? Change.OPEN : Change.NONE;
    }

    private static boolean isOpenMsrp(MediaDescription m) {
        return m.isMsrp() && !m.isClosed();
    }

    /** One entry per m-line of the new offer, in order; empty when there is a {@link #problem()}. */
    public List<StreamChange> all() {
        return changes;
    }

    /** Why the new offer does not fit the session, if it does not. */
    public Optional<SdpProblem> problem() {
        return problem;
    }

    public Change of(int mediaIndex) {
        return changes.get(mediaIndex).change();
    }

    /** Indexes of the m-lines with the given change. */
    public List<Integer> indexes(Change change) {
        return changes.stream().filter(c -> c.change() == change).map(StreamChange::mediaIndex).toList();
    }

    /** Whether nothing changes for the relay: every stream kept or left alone. */
    public boolean isUnchanged() {
        return changes.stream().allMatch(c -> c.change() == Change.KEEP || c.change() == Change.NONE);
    }

    /** The new transfers (REPLACE, OPEN) the answer accepted (port not 0): one new file each. */
    public List<Integer> newTransfersAccepted(SdpSession answer) {
        return changes.stream()
                .filter(c -> c.change().isNewTransfer())
                .map(StreamChange::mediaIndex)
                .filter(i -> i < answer.media().size() && !answer.media(i).isClosed())
                .toList();
    }

    @Override
    public String toString() {
        return problem.map(SdpProblem::message).orElseGet(changes::toString);
    }
}
