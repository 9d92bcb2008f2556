package org.cpmft.pf.call;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.cpmft.pf.cpm.sdp.Direction;
import org.cpmft.pf.cpm.sdp.MediaDescription;
import org.cpmft.pf.cpm.sdp.Origin;
import org.cpmft.pf.cpm.sdp.SdpSession;
import org.cpmft.pf.cpm.sdp.StreamChanges;

/**
 * A re-INVITE in a dialog the PF answered itself (it stands in for the recipient): what changes,
 * and the PF's answer (RFC 3264 section 8). Kept files go on as they are, each new file pushed
 * (a=sendonly) is taken into the store like the first ones, a closed or replaced stream ends, and
 * anything else new (a pull, another media) is refused with port 0.
 */
public final class LocalReoffer {

    private final SdpSession newOffer;
    private final StreamChanges changes;
    private final List<Integer> newPushes;

    private LocalReoffer(SdpSession newOffer, StreamChanges changes, List<Integer> newPushes) {
        this.newOffer = newOffer;
        this.changes = changes;
        this.newPushes = List.copyOf(newPushes);
    }

    /**
     * @param offer  the offer of the session now in force
     * @param answer the PF's answer to it
     * @throws IllegalArgumentException when the new offer does not fit the session (fewer m-lines)
     */
    public static LocalReoffer of(SdpSession offer, SdpSession answer, SdpSession newOffer) {
        StreamChanges changes = StreamChanges.between(offer, answer, newOffer);
        changes.problem().ifPresent(p -> {
            throw new IllegalArgumentException(p.message());
        });
        List<Integer> pushes = new ArrayList<>();
        for (int i : changes.indexes(StreamChanges.Change.OPEN)) {
            addIfPush(newOffer, i, pushes);
        }
        for (int i : changes.indexes(StreamChanges.Change.REPLACE)) {
            addIfPush(newOffer, i, pushes);
        }
        pushes.sort(Integer::compare);
        return new LocalReoffer(newOffer, changes, pushes);
    }

    private static void addIfPush(SdpSession offer, int index, List<Integer> out) {
        if (offer.media(index).isFileTransfer() && offer.direction(index) == Direction.SENDONLY) {
            out.add(index);
        }
    }

    public StreamChanges changes() {
        return changes;
    }

    /** The m-lines of new files pushed to the PF. */
    public List<Integer> newPushes() {
        return newPushes;
    }

    /** The m-lines whose stream ends (closed, or replaced by another file). */
    public List<Integer> ended() {
        List<Integer> out = new ArrayList<>(changes.indexes(StreamChanges.Change.CLOSE));
        out.addAll(changes.indexes(StreamChanges.Change.REPLACE));
        out.sort(Integer::compare);
        return out;
    }

    /**
     * The PF's answer: {@code taken} answers the new pushes it took (every other m-line of it refused,
     * as {@code TransferDeferral.accept} builds it; empty when none was taken), the kept m-lines are
     * those of the previous answer, and the origin is the previous one with its version incremented
     * (RFC 3264 section 8).
     */
    public SdpSession answer(SdpSession previousAnswer, Optional<SdpSession> taken) {
        SdpSession out = taken.orElseGet(() -> refusing(previousAnswer));
        for (int i : changes.indexes(StreamChanges.Change.KEEP)) {
            out = out.withMedia(i, previousAnswer.media(i));
        }
        Optional<Origin> origin = previousAnswer.origin();
        if (origin.isPresent()) {
            Origin o = origin.get();
            out = out.withOrigin(new Origin(o.username(), o.sessionId(), nextVersion(o.sessionVersion()), o.netType(),
                    o.addrType(), o.address()));
        }
        return out;
    }

    private SdpSession refusing(SdpSession previousAnswer) {
        StringBuilder sdp = new StringBuilder();
        previousAnswer.sessionLines().forEach(l -> sdp.append(l.content()).append("\r\n"));
        for (MediaDescription m : newOffer.media()) {
            sdp.append("m=").append(m.mediaLine().withPort(0).format()).append("\r\n");
        }
        return SdpSession.parse(sdp.toString());
    }

    private static String nextVersion(String version) {
        try {
            return Long.toString(Math.addExact(Long.parseLong(version), 1));
        } catch (NumberFormatException | ArithmeticException e) {
            return "1";
        }
    }
}
