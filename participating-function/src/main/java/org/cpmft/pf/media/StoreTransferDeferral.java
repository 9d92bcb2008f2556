package org.cpmft.pf.media;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

import io.netty.buffer.ByteBuf;
import org.cpmft.msrp.relay.ChunkEnd;
import org.cpmft.msrp.relay.DeferralSink;
import org.cpmft.msrp.relay.RelaySessionPair;
import org.cpmft.msrp.relay.StandInStart;
import org.cpmft.pf.cpm.conversation.ConversationIds;
import org.cpmft.pf.cpm.conversation.SipInstance;
import org.cpmft.pf.cpm.imdn.FileTransferImdn;
import org.cpmft.pf.cpm.policy.DeferralCause;
import org.cpmft.pf.cpm.policy.DeferralRules;
import org.cpmft.pf.cpm.policy.ResumeResponder;
import org.cpmft.pf.cpm.sdp.Direction;
import org.cpmft.pf.cpm.sdp.FileHash;
import org.cpmft.pf.cpm.sdp.FileRange;
import org.cpmft.pf.cpm.sdp.FileSelector;
import org.cpmft.pf.cpm.sdp.FileTransferAnswerBuilder;
import org.cpmft.pf.cpm.sdp.FileTransferStream;
import org.cpmft.pf.cpm.sdp.ResumeAnswerBuilder;
import org.cpmft.pf.cpm.sdp.SdpSession;
import org.cpmft.pf.deferral.DeferralIntake;
import org.cpmft.pf.deferral.DeferralRequest;
import org.cpmft.pf.delivery.StoreStreamSource;
import org.cpmft.pf.registration.RegistrationRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deferral through the relay and the deferred store: the relay stands in for the recipient and
 * the file goes into the store (OMA CPM 8.2.3.1, 8.3.3.1; rules in {@link DeferralRules}). The PF
 * also answers resumes and pulls of files it holds (seed 004 7.4.5.2; when it is the responder:
 * {@link ResumeResponder}): a resuming sender's missing octets go into its RECEIVING transfer, a
 * stored file is played to a resuming receiver.
 */
public final class StoreTransferDeferral implements TransferDeferral {

    private final DeferralRules rules;
    private final RegistrationRegistry registrations;
    private final DeferralIntake intake;
    private final Executor storeWorker;
    private final String msrpHost;
    private static final Logger LOG = LoggerFactory.getLogger(StoreTransferDeferral.class);
    /** Chunks of a file the PF serves itself, as its deferred deliveries use. */
    private static final int PLAY_CHUNK = 64 * 1024;

    public StoreTransferDeferral(DeferralRules rules, RegistrationRegistry registrations, DeferralIntake intake,
                                 Executor storeWorker, String msrpHost) {
        this.rules = rules;
        this.registrations = registrations;
        this.intake = intake;
        this.storeWorker = storeWorker;
        this.msrpHost = msrpHost;
    }

    @Override
    public OfferDecision onOffer(Invite invite) {
        try {
            ResumeResponder.Decision d = decide(invite);
            if (d instanceof ResumeResponder.Decision.Refuse r) {
                LOG.info("resume {} -> {} refused: {}", invite.sender(), invite.recipient(), r.warning());
                return new OfferDecision.Refuse(r.warning());
            }
            if (d instanceof ResumeResponder.Decision.Serve s) {
                return new OfferDecision.Serve(s.plans().toString());
            }
        } catch (RuntimeException e) {
            // The store cannot say (e.g. database down): the far end may answer the resume itself.
            LOG.warn("resume {} -> {} not checked against the store: {}", invite.sender(), invite.recipient(),
                    e.toString());
        }
        return OfferDecision.FORWARD;
    }

    /** The store is read only for an offer with a resume or a pull in it (never for a new push). */
    private ResumeResponder.Decision decide(Invite invite) {
        if (invite.group()) {
            return ResumeResponder.Decision.FORWARD; // group resumes are the Controlling Function's
        }
        SdpSession offer = invite.offer();
        if (offer.fileTransferStreams().stream().noneMatch(i -> offer.direction(i) == Direction.RECVONLY
                || offer.media(i).hasAttribute("file-range"))) {
            return ResumeResponder.Decision.FORWARD; // a new push: nothing to parse or look up (hot path)
        }
        List<FileTransferStream> streams = new ArrayList<>();
        for (int index : invite.offer().fileTransferStreams()) {
            Optional<FileTransferStream> s = stream(invite.offer(), index);
            if (s.isEmpty()) {
                return ResumeResponder.Decision.FORWARD;
            }
            streams.add(s.get());
        }
        if (!ResumeResponder.concerns(streams)) {
            return ResumeResponder.Decision.FORWARD;
        }
        return ResumeResponder.decide(streams, new ResumeResponder.Holdings() {
            @Override
            public List<ResumeResponder.HeldFile> sentByOfferer() {
                return intake.held(invite.sender(), invite.recipient());
            }

            @Override
            public List<ResumeResponder.HeldFile> sentToOfferer() {
                return intake.held(invite.recipient(), invite.sender());
            }
        }, atOnce(invite).isPresent());
    }

