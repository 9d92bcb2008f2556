package org.cpmft.pf.delivery;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import javax.servlet.sip.Address;
import javax.servlet.sip.ServletParseException;
import javax.servlet.sip.SipApplicationSession;
import javax.servlet.sip.SipFactory;
import javax.servlet.sip.SipServletRequest;
import javax.servlet.sip.SipServletResponse;
import javax.servlet.sip.SipSession;

import org.cpmft.msrp.message.MsrpUri;
import org.cpmft.msrp.relay.RelayLeg;
import org.cpmft.msrp.relay.RelaySessionPair;
import org.cpmft.pf.cpm.body.InviteBody;
import org.cpmft.pf.cpm.conversation.ConversationIds;
import org.cpmft.pf.cpm.conversation.SipInstance;
import org.cpmft.pf.cpm.feature.CpmService;
import org.cpmft.pf.cpm.feature.FeatureTags;
import org.cpmft.pf.cpm.sdp.SdpSession;
import org.cpmft.pf.cpm.sdp.Setup;
import org.cpmft.pf.deferral.DeliveryOutcome;
import org.cpmft.pf.deferral.DeliveryRequest;
import org.cpmft.pf.sip.OutboundProxyRoute;
import org.cpmft.pf.sip.SipRuntime;
import org.cpmft.pf.sip.UacHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One re-offer of a deferred file (OMA CPM 8.2.3.1 1.a, 8.3.3.3): the PF sends an INVITE to the
 * recipient (to the device that accepted first when known), and once answered plays the stored
 * file through its relay, from where the device stopped (RFC 5547 section 9 file-range,
 * RFC 4975 Byte-Range).
 */
final class OutboundDelivery implements UacHandler {

    private static final Logger LOG = LoggerFactory.getLogger(OutboundDelivery.class);

    private final SipDeliveryAttempt settings;
    private final DeliveryRequest request;
    private final CompletableFuture<DeliveryOutcome> outcome = new CompletableFuture<>();
    private RelaySessionPair pair;
    private StoreStreamSource source;
    private SipServletRequest invite;
    private SipSession dialog;
    private ScheduledFuture<?> noAnswer;
    private boolean answered;
    private boolean timedOut;
    private boolean dialogEnded;

    OutboundDelivery(SipDeliveryAttempt settings, DeliveryRequest request) {
        this.settings = settings;
        this.request = request;
    }

    CompletableFuture<DeliveryOutcome> outcome() {
        return outcome;
    }

    synchronized void start() {
        try {
            pair = settings.relay().allocatePair();
            RelayLeg leg = pair.answererLeg();
            MsrpUri local = leg.localPath();
            SdpSession offer = request.buildOffer(local.host(), System.nanoTime() & Long.MAX_VALUE, local.port(),
                    local.secure(), List.of(local.format()));
            Optional<String> iconId = request.fileOffer().iconContentId().filter(OutboundDelivery::usableContentId);
            DeliveryBody body = DeliveryBody.of(offer.format(), iconId, request.icon(), request.iconContentType());
            if (!offer.media().isEmpty() && offer.media(0).fileIconContentId().isPresent()
                    && body.contentType().equals(DeliveryBody.SDP)) {
                // No thumbnail kept: an icon reference without its part would be refused.
                offer = offer.withoutMediaAttribute(0, "file-icon");
                body = DeliveryBody.of(offer.format(), Optional.empty(), Optional.empty(), Optional.empty());
            }
            SipFactory factory = SipRuntime.factory();
            SipApplicationSession app = factory.createApplicationSession();
            invite = factory.createRequest(app, "INVITE", request.from(), request.recipient());
            OutboundProxyRoute.push(factory, invite);
            invite.addHeader("Accept-Contact", FeatureTags.acceptContactValue(CpmService.FILE_TRANSFER));
            if (request.targetInstance() != null) {
                // Device affinity (seed 002 4.2, RFC 3841 9.2): only that device may take it.
                invite.addHeader("Accept-Contact", new SipInstance(stripBrackets(request.targetInstance()))
                        .acceptContactValue());
            }
            // CPM 7.3.11 / seed 004: the original sender of a deferred message or file.
            invite.addHeader("Referred-By", "<" + request.sender() + ">");
            invite.addHeader("P-Asserted-Service", CpmService.FILE_TRANSFER.icsi());
            request.conversationId().ifPresent(v -> invite.addHeader(ConversationIds.CONVERSATION_ID, v));
            request.contributionId().ifPresent(v -> invite.addHeader(ConversationIds.CONTRIBUTION_ID, v));
            request.inReplyToContributionId().ifPresent(v -> invite.addHeader(ConversationIds.IN_REPLY_TO_CONTRIBUTION_ID, v));
            invite.setHeader("User-Agent", settings.userAgent());
            Address contact = invite.getAddressHeader("Contact");
            if (contact != null) {
                contact.setParameter(FeatureTags.ICSI_REF, "\"" + CpmService.FILE_TRANSFER.encodedIcsi() + "\"");
            }
            invite.setContent(body.bytes(), body.contentType());
            app.setAttribute(UacHandler.KEY, this);
            source = new StoreStreamSource(request.fileSize(), request.contentType(),
                    "deferred-" + request.transferId(), request::openContent, settings.sipSender(), request::progress);
            invite.send();
            noAnswer = settings.timer().schedule(this::invitationExpired,
                    settings.invitationTimeout().toMillis(), TimeUnit.MILLISECONDS);
            request.cancelled().thenAccept(reason -> cancel());
            LOG.info("delivering {} to {}{} from octet {} (attempt {})", request.transferId(), request.recipient(),
                    request.targetInstance() == null ? "" : " device " + request.targetInstance(),
                    request.resumeOffset(), request.attempt());
        } catch (IOException | ServletParseException | RuntimeException e) {
            finish(new DeliveryOutcome.Failed(500, "could not send the delivery INVITE: " + e.getMessage()));
        }
    }

