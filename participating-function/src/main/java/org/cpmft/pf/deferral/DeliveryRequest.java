package org.cpmft.pf.deferral;

import java.io.InputStream;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;
import org.cpmft.pf.cpm.sdp.FileTransferOfferBuilder;
import org.cpmft.pf.cpm.sdp.FileTransferOfferBuilder.FileOffer;
import org.cpmft.pf.cpm.sdp.SdpSession;
import org.cpmft.pf.cpm.sdp.Setup;

/**
 * Everything the SIP side needs to re-offer one deferred file (OMA CPM 8.2.3.1 1.a, 8.3.3.3):
 * who to who, which device, the RFC 5547 file description (resuming with a file-range when the
 * recipient has part of it), the CPM headers, and the content from the resume point.
 *
 * <p>The INVITE is a new request from the PF: Request-URI and To the recipient, From
 * {@link #from()} (the sender, or the configured CPMDeferredMgmtURI, seed 004 7.3.11), the sender in
 * Referred-By (CPM 7.3.11, seed 004), Accept-Contact with the FT feature tag and, when
 * {@link #targetInstance()} is set, a second one with {@code +sip.instance} of that device and
 * {@code require;explicit} (seed 002 4.2 device affinity, RFC 3841 9.2), Conversation-ID / Contribution-ID / InReplyTo-Contribution-ID as stored, and the
 * SDP offer from {@link #buildOffer}. The delivery notice the sender asked for
 * ({@link #senderImdnRequest()}) is produced by the PF itself on {@code Delivered}, so the
 * INVITE need not ask the recipient for one.
 */
public final class DeliveryRequest {
    private final UUID transferId;
    private final String sender;
    private final String from;
    private final String senderInstance;
    private final String recipient;
    private final String targetInstance;
    private final FileOffer fileOffer;
    private final byte[] icon;
    private final String iconContentType;
    private final String conversationId;
    private final String contributionId;
    private final String inReplyToContributionId;
    private final Optional<ImdnRequestView> senderImdnRequest;
    private final String contentType;
    private final long fileSize;
    private final long resumeOffset;
    private final int attempt;
    private final LongFunction<InputStream> content;
    final CompletableFuture<String> cancelled = new CompletableFuture<>();
    final AtomicLong progress;

    /** The sender's IMDN request (RFC 5438 section 6). */
    public record ImdnRequestView(String messageId, String dispositionNotification) {
    }

    DeliveryRequest(UUID transferId, String sender, String from, String senderInstance, String recipient, String targetInstance,
                    FileOffer fileOffer, byte[] icon, String iconContentType, String conversationId,
                    String contributionId, String inReplyToContributionId, ImdnRequestView senderImdnRequest,
                    String contentType, long fileSize, long resumeOffset, int attempt,
                    LongFunction<InputStream> content) {
        this.transferId = Objects.requireNonNull(transferId);
        this.sender = Objects.requireNonNull(sender);
        this.from = from == null ? sender : from;
        this.senderInstance = senderInstance;
        this.recipient = Objects.requireNonNull(recipient);
        this.targetInstance = targetInstance;
        this.fileOffer = Objects.requireNonNull(fileOffer);
        this.icon = icon;
        this.iconContentType = iconContentType;
        this.conversationId = conversationId;
        this.contributionId = contributionId;
        this.inReplyToContributionId = inReplyToContributionId;
        this.senderImdnRequest = Optional.ofNullable(senderImdnRequest);
        this.contentType = contentType;
        this.fileSize = fileSize;
        this.resumeOffset = resumeOffset;
        this.attempt = attempt;
        this.content = Objects.requireNonNull(content);
        this.progress = new AtomicLong(resumeOffset);
    }

    public UUID transferId() {
        return transferId;
    }

    /** The original sender (Referred-By of the delivery INVITE; To of the delivery notice). */
    public String sender() {
        return sender;
    }

    /** From of the delivery INVITE: the original sender, or the configured CPMDeferredMgmtURI (seed 004 7.3.11). */
    public String from() {
        return from;
    }

    /** The sending device's {@code +sip.instance}, or null. */
    public String senderInstance() {
        return senderInstance;
    }

