package org.cpmft.pf.cpm.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;

import org.cpmft.pf.cpm.sdp.FileHash;
import org.cpmft.pf.cpm.sdp.FileRange;
import org.cpmft.pf.cpm.sdp.FileSelector;
import org.cpmft.pf.cpm.sdp.FileTransferStream;

/**
 * Whether the PF answers a new FT INVITE itself as the responder of a resume or a pull (seed 004
 * 7.4.5.2, seed 000 7.4.4.2, RFC 5547 sections 8 and 9), refuses it with 488, or forwards it.
 *
 * <p>The PF is the responder for a file when it holds, or held, that file for these two parties:
 * <ul>
 *   <li>A resuming sender (a=sendonly with a=file-range): a transfer from the INVITE's sender to
 *       its recipient with the same file. RECEIVING: the PF takes the missing octets
 *       ({@link Plan.TakeRest}); STORED, DELIVERING or DELIVERED: the PF has the whole file already
 *       ({@link Plan.AlreadyHeld}); EXPIRED or FAILED: refused. Without such a transfer the PF is the
 *       responder only when it would defer the INVITE at once (the deferral rules apply and the
 *       recipient is known to have no device registered): it cannot take a file's tail as a new
 *       transfer, so it refuses; otherwise the recipient's device answers (forward).</li>
 *   <li>A pull or a resuming receiver (a=recvonly, with or without a=file-range): a transfer from
 *       the INVITE's recipient (the original sender) to its sender (the requester) with the same
 *       file. STORED or DELIVERING: the PF plays it from the requested octet ({@link Plan.Play}).
 *       RECEIVING: the PF does not have the whole file yet, the original sender may (forward).
 *       DELIVERED, EXPIRED or FAILED: the content is gone; refused when it is a resume
 *       (file-range), forwarded when it is a new pull.</li>
 * </ul>
 * "The same file" (RFC 5547 section 6 file-selector; the file-transfer-id of a resume is new, RFC
 * 5547 section 9): the names are equal, or, when the offer names none, the hashes are; and size,
 * hash and type agree wherever both sides give them. The same name with another size, hash or
 * type is a changed file (7.4.5.2 ii): refused when the PF is that file's responder.
 *
 * <p>The PF answers an INVITE only when it answers every file stream of it; one refused stream
 * refuses the INVITE; a mix of streams the PF serves and streams for the far end is forwarded.
 * Group transfers are never answered here (the caller forwards them).
 */
public final class ResumeResponder {

    /** How much of a transfer the PF still holds; the store's states, the ended ones folded. */
    public enum Held {
        RECEIVING, STORED, DELIVERING, DELIVERED, ENDED;

        boolean hasWholeFile() {
            return this == STORED || this == DELIVERING;
        }
    }

    /**
     * A transfer the PF holds or held.
     *
     * @param selector     the file as first offered (name, type, size, hash)
     * @param contentStart first stored octet (above 0 only when the store took over mid-file)
     * @param bytesStored  octets stored (from offset 0)
     */
    public record HeldFile(UUID id, Held state, FileSelector selector, long contentStart, long bytesStored) {
        public HeldFile {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(state, "state");
            Objects.requireNonNull(selector, "selector");
        }
    }

    /** What the PF does with one file stream of the offer. */
    public sealed interface Plan {
        int mediaIndex();

        /** A resuming sender: the relay stands in and the missing octets go into the RECEIVING transfer. */
        record TakeRest(int mediaIndex, UUID transferId) implements Plan {
        }

        /** A resuming sender of a file the PF already has whole: nothing is missing. */
        record AlreadyHeld(int mediaIndex, UUID transferId) implements Plan {
        }

        /** A pull or a resuming receiver: the stored file is played from {@code fromOffset} (0-based). */
        record Play(int mediaIndex, UUID transferId, long fromOffset) implements Plan {
        }
    }

    /** The outcome for the whole offer. */
    public sealed interface Decision {
        record Forward() implements Decision {
        }