    /** A Content-ID that can go into a header as it is (RFC 2392: no brackets, no controls). */
    private static boolean usableContentId(String id) {
        return !id.isBlank() && id.chars().noneMatch(c -> c < 0x21 || c == '<' || c == '>' || c == 0x7f);
    }

    private static String stripBrackets(String instance) {
        String s = instance.trim();
        return s.startsWith("<") && s.endsWith(">") ? s.substring(1, s.length() - 1) : s;
    }

    private synchronized void invitationExpired() {
        if (!answered && !outcome.isDone()) {
            timedOut = true;
            cancel();
        }
    }

    private synchronized void cancel() {
        if (answered || outcome.isDone() || invite == null) {
            return;
        }
        try {
            invite.createCancel().send();
        } catch (IOException | IllegalStateException e) {
            finish(new DeliveryOutcome.NoAnswer("cancel failed: " + e.getMessage()));
        }
    }

    @Override
    public synchronized void onResponse(SipServletResponse response) throws IOException {
        if (!"INVITE".equals(response.getMethod()) || response.getStatus() < 200) {
            return;
        }
        int status = response.getStatus();
        if (status >= 300) {
            if (noAnswer != null) {
                noAnswer.cancel(false);
            }
            finish(timedOut && status == 487 ? new DeliveryOutcome.NoAnswer("no answer within "
                    + settings.invitationTimeout()) : DeliveryOutcome.forFinalResponse(status, response.getReasonPhrase()));
            return;
        }
        if (answered || outcome.isDone()) {
            // Another device answered too (forking): only the first one gets the file.
            response.createAck().send();
            response.getSession().createRequest("BYE").send();
            return;
        }
        answered = true;
        if (noAnswer != null) {
            noAnswer.cancel(false);
        }
        response.createAck().send();
        dialog = response.getSession();
        String instance = acceptingInstance(response);
        List<MsrpUri> path;
        try {
            SdpSession answer = SdpSession.parse(InviteBody.parse(response.getContentType(),
                    response.getRawContent()).sdp().orElseThrow(() -> new IllegalArgumentException("no SDP answer")));
            if (answer.media().isEmpty() || answer.media(0).isClosed()) {
                finish(new DeliveryOutcome.Declined(603, "the device refused the file stream (port 0)"));
                return;
            }
            Optional<Setup> setup = answer.media(0).setup();
            if (setup.isPresent() && setup.get() != Setup.PASSIVE) {
                // RFC 6135 / RFC 4145 4.1: an offer of active leaves the answerer only passive.
                finish(new DeliveryOutcome.Failed(500, "SDP answer a=setup:" + setup.get().token()
                        + " to the PF's a=setup:active"));
                return;
            }
            path = MsrpUri.parsePath(String.join(" ", answer.media(0).path()));
        } catch (RuntimeException e) {
            finish(new DeliveryOutcome.Failed(500, "unusable SDP answer: " + e.getMessage()));
            return;
        }
        RelayLeg leg = pair.answererLeg();
        // The first window of the file is read off the relay's I/O thread while it connects.
        CompletableFuture<Void> firstWindow = source.prefetch(request.resumeOffset());
        leg.bindRemotePath(path)
                .thenCombine(firstWindow, (bound, read) -> bound)
                .thenCompose(v -> leg.play(source, request.resumeOffset(), settings.chunkSize()))
                // The BYE and the outcome leave from the SIP side's executor, not the relay's I/O thread.
                .whenCompleteAsync((played, error) -> {
                    synchronized (OutboundDelivery.this) {
                        if (error == null) {
                            request.progress(request.fileSize());
                            finish(new DeliveryOutcome.Delivered(request.fileSize(), instance));
                        } else {
                            LOG.info("delivery of {} interrupted after octet {}: {}", request.transferId(),
                                    request.acknowledged(), error.toString());
                            // the octets the device confirmed in this attempt: the next one continues there
                            finish(new DeliveryOutcome.Partial(request.acknowledged()));
                        }
                    }
                }, settings.sipSender());
    }

    private static String acceptingInstance(SipServletResponse response) {
        String contact = response.getHeader("Contact");
        return contact == null ? null : SipInstance.fromContact(contact).map(SipInstance::urn).orElse(null);
    }

    @Override
    public synchronized void onRequest(SipServletRequest req) throws IOException {
        if ("BYE".equals(req.getMethod())) {
            dialogEnded = true;
            req.createResponse(200).send();
            if (!outcome.isDone() && pair != null) {
                // The device ended the session before the whole file was played.
                pair.close();
            }
            return;
        }
        req.createResponse(200).send();
    }

    private void finish(DeliveryOutcome result) {
        if (outcome.isDone()) {
            return;
        }
        if (dialog != null && !dialogEnded && dialog.isValid()) {
            try {
                dialog.createRequest("BYE").send();
                dialogEnded = true;
            } catch (IOException | IllegalStateException e) {
                LOG.debug("BYE after delivery not sent: {}", e.toString());
            }
        }
        if (pair != null) {
            pair.close();
        }
        if (source != null) {
            source.close();
        }
        LOG.info("delivery of {}: {}", request.transferId(), result.describe());
        outcome.complete(result);
    }

}