    /** The recipient (Request-URI and To). */
    public String recipient() {
        return recipient;
    }

    /** The device to offer the file to ({@code +sip.instance}), or null for any of the user's devices. */
    public String targetInstance() {
        return targetInstance;
    }

    /**
     * The file as RFC 5547 describes it: the stored file-selector, disposition, date, icon
     * Content-ID, accept-types, a new file-transfer-id (RFC 5547 section 6: a new offer is a new
     * transfer), {@code a=sendonly}, and {@code a=file-range:<resumeOffset+1>-*} when resuming
     * (RFC 5547 section 9). Give it to {@link FileTransferOfferBuilder#addFile}.
     */
    public FileOffer fileOffer() {
        return fileOffer;
    }

    /**
     * The offer with the relay's answerer leg as MSRP endpoint ({@code path} = its local path), with
     * {@code a=setup:active} (RFC 6135): that leg connects to the device, so the device answers
     * passive (or leaves setup out, RFC 4975 5.4).
     */
    public SdpSession buildOffer(String host, long sdpSessionId, int port, boolean tls, List<String> path) {
        return new FileTransferOfferBuilder(host, sdpSessionId, 1).setup(Setup.ACTIVE).addFile(port, tls, path, fileOffer)
                .build();
    }

    /** The file-icon body part to send with the offer (Content-ID {@code fileOffer().iconContentId()}), if any. */
    public Optional<byte[]> icon() {
        return Optional.ofNullable(icon).map(byte[]::clone);
    }

    public Optional<String> iconContentType() {
        return Optional.ofNullable(iconContentType);
    }

    public Optional<String> conversationId() {
        return Optional.ofNullable(conversationId);
    }

    public Optional<String> contributionId() {
        return Optional.ofNullable(contributionId);
    }

    public Optional<String> inReplyToContributionId() {
        return Optional.ofNullable(inReplyToContributionId);
    }

    public Optional<ImdnRequestView> senderImdnRequest() {
        return senderImdnRequest;
    }

    /** Content-Type of the MSRP SEND requests carrying the file. */
    public String contentType() {
        return contentType;
    }

    /** Whole file size in octets (MSRP Byte-Range total). */
    public long fileSize() {
        return fileSize;
    }

    /** 0-based offset of the first octet to send; the recipient already has the octets before it. */
    public long resumeOffset() {
        return resumeOffset;
    }

    /** Attempt number of this delivery (1 for the first). */
    public int attempt() {
        return attempt;
    }

    /**
     * Opens the stored content from {@link #resumeOffset()} to the end. Each call opens a new
     * stream; it holds no database connection between reads.
     */
    public InputStream openContent() {
        return content.apply(resumeOffset);
    }

    /** Opens the stored content from another file offset (at least the resume offset). */
    public InputStream openContent(long fromOffset) {
        if (fromOffset < resumeOffset || fromOffset > fileSize) {
            throw new IllegalArgumentException("offset " + fromOffset + " outside " + resumeOffset + ".." + fileSize);
        }
        return content.apply(fromOffset);
    }

    /**
     * Reports octets the recipient acknowledged so far (MSRP 200 / success REPORT, counted from
     * file offset 0). Optional; kept with the lease renewals so that after a crash of this node
     * another one resumes near there.
     */
    public void progress(long bytesAcknowledged) {
        progress.accumulateAndGet(Math.min(bytesAcknowledged, fileSize), Math::max);
    }

    /** Octets the recipient has acknowledged so far (file offset, from 0): at least {@link #resumeOffset()}. */
    public long acknowledged() {
        return progress.get();
    }

    /**
     * Completes with a reason when this attempt must stop: the lease was lost to another node,
     * the attempt timed out, or the service is stopping. The SIP side then ends the session (BYE
     * or CANCEL) and completes its stage.
     */
    public CompletionStage<String> cancelled() {
        return cancelled;
    }

    @Override
    public String toString() {
        return "DeliveryRequest[" + transferId + " " + sender + " -> " + recipient
                + (targetInstance == null ? "" : " (" + targetInstance + ")") + ", from " + resumeOffset + "/"
                + fileSize + ", attempt " + attempt + "]";
    }
}
