package org.cpmft.pf.deferral;

import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.function.BiConsumer;
import java.util.function.LongFunction;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.cpmft.pf.cpm.policy.DeferralCause;
import org.cpmft.pf.cpm.policy.ResumeResponder;
import org.cpmft.pf.cpm.sdp.FileHash;
import org.cpmft.pf.cpm.sdp.FileSelector;
import org.cpmft.pf.cpm.sdp.FileTransferStream;
import org.cpmft.pf.registration.UserUri;
import org.cpmft.store.DeferredStore;
import org.cpmft.store.retry.RetryPolicy;
import org.cpmft.store.transfer.DeferredTransfer;
import org.cpmft.store.transfer.FileDescription;
import org.cpmft.store.transfer.ImdnRequest;
import org.cpmft.store.transfer.TransferState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Entry point of the SIP side when it defers a file transfer: creates the stored transfer
 * (state RECEIVING) and returns the sink the relay's store tee writes the file into. Obtain it
 * from {@link DeferredDelivery#intake()}, which is told when a file is complete.
 */
public final class DeferralIntake {
    private static final Logger LOG = LoggerFactory.getLogger(DeferralIntake.class);

    private final DeferredStore store;
    private final Supplier<RetryPolicy> policy;
    private final Clock clock;
    private final DeferralMetrics metrics;
    private final BiConsumer<UUID, DeferralCause> onStored;
    private final BiConsumer<UUID, String> onDeclined;
    private final Serving serving;

    /**
     * What serving a file from the store needs of the delivery side: the node's lease (the served
     * transfer is claimed like a delivery attempt), the notices for the sender, and whether the
     * sender is registered (its notice is then due at once).
     */
    record Serving(String nodeId, Duration lease, ImdnNotices notices, Predicate<String> registered) {
    }

    DeferralIntake(DeferredStore store, Supplier<RetryPolicy> policy, Clock clock, DeferralMetrics metrics,
                   BiConsumer<UUID, DeferralCause> onStored) {
        this(store, policy, clock, metrics, onStored, (id, reason) -> store.transfers().fail(id, reason, null));
    }

    /** @param onDeclined ends a transfer the recipient declined while it was stored (the sender told) */
    DeferralIntake(DeferredStore store, Supplier<RetryPolicy> policy, Clock clock, DeferralMetrics metrics,
                   BiConsumer<UUID, DeferralCause> onStored, BiConsumer<UUID, String> onDeclined) {
        this(store, policy, clock, metrics, onStored, onDeclined, null);
    }

    /** @param serving what serving a stored file on its recipient's request needs; null: never served */
    DeferralIntake(DeferredStore store, Supplier<RetryPolicy> policy, Clock clock, DeferralMetrics metrics,
                   BiConsumer<UUID, DeferralCause> onStored, BiConsumer<UUID, String> onDeclined, Serving serving) {
        this.store = store;
        this.policy = policy;
        this.clock = clock;
        this.metrics = metrics;
        this.onStored = onStored;
        this.onDeclined = onDeclined;
        this.serving = serving;
    }

    /**
     * Stores a new deferred transfer and opens its sink at the first octet the recipient does
     * not have ({@link DeferralRequest#bytesDelivered()}, usually 0). The first periodic attempt
     * is due after the retry policy's first delay; the transfer expires after its expiry.
     */
    public TransferSink defer(DeferralRequest request) {
        Objects.requireNonNull(request, "request");
        Instant now = clock.instant();
        RetryPolicy p = policy.get();
        DeferredTransfer draft = DeferredTransfer.receiving(UUID.randomUUID(), request.sender(), request.recipient(),
                        fileDescription(request), p.firstAttemptAt(now), p.expiresAt(now))
                .senderInstance(request.senderInstance())
                .recipientInstance(request.recipientInstance())
                .conversationId(request.conversationId())
                .contributionId(request.contributionId())
                .inReplyToContributionId(request.inReplyToContributionId())
                .contentType(request.contentType())
                .bytesDelivered(request.bytesDelivered());
        if (request.imdnMessageId() != null) {
            draft.imdnRequest(new ImdnRequest(request.imdnMessageId(), request.dispositionNotification()));
        }
        DeferredTransfer created = store.transfers().create(draft);
        metrics.intake(request.cause());
        LOG.info("deferred {} ({}): {} -> {}, file {}", created.id(), request.cause(), request.sender(),
                request.recipient(), request.stream().selector().format());
        DeferralCause cause = request.cause();
        return new TransferSink(store, store.content().openWriter(created.id(), request.bytesDelivered()),
                id -> onStored.accept(id, cause), onDeclined);
    }

    /**
     * Reopens the sink of a transfer still RECEIVING (the sender reconnected and resumes, or this
     * node restarted) at the octets already durable: the writer continues at {@code bytesStored},
     * octets the sender repeats before it are skipped ({@link TransferSink#write}), so a resuming
     * sender told to start there (RFC 5547 section 9 file-range) resends nothing already stored.
     * Once complete the file is delivered at once if the recipient registered meanwhile.
     */
    public TransferSink resume(UUID transferId) {
        DeferredTransfer t = store.transfers().show(transferId);
        long from = t.bytesStored();
        LOG.info("resuming the upload of {} at octet {}", transferId, from);
        return new TransferSink(store, store.content().openWriter(transferId, from),
                id -> onStored.accept(id, DeferralCause.RECIPIENT_NOT_REGISTERED), onDeclined);
    }

    /** Octets of the transfer already durable in the store (from offset 0). */
    public long storedSoFar(UUID transferId) {
        return store.transfers().show(transferId).bytesStored();
    }

    /** Upper bound of the transfers one resume INVITE is compared with ({@link #held}). */
    static final int MAX_HELD = 20;

    /**
     * The transfers this PF holds or held from {@code sender} to {@code recipient}, newest first
     * (at most {@value #MAX_HELD}): what a resume or pull between the two may refer to.
     */
    public List<ResumeResponder.HeldFile> held(String sender, String recipient) {
        String s = UserUri.normalize(sender);
        String r = UserUri.normalize(recipient);
        if (s == null || r == null) {
            return List.of();
        }
        return store.transfers().findBetween(s, r, List.of(TransferState.values()), MAX_HELD).stream()
                .map(DeferralIntake::heldFile).toList();
    }

    private static ResumeResponder.HeldFile heldFile(DeferredTransfer t) {
        FileDescription f = t.file();
        Optional<FileHash> hash;
        try {
            hash = Optional.ofNullable(f.hash()).map(FileHash::parse);
        } catch (RuntimeException e) {
            hash = Optional.empty(); // kept as received; an unreadable hash compares with nothing
        }
        Long size = f.size() != null ? f.size() : t.totalSize();
        FileSelector selector = new FileSelector(Optional.ofNullable(f.name()).filter(n -> !n.isEmpty()),
                Optional.ofNullable(f.type()), size == null ? OptionalLong.empty() : OptionalLong.of(size), hash,
                List.of());
        ResumeResponder.Held state = switch (t.state()) {
            case RECEIVING -> ResumeResponder.Held.RECEIVING;
            case STORED -> ResumeResponder.Held.STORED;
            case DELIVERING -> ResumeResponder.Held.DELIVERING;
            case DELIVERED -> ResumeResponder.Held.DELIVERED;
            case EXPIRED, FAILED -> ResumeResponder.Held.ENDED;
        };
        return new ResumeResponder.HeldFile(t.id(), state, selector, t.contentStart(), t.bytesStored());
    }

    /**
     * A stored file the requester asked for itself, claimed for this node like a delivery attempt
     * (so no periodic delivery offers it meanwhile): what the relay plays and the SDP answer needs.
     */
    public record ServedFile(UUID id, long size, String contentType, String messageId, String name, String type,
                             String hash, LongFunction<InputStream> open) {
    }

    /**
     * Claims a STORED transfer (or one whose delivery lease ran out) to serve it to its recipient
     * (a pull or a resuming receiver, seed 004 7.4.5.2).
     *
     * @return empty when it cannot be claimed now (being delivered, ended, gone)
     */
    public Optional<ServedFile> claimToServe(UUID transferId) {
        if (serving == null) {
            return Optional.empty();
        }
        return store.transfers().claim(transferId, serving.nodeId(), serving.lease()).map(t -> {
            long size = t.totalSize() != null ? t.totalSize() : t.bytesStored();
            return new ServedFile(t.id(), size, t.contentType() != null ? t.contentType() : "application/octet-stream",
                    "served-" + t.id(), t.file().name(), t.file().type(), t.file().hash(),
                    from -> store.content().openReader(t.id(), from));
        });
    }

    /**
     * The serving of a claimed transfer ended: the whole file played is a delivery (the sender's
     * notice is queued); otherwise the octets confirmed are kept and the next attempt comes by
     * the retry policy; a serving that never started gives the transfer back as it was.
     *
     * @param confirmedUpTo octets from the start of the file the requester has, as far as known
     */
    public void served(UUID transferId, boolean complete, long confirmedUpTo, boolean started, String why) {
        if (serving == null) {
            return;
        }
        try {
            if (complete) {
                DeferredTransfer t = store.transfers().show(transferId);
                store.transfers().markDelivered(transferId, serving.nodeId(), serving.notices().notice(t,
                        ImdnNotices.Status.DELIVERED, serving.registered().test(t.senderUri())));
                metrics.delivery("delivered");
                LOG.info("deferred transfer {} served to {} on its request", transferId, t.recipientUri());
                return;
            }
            if (!started) {
                store.transfers().releaseLease(transferId, serving.nodeId());
                return;
            }
            DeferredTransfer t = store.transfers().show(transferId);
            if (confirmedUpTo > t.bytesDelivered() && confirmedUpTo <= t.bytesStored()) {
                store.transfers().recordDelivered(transferId, serving.nodeId(), confirmedUpTo);
            }
            store.transfers().rescheduleOrExpire(transferId, serving.nodeId(), policy.get(), why,
                    x -> serving.notices().notice(x, ImdnNotices.Status.FAILED, serving.registered().test(x.senderUri())));
            metrics.delivery("partial");
            LOG.info("serving deferred transfer {} on its recipient's request ended early: {}", transferId, why);
        } catch (RuntimeException e) {
            // the lease runs out and the periodic delivery takes the transfer again
            LOG.warn("outcome of serving {} not recorded: {}", transferId, e.toString());
        }
    }

    private static FileDescription fileDescription(DeferralRequest request) {
        FileTransferStream s = request.stream();
        FileSelector sel = s.selector();
        FileDescription d = new FileDescription(sel.name().orElse(null), sel.type().orElse(null),
                sel.size().isPresent() ? sel.size().getAsLong() : null,
                sel.hash().map(h -> h.format()).orElse(null))
                .transferId(s.fileTransferId())
                .disposition(s.disposition().orElse(null))
                .date(s.date().map(x -> x.format()).orElse(null))
                // the whole media description: FileOffer.from rebuilds the re-offer from it
                .sdpMediaAttributes(s.mediaText());
        if (request.icon() != null) {
            d.icon(request.icon(), request.iconContentType());
        }
        return d;
    }
}
