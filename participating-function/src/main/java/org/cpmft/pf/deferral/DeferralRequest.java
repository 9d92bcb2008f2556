package org.cpmft.pf.deferral;

import java.util.Objects;
import org.cpmft.pf.cpm.policy.DeferralCause;
import org.cpmft.pf.cpm.sdp.FileTransferStream;
import org.cpmft.pf.registration.InstanceId;
import org.cpmft.pf.registration.UserUri;

/**
 * A plain description of the FT INVITE the PF decided to defer (DeferralRules), as the SIP side
 * knows it: who, which devices, the RFC 5547 stream of the file (as {@code FtDecision.Forward}
 * listed it), the thumbnail, the CPM headers and the IMDN request. URIs and instance ids are
 * normalised here ({@link UserUri}, {@link InstanceId}) so the store compares them with REGISTERs.
 */
public final class DeferralRequest {
    private final String sender;
    private final String senderInstance;
    private final String recipient;
    private final String recipientInstance;
    private final DeferralCause cause;
    private final FileTransferStream stream;
    private final byte[] icon;
    private final String iconContentType;
    private final String conversationId;
    private final String contributionId;
    private final String inReplyToContributionId;
    private final String imdnMessageId;
    private final String dispositionNotification;
    private final String contentType;
    private final long bytesDelivered;

    private DeferralRequest(Builder b) {
        this.sender = UserUri.normalize(b.sender);
        this.senderInstance = InstanceId.normalize(b.senderInstance);
        this.recipient = UserUri.normalize(b.recipient);
        this.recipientInstance = InstanceId.normalize(b.recipientInstance);
        this.cause = Objects.requireNonNull(b.cause, "cause");
        this.stream = Objects.requireNonNull(b.stream, "stream");
        if (!stream.isPush()) {
            // Only a push (the sender sends the file, a=sendonly) leaves content to keep (RFC 5547 section 8).
            throw new IllegalArgumentException("only a pushed file can be deferred, not " + stream.direction());
        }
        if ((b.icon == null) != (b.iconContentType == null)) {
            throw new IllegalArgumentException("file icon bytes and content type go together");
        }
        this.icon = b.icon == null ? null : b.icon.clone();
        this.iconContentType = b.iconContentType;
        this.conversationId = b.conversationId;
        this.contributionId = b.contributionId;
        this.inReplyToContributionId = b.inReplyToContributionId;
        if ((b.imdnMessageId == null) != (b.dispositionNotification == null)) {
            throw new IllegalArgumentException("imdn.Message-ID and Disposition-Notification go together");
        }
        this.imdnMessageId = b.imdnMessageId;
        this.dispositionNotification = b.dispositionNotification;
        this.contentType = b.contentType != null ? b.contentType
                : stream.selector().type().orElse("application/octet-stream");
        if (b.bytesDelivered < 0) {
            throw new IllegalArgumentException("negative bytes delivered " + b.bytesDelivered);
        }
        if (stream.selector().size().isPresent() && b.bytesDelivered > stream.selector().size().getAsLong()) {
            throw new IllegalArgumentException("bytes delivered " + b.bytesDelivered + " beyond the file size");
        }
        this.bytesDelivered = b.bytesDelivered;
    }

    /**
     * @param sender    the sending user (P-Asserted-Identity, else From)
     * @param recipient the recipient user (Request-URI / To, or P-Served-User on the terminating side)
     * @param cause     why the PF defers
     * @param stream    the file's m-line from the received offer
     */
    public static Builder builder(String sender, String recipient, DeferralCause cause, FileTransferStream stream) {
        return new Builder(sender, recipient, cause, stream);
    }

    public static final class Builder {
        private final String sender;
        private final String recipient;
        private final DeferralCause cause;
        private final FileTransferStream stream;
        private String senderInstance;
        private String recipientInstance;
        private byte[] icon;
        private String iconContentType;
        private String conversationId;
        private String contributionId;
        private String inReplyToContributionId;
        private String imdnMessageId;
        private String dispositionNotification;
        private String contentType;
        private long bytesDelivered;

        private Builder(String sender, String recipient, DeferralCause cause, FileTransferStream stream) {
            this.sender = sender;
            this.recipient = recipient;
            this.cause = cause;
            this.stream = stream;
        }

        /** {@code +sip.instance} of the sending device (its Contact, CPM 6.1.1), for the notice. */
        public Builder senderInstance(String v) {
            this.senderInstance = v;
            return this;
        }

        /** {@code +sip.instance} of the recipient device that accepted (then dropped), if any. */
        public Builder recipientInstance(String v) {
            this.recipientInstance = v;
            return this;
        }

        /** The file-icon body part referenced by the stream's {@code a=file-icon}. */
        public Builder icon(byte[] bytes, String contentType) {
            this.icon = bytes;
            this.iconContentType = contentType;
            return this;
        }

        public Builder conversationId(String v) {
            this.conversationId = v;
            return this;
        }

        public Builder contributionId(String v) {
            this.contributionId = v;
            return this;
        }

        public Builder inReplyToContributionId(String v) {
            this.inReplyToContributionId = v;
            return this;
        }

        /** The sender's IMDN request (RFC 5438 section 6): imdn.Message-ID and Disposition-Notification. */
        public Builder imdnRequest(String messageId, String dispositionNotification) {
            this.imdnMessageId = messageId;
            this.dispositionNotification = dispositionNotification;
            return this;
        }

        /** Content-Type of the MSRP SEND bodies; default: the file-selector type. */
        public Builder contentType(String v) {
            this.contentType = v;
            return this;
        }

        /** Octets the recipient already acknowledged (MEDIA_INTERRUPTED); content is stored from there. */
        public Builder bytesDelivered(long v) {
            this.bytesDelivered = v;
            return this;
        }

        public DeferralRequest build() {
            return new DeferralRequest(this);
        }
    }

    public String sender() {
        return sender;
    }

    public String senderInstance() {
        return senderInstance;
    }

    public String recipient() {
        return recipient;
    }

    public String recipientInstance() {
        return recipientInstance;
    }

    public DeferralCause cause() {
        return cause;
    }

    public FileTransferStream stream() {
        return stream;
    }

    byte[] icon() {
        return icon;
    }

    String iconContentType() {
        return iconContentType;
    }

    String conversationId() {
        return conversationId;
    }

    String contributionId() {
        return contributionId;
    }

    String inReplyToContributionId() {
        return inReplyToContributionId;
    }

    String imdnMessageId() {
        return imdnMessageId;
    }

    String dispositionNotification() {
        return dispositionNotification;
    }

    public String contentType() {
        return contentType;
    }

    public long bytesDelivered() {
        return bytesDelivered;
    }
}
