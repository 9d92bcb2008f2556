package org.cpmft.pf.media;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;

import org.cpmft.msrp.relay.RelaySessionPair;
import org.cpmft.pf.cpm.conversation.ConversationIds;
import org.cpmft.pf.cpm.conversation.SipInstance;
import org.cpmft.pf.cpm.imdn.FileTransferImdn;
import org.cpmft.pf.cpm.policy.DeferralCause;
import org.cpmft.pf.cpm.policy.DeferralRules;
import org.cpmft.pf.cpm.sdp.FileTransferAnswerBuilder;
import org.cpmft.pf.cpm.sdp.FileTransferStream;
import org.cpmft.pf.cpm.sdp.SdpSession;
import org.cpmft.pf.deferral.DeferralIntake;
import org.cpmft.pf.deferral.DeferralRequest;
import org.cpmft.pf.registration.RegistrationRegistry;

/**
 * Deferral through the relay and the deferred store: the relay stands in for the recipient and
 * the file goes into the store (OMA CPM 8.2.3.1, 8.3.3.1; rules in {@link DeferralRules}).
 */
public final class StoreTransferDeferral implements TransferDeferral {

    private final DeferralRules rules;
    private final RegistrationRegistry registrations;
    private final DeferralIntake intake;
    private final Executor storeWorker;
    private final String msrpHost;

    public StoreTransferDeferral(DeferralRules rules, RegistrationRegistry registrations, DeferralIntake intake,
                                 Executor storeWorker, String msrpHost) {
        this.rules = rules;
        this.registrations = registrations;
        this.intake = intake;
        this.storeWorker = storeWorker;
        this.msrpHost = msrpHost;
    }

    @Override
    public Optional<DeferralCause> atOnce(Invite invite) {
        // The rule first: the store is read only where this PF may defer at once. Only a known absence
        // (a REGISTER seen by any node) defers; an unknown user's INVITE goes on.
        Optional<DeferralCause> cause = rules.onRecipientNotRegistered(invite.role(), invite.group());
        if (cause.isEmpty()
                || registrations.status(invite.recipient()) != RegistrationRegistry.Status.NOT_REGISTERED) {
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
            FileTransferStream stream = FileTransferStream.of(offer, index);
            Optional<RelaySessionPair> pair = anchor.pair(index);
            if (!stream.isPush() || pair.isEmpty()) {
                continue;
            }
            pair.get().standIn(sink(invite, cause, stream, null));
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
        for (int index : invite.offer().fileTransferStreams()) {
            FileTransferStream stream = FileTransferStream.of(invite.offer(), index);
            Optional<RelaySessionPair> pair = anchor.pair(index);
            if (stream.isPush() && pair.isPresent() && !pair.get().isClosed()) {
                // the rest goes to the device that accepted (seed 002 4.2)
                pair.get().onAnswererLoss(sink(invite, DeferralCause.MEDIA_INTERRUPTED, stream,
                        acceptingInstance.orElse(null)));
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

    private StoreDeferralSink sink(Invite invite, DeferralCause cause, FileTransferStream stream,
                                   String recipientInstance) {
        ConversationIds ids = ConversationIds.from(invite.headers());
        String senderInstance = invite.headers().first("Contact").flatMap(SipInstance::fromContact)
                .map(SipInstance::urn).orElse(null);
        return new StoreDeferralSink(from -> {
            DeferralRequest.Builder b = DeferralRequest.builder(invite.sender(), invite.recipient(), cause, stream)
                    .senderInstance(senderInstance)
                    .recipientInstance(recipientInstance)
                    .contentType(stream.selector().type().orElse("application/octet-stream"))
                    .bytesDelivered(from);
            ids.conversationId().ifPresent(b::conversationId);
            ids.contributionId().ifPresent(b::contributionId);
            ids.inReplyToContributionId().ifPresent(b::inReplyToContributionId);
            // RFC 5438 6 / CPM 5.4: CPIM headers of a message/cpim part of the INVITE, not SIP headers
            FileTransferImdn.fromInvite(invite.body()).ifPresent(r -> b.imdnRequest(r.messageId(),
                    r.dispositionNotification()));
            stream.iconContentId().flatMap(cid -> invite.body().partByContentId(cid))
                    .ifPresent(part -> b.icon(part.content(), part.contentType().mimeType()));
            return intake.defer(b.build());
        }, storeWorker);
    }
}
