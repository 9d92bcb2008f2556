package org.cpmft.pf.deferral;

import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import org.cpmft.pf.cpm.policy.DeferralCause;
import org.cpmft.pf.cpm.sdp.FileSelector;
import org.cpmft.pf.cpm.sdp.FileTransferStream;
import org.cpmft.store.DeferredStore;
import org.cpmft.store.retry.RetryPolicy;
import org.cpmft.store.transfer.DeferredTransfer;
import org.cpmft.store.transfer.FileDescription;
import org.cpmft.store.transfer.ImdnRequest;
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

    DeferralIntake(DeferredStore store, Supplier<RetryPolicy> policy, Clock clock, DeferralMetrics metrics,
                   BiConsumer<UUID, DeferralCause> onStored) {
        this(store, policy, clock, metrics, onStored, (id, reason) -> store.transfers().fail(id, reason, null));
    }

    /** @param onDeclined ends a transfer the recipient declined while it was stored (the sender told) */
    DeferralIntake(DeferredStore store, Supplier<RetryPolicy> policy, Clock clock, DeferralMetrics metrics,
                   BiConsumer<UUID, DeferralCause> onStored, BiConsumer<UUID, String> onDeclined) {
        this.store = store;
        this.policy = policy;
        this.clock = clock;
        this.metrics = metrics;
        this.onStored = onStored;
        this.onDeclined = onDeclined;
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
     * node restarted) at the octets already durable.
     */
    public TransferSink resume(UUID transferId) {
        DeferredTransfer t = store.transfers().show(transferId);
        return new TransferSink(store, store.content().openWriter(transferId, t.bytesStored()),
                id -> onStored.accept(id, DeferralCause.MEDIA_INTERRUPTED), onDeclined);
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