    @Override
    public Optional<SdpSession> serve(Invite invite, MediaAnchoring.Anchor anchor) {
        List<Runnable> undo = new ArrayList<>();
        try {
            if (!(decide(invite) instanceof ResumeResponder.Decision.Serve serve)) {
                return Optional.empty(); // the file went away (or changed state) since onOffer
            }
            Map<Integer, ResumeAnswerBuilder.Answered> answered = new HashMap<>();
            List<Runnable> starts = new ArrayList<>();
            for (ResumeResponder.Plan plan : serve.plans()) {
                int index = plan.mediaIndex();
                RelaySessionPair pair = anchor.pair(index).filter(p -> !p.isClosed()).orElse(null);
                if (pair == null) {
                    return Optional.empty();
                }
                FileTransferStream stream = FileTransferStream.of(invite.offer(), index);
                String relayUri = pair.offererLeg().localPath().format();
                String selector = invite.offer().media(index).attribute("file-selector").orElseThrow();
                if (plan instanceof ResumeResponder.Plan.TakeRest t) {
                    long stored = intake.storedSoFar(t.transferId());
                    answered.put(index, new ResumeAnswerBuilder.Answered(relayUri, Direction.RECVONLY, selector,
                            restAfter(stored, stream)));
                    starts.add(() -> pair.standIn(new StoreDeferralSink(from -> intake.resume(t.transferId()),
                            storeWorker)));
                    LOG.info("resuming sender {}: {} takes the rest of {} after octet {}", invite.sender(),
                            msrpHost, t.transferId(), stored);
                } else if (plan instanceof ResumeResponder.Plan.AlreadyHeld h) {
                    long size = stream.selector().size().orElse(intake.storedSoFar(h.transferId()));
                    answered.put(index, new ResumeAnswerBuilder.Answered(relayUri, Direction.RECVONLY, selector,
                            restAfter(size, stream)));
                    starts.add(() -> pair.standIn(new HeldFileSink()));
                    LOG.info("resuming sender {}: the PF holds {} whole already", invite.sender(), h.transferId());
                } else if (plan instanceof ResumeResponder.Plan.Play p) {
                    Optional<DeferralIntake.ServedFile> claimed = intake.claimToServe(p.transferId());
                    if (claimed.isEmpty()) {
                        return Optional.empty(); // being delivered right now, or gone
                    }
                    DeferralIntake.ServedFile file = claimed.get();
                    undo.add(() -> intake.served(file.id(), false, 0, false, "not answered"));
                    if (p.fromOffset() >= file.size() && file.size() > 0) {
                        return Optional.empty();
                    }
                    answered.put(index, new ResumeAnswerBuilder.Answered(relayUri, Direction.SENDONLY,
                            storedSelector(file), new FileRange(p.fromOffset() + 1,
                                    OptionalLong.of(Math.max(p.fromOffset() + 1, file.size())))));
                    starts.add(() -> play(pair, file, p.fromOffset()));
                }
            }
            SdpSession answer = ResumeAnswerBuilder.answer(invite.offer(), msrpHost,
                    System.nanoTime() & Long.MAX_VALUE, answered);
            starts.forEach(Runnable::run);
            undo.clear();
            return Optional.of(answer);
        } catch (RuntimeException e) {
            LOG.warn("resume {} -> {} not served: {}", invite.sender(), invite.recipient(), e.toString());
            return Optional.empty();
        } finally {
            undo.forEach(Runnable::run);
        }
    }