        record Serve(List<Plan> plans) implements Decision {
            public Serve {
                plans = List.copyOf(plans);
            }
        }

        /** 488 with this Warning text (seed 004 7.4.5.2 ii). */
        record Refuse(String warning) implements Decision {
        }

        Decision FORWARD = new Forward();
    }

    /** What the decision reads about the offer's parties; the store lookups stay outside. */
    public interface Holdings {
        /** Transfers from the INVITE's sender to its recipient (what a resuming sender refers to). */
        List<HeldFile> sentByOfferer();

        /** Transfers from the INVITE's recipient to its sender (what a pull or resuming receiver asks for). */
        List<HeldFile> sentToOfferer();
    }

    private ResumeResponder() {
    }

    /** Whether the offer has a stream the PF may have to answer: only then are the holdings read. */
    public static boolean concerns(List<FileTransferStream> streams) {
        return streams.stream().anyMatch(s -> s.isPull() || (s.isPush() && s.range().isPresent()));
    }

    /**
     * @param streams         the offer's file streams (RFC 5547), in m-line order
     * @param wouldDeferAtOnce whether the PF would defer this INVITE before forwarding it (the rules
     *                        apply in this role and the recipient is known not to be registered)
     */
    public static Decision decide(List<FileTransferStream> streams, Holdings holdings, boolean wouldDeferAtOnce) {
        if (!concerns(streams)) {
            return Decision.FORWARD;
        }
        List<Plan> plans = new ArrayList<>();
        boolean forwardSome = false;
        List<HeldFile> sent = null;
        List<HeldFile> asked = null;
        for (FileTransferStream s : streams) {
            StreamOutcome o;
            if (s.isPush()) {
                if (s.range().isEmpty()) {
                    forwardSome = true; // a new file: the recipient's
                    continue;
                }
                sent = sent != null ? sent : holdings.sentByOfferer();
                o = resumingSender(s, sent, wouldDeferAtOnce);
            } else if (s.isPull()) {
                asked = asked != null ? asked : holdings.sentToOfferer();
                o = pull(s, asked);
            } else {
                forwardSome = true;
                continue;
            }
            if (o.refusal != null) {
                return new Decision.Refuse(o.refusal);
            }
            if (o.plan == null) {
                forwardSome = true;
            } else {
                plans.add(o.plan);
            }
        }
        return plans.isEmpty() || forwardSome ? Decision.FORWARD : new Decision.Serve(plans);
    }

    private record StreamOutcome(Plan plan, String refusal) {
        static final StreamOutcome FORWARD = new StreamOutcome(null, null);

        static StreamOutcome refuse(String why) {
            return new StreamOutcome(null, why);
        }
    }

    private static StreamOutcome resumingSender(FileTransferStream s, List<HeldFile> held, boolean wouldDeferAtOnce) {
        Optional<HeldFile> same = best(s.selector(), held, true);
        if (same.isPresent()) {
            HeldFile h = same.get();
            return switch (h.state()) {
                case RECEIVING -> new StreamOutcome(new Plan.TakeRest(s.mediaIndex(), h.id()), null);
                case STORED, DELIVERING, DELIVERED -> new StreamOutcome(new Plan.AlreadyHeld(s.mediaIndex(), h.id()),
                        null);
                case ENDED -> StreamOutcome.refuse(name(s) + " is no longer held for resume (expired or discarded)");
            };
        }
        if (best(s.selector(), held, false).isPresent()) {
            return StreamOutcome.refuse(name(s) + " changed since the interrupted transfer");
        }
        return wouldDeferAtOnce ? StreamOutcome.refuse(name(s) + " is not known for resume")
                : StreamOutcome.FORWARD;
    }