    /**
     * RFC 5547 section 9: the answer's file-range tells the resuming sender to start after the octets
     * the store holds. When it holds them all (not yet marked complete), the last octet is asked for
     * again so that the transfer can end.
     */
    private static FileRange restAfter(long held, FileTransferStream stream) {
        OptionalLong size = stream.selector().size();
        long stop = size.isPresent() ? size.getAsLong() : stream.range().flatMap(r -> r.stop().isPresent()
                ? Optional.of(r.stop().getAsLong()) : Optional.empty()).orElse(-1L);
        if (stop < 0) {
            return FileRange.resumingAfter(held);
        }
        long start = Math.min(held + 1, Math.max(1, stop));
        return new FileRange(start, OptionalLong.of(Math.max(start, stop)));
    }

    private static String storedSelector(DeferralIntake.ServedFile file) {
        Optional<FileHash> hash;
        try {
            hash = Optional.ofNullable(file.hash()).map(FileHash::parse);
        } catch (RuntimeException e) {
            hash = Optional.empty();
        }
        return new FileSelector(Optional.ofNullable(file.name()).filter(n -> !n.isEmpty()),
                Optional.ofNullable(file.type()), OptionalLong.of(file.size()), hash, List.of()).format();
    }

    /** Plays the stored file to the requester once it connected; the outcome goes to the store off the I/O thread. */
    private void play(RelaySessionPair pair, DeferralIntake.ServedFile file, long from) {
        StoreStreamSource source = new StoreStreamSource(file.size(), file.contentType(), file.messageId(),
                file.open(), storeWorker);
        source.prefetch(from);
        pair.offererLeg().playWhenConnected(source, from, PLAY_CHUNK).whenCompleteAsync((played, error) -> {
            source.close();
            if (error == null) {
                intake.served(file.id(), true, file.size(), true, null);
            } else {
                intake.served(file.id(), false, from, true, "served transfer interrupted: " + error.getMessage());
            }
        }, storeWorker);
    }

    private static Optional<FileTransferStream> stream(SdpSession offer, int index) {
        try {
            return Optional.of(FileTransferStream.of(offer, index));
        } catch (RuntimeException e) { // SdpSyntaxException: the analyzer let no such offer through
            return Optional.empty();
        }
    }

    /**
     * A resuming sender's file the PF already holds whole: what it sends again is already durable,
     * so it is acknowledged as it comes and dropped.
     */
    private static final class HeldFileSink implements DeferralSink {
        @Override
        public void onStandIn(StandInStart start) {
        }

        @Override
        public CompletionStage<Void> onContent(ByteBuf content, long offset) {
            return null;
        }

        @Override
        public CompletionStage<Void> onChunkEnd(ChunkEnd end) {
            return CompletableFuture.completedFuture(null);
        }
    }

    @Override
    public Optional<DeferralCause> atOnce(Invite invite) {
        // The rule first: the store is read only where this PF may defer at once. Only a known absence
        // (a REGISTER seen by any node) defers; an unknown user's INVITE goes on.
        Optional<DeferralCause> cause = rules.onRecipientNotRegistered(invite.role(), invite.group());
        if (cause.isEmpty()) {
            return cause;
        }
        try {
            if (registrations.status(invite.recipient()) != RegistrationRegistry.Status.NOT_REGISTERED) {
                return Optional.empty();
            }
        } catch (RuntimeException e) {
            // The shared registrations cannot be read (store down): the INVITE goes on; a 480 still defers.
            LOG.warn("registration of {} unknown: {}", invite.recipient(), e.toString());
            return Optional.empty();
        }
        return cause;
    }

    @Override
    public Optional<DeferralCause> onFinalResponse(Invite invite, int status) {
        return rules.onFinalResponse(invite.role(), invite.group(), status);
    }

    @Override
    public Optional<DeferralCause> onInvitationTimeout(Invite invite) {
        return rules.onInvitationTimeout(invite.role(), invite.group());
    }

    @Override
    public Optional<SdpSession> accept(Invite invite, DeferralCause cause, MediaAnchoring.Anchor anchor) {
        if (!rules.applies(invite.role(), invite.group())) {
            return Optional.empty(); // never a group transfer (DeferralRules): the failure reaches the sender
        }
        SdpSession offer = invite.offer();
        Map<Integer, String> taken = new HashMap<>();
        for (int index : offer.fileTransferStreams()) {
            Optional<FileTransferStream> stream = stream(offer, index);
            Optional<RelaySessionPair> pair = anchor.pair(index);
            // A resume from the middle of a file the PF does not hold (onOffer forwarded it): its head
            // is nowhere, so it cannot become a new stored transfer.
            if (stream.isEmpty() || !stream.get().isPush() || pair.isEmpty() || pair.get().isClosed()
                    || stream.get().range().map(r -> r.start() > 1).orElse(false)) {
                continue;
            }
            try {
                pair.get().standIn(sink(invite, cause, stream.get(), null));
            } catch (IllegalStateException e) {
                LOG.info("m-line {} not taken into the store: {}", index + 1, e.getMessage());
                continue;
            }
            taken.put(index, pair.get().offererLeg().localPath().format());
        }
        if (taken.isEmpty()) {
            return Optional.empty(); // a pull: nothing pushed to keep, the recipient's failure goes upstream
        }
        return Optional.of(FileTransferAnswerBuilder.accept(offer, msrpHost, System.nanoTime() & Long.MAX_VALUE, taken));
    }