    private static StreamOutcome pull(FileTransferStream s, List<HeldFile> held) {
        boolean resume = s.range().isPresent();
        Optional<HeldFile> same = best(s.selector(), held, true);
        if (same.isEmpty()) {
            if (resume && best(s.selector(), held, false).filter(h -> h.state() != Held.ENDED).isPresent()) {
                return StreamOutcome.refuse(name(s) + " changed since the interrupted transfer");
            }
            return StreamOutcome.FORWARD;
        }
        HeldFile h = same.get();
        if (h.state() == Held.RECEIVING) {
            return StreamOutcome.FORWARD;
        }
        if (!h.state().hasWholeFile()) {
            return resume ? StreamOutcome.refuse(name(s) + " is no longer held (delivered, expired or discarded)")
                    : StreamOutcome.FORWARD;
        }
        long from = s.range().map(r -> r.start() - 1).orElse(0L);
        long size = h.bytesStored();
        if (from > size || (s.range().isPresent() && stopBeyond(s.range().get(), size))) {
            return StreamOutcome.refuse("file-range " + s.range().get().format() + " is outside " + name(s)
                    + " of " + size + " octets");
        }
        if (from < h.contentStart()) {
            // The store took over mid-file: what comes before is on the recipient's device only.
            return resume ? StreamOutcome.refuse(name(s) + " is held from octet " + (h.contentStart() + 1) + " only")
                    : StreamOutcome.FORWARD;
        }
        return new StreamOutcome(new Plan.Play(s.mediaIndex(), h.id(), from), null);
    }

    private static boolean stopBeyond(FileRange r, long size) {
        return r.stop().isPresent() && r.stop().getAsLong() > size;
    }

    /**
     * The newest held file that is the offered one ({@code exact}: every attribute agrees) or has its
     * name only ({@code !exact}: a changed file). A live transfer goes before an ended one.
     */
    private static Optional<HeldFile> best(FileSelector offered, List<HeldFile> held, boolean exact) {
        HeldFile ended = null;
        for (HeldFile h : held) {
            if (!sameIdentity(offered, h.selector()) || exact != agrees(offered, h.selector())) {
                continue;
            }
            if (h.state() != Held.ENDED) {
                return Optional.of(h);
            }
            if (ended == null) {
                ended = h;
            }
        }
        return Optional.ofNullable(ended);
    }

    /** RFC 5547 section 6: the name identifies the file; without one in the offer, the hash does. */
    static boolean sameIdentity(FileSelector offered, FileSelector held) {
        if (offered.name().isPresent()) {
            return held.name().isPresent() && offered.name().get().equals(held.name().get());
        }
        return offered.hash().isPresent() && offered.hash().equals(held.hash());
    }

    /** Size, hash and type agree wherever both sides give them. */
    static boolean agrees(FileSelector offered, FileSelector held) {
        return agree(offered.size(), held.size())
                && (offered.hash().isEmpty() || held.hash().isEmpty()
                    || sameHash(offered.hash().get(), held.hash().get()))
                && (offered.type().isEmpty() || held.type().isEmpty()
                    || baseType(offered.type().get()).equals(baseType(held.type().get())));
    }

    private static boolean agree(OptionalLong a, OptionalLong b) {
        return a.isEmpty() || b.isEmpty() || a.getAsLong() == b.getAsLong();
    }

    /** Two hashes of different algorithms say nothing about each other. */
    private static boolean sameHash(FileHash a, FileHash b) {
        return !a.algorithm().equals(b.algorithm()) || a.value().equals(b.value());
    }

    private static String baseType(String type) {
        int semi = type.indexOf(';');
        return (semi < 0 ? type : type.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
    }

    /** For the Warning text: the offered name, bounded and printable (it comes from the network). */
    private static String name(FileTransferStream s) {
        return s.selector().name().map(n -> {
            String printable = n.codePoints().filter(c -> c >= 0x20 && c != 0x7f && c != '"' && c != '\\')
                    .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
            return "file '" + (printable.length() > 64 ? printable.substring(0, 64) + "..." : printable) + "'";
        }).orElse("the file of m-line " + (s.mediaIndex() + 1));
    }
}