    @Override
    public void guard(Invite invite, MediaAnchoring.Anchor anchor, Optional<String> acceptingInstance) {
        if (!rules.applies(invite.role(), invite.group())) {
            return;
        }
        // Seed 002 4.2, seed 004 7.4.5.1: the rest goes to the device that accepted.
        String device = acceptingInstance.orElse(null);
        for (int index : invite.offer().fileTransferStreams()) {
            Optional<FileTransferStream> stream = stream(invite.offer(), index);
            Optional<RelaySessionPair> pair = anchor.pair(index);
            if (stream.isPresent() && stream.get().isPush() && pair.isPresent() && !pair.get().isClosed()) {
                try {
                    pair.get().onAnswererLoss(sink(invite, DeferralCause.MEDIA_INTERRUPTED, stream.get(), device));
                } catch (IllegalStateException e) {
                    LOG.info("m-line {} not guarded: {}", index + 1, e.getMessage());
                }
            }
        }
    }

    @Override
    public void recipientDeclined(Invite invite, MediaAnchoring.Anchor anchor) {
        // CPM 7.4.3: the BYE is the recipient's answer. A guard not fired yet is disarmed (a drop of its MSRP
        // connection after the BYE is no loss), one that fired makes its stored transfer fail (no redelivery,
        // the sender told). Only a lost connection with no BYE defers.
        for (int index : invite.offer().fileTransferStreams()) {
            anchor.pair(index).ifPresent(RelaySessionPair::recipientDeclined);
        }
    }

    @Override
    public void senderLeft(Invite invite, MediaAnchoring.Anchor anchor) {
        // The prefix stays RECEIVING for the resume window (deferral.resumeWindow), then the sweep removes it.
        for (int index : invite.offer().fileTransferStreams()) {
            anchor.pair(index).ifPresent(RelaySessionPair::offererLeft);
        }
    }

    /** @param recipientInstance the {@code +sip.instance} of the device that accepted, or null */
    private StoreDeferralSink sink(Invite invite, DeferralCause cause, FileTransferStream stream,
                                   String recipientInstance) {
        return new StoreDeferralSink(from -> intake.defer(request(invite, cause, stream, recipientInstance, from)),
                storeWorker);
    }

    /**
     * The stored transfer's description: who, which devices (the accepting one for a redelivery to
     * it, seed 002 4.2), the CPM and IMDN headers, the thumbnail, and the octets the recipient has.
     */
    static DeferralRequest request(Invite invite, DeferralCause cause, FileTransferStream stream,
                                   String recipientInstance, long bytesDelivered) {
        ConversationIds ids = ConversationIds.from(invite.headers());
        String senderInstance = invite.headers().first("Contact").flatMap(SipInstance::fromContact)
                .map(SipInstance::urn).orElse(null);
        DeferralRequest.Builder b = DeferralRequest.builder(invite.sender(), invite.recipient(), cause, stream)
                .senderInstance(senderInstance)
                .recipientInstance(recipientInstance)
                .contentType(stream.selector().type().orElse("application/octet-stream"))
                .bytesDelivered(bytesDelivered);
        ids.conversationId().ifPresent(b::conversationId);
        ids.contributionId().ifPresent(b::contributionId);
        ids.inReplyToContributionId().ifPresent(b::inReplyToContributionId);
        // RFC 5438 6 / CPM 5.4: CPIM headers of a message/cpim part of the INVITE, not SIP headers
        FileTransferImdn.fromInvite(invite.body()).ifPresent(r -> b.imdnRequest(r.messageId(),
                r.dispositionNotification()));
        stream.iconContentId().flatMap(cid -> invite.body().partByContentId(cid))
                .ifPresent(part -> b.icon(part.content(), part.contentType().mimeType()));
        return b.build();
    }
}
