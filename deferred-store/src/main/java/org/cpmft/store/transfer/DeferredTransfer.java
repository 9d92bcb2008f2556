package org.cpmft.store.transfer;

import jakarta.persistence.Column;
import jakarta.persistence.Embedded;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/**
 * A file transfer the PF accepted on behalf of an unavailable recipient, with everything a later
 * re-offer needs (DESIGN "Deferral"; OMA CPM 8.2.3.1 and 8.3.3.3).
 *
 * <p>Content offsets are 0-based octet offsets into the whole file. The stored content is the
 * range {@code [contentStart, bytesStored)}: {@code contentStart} is above 0 only when the store
 * took over a transfer the recipient had already received in part. Instances returned by the
 * store are detached snapshots; change them only through {@link TransferRepository}.
 */
@Entity
@Table(name = "deferred_transfer")
public class DeferredTransfer {
    @Id
    @Column(name = "id", nullable = false)
    private UUID id;

    @Column(name = "sender_uri", nullable = false, length = 2048)
    private String senderUri;
    /** +sip.instance of the sending device, for the delivery notification (CPM 2.0 5.4.5). */
    @Column(name = "sender_instance", length = 512)
    private String senderInstance;
    @Column(name = "recipient_uri", nullable = false, length = 2048)
    private String recipientUri;
    /** +sip.instance of the device that accepted, or the one targeted; null: any device. */
    @Column(name = "recipient_instance", length = 512)
    private String recipientInstance;

    @Embedded
    private FileDescription file;

    @Column(name = "conversation_id", length = 255)
    private String conversationId;
    @Column(name = "contribution_id", length = 255)
    private String contributionId;
    @Column(name = "in_reply_to_contribution_id", length = 255)
    private String inReplyToContributionId;
    @Embedded
    private ImdnRequest imdnRequest;
    /** Content-Type of the MSRP SEND bodies carrying the file. */
    @Column(name = "content_type", length = 255)
    private String contentType;
    /** Whole file size in octets when known (file-selector size or MSRP Byte-Range total). */
    @Column(name = "total_size")
    private Long totalSize;

    @Column(name = "content_start", nullable = false)
    private long contentStart;
    @Column(name = "bytes_stored", nullable = false)
    private long bytesStored;
    @Column(name = "bytes_delivered", nullable = false)
    private long bytesDelivered;

    @JdbcTypeCode(SqlTypes.VARCHAR)
    @Column(name = "state", nullable = false, length = 16)
    private TransferState state = TransferState.RECEIVING;
    @Column(name = "attempts", nullable = false)
    private int attempts;
    @Column(name = "next_attempt_at", nullable = false)
    private Instant nextAttemptAt;
    @Column(name = "expires_at", nullable = false)
    private Instant expiresAt;
    @Column(name = "lease_owner", length = 255)
    private String leaseOwner;
    @Column(name = "lease_until")
    private Instant leaseUntil;
    @Column(name = "last_error", length = 1024)
    private String lastError;
    @Column(name = "created_at", nullable = false)
    private Instant createdAt;
    @Column(name = "updated_at", nullable = false)
    private Instant updatedAt;
    @Version
    @Column(name = "version", nullable = false)
    private long version;

    protected DeferredTransfer() {
    }

    /**
     * A new transfer in state RECEIVING; the store sets created/updated time when it is created.
     *
     * @param nextAttemptAt when the first periodic delivery attempt is due (see RetryPolicy)
     * @param expiresAt     when the transfer is given up and the sender told
     */
    public static DeferredTransfer receiving(UUID id, String senderUri, String recipientUri, FileDescription file,
                                             Instant nextAttemptAt, Instant expiresAt) {
        DeferredTransfer t = new DeferredTransfer();
        t.id = Objects.requireNonNull(id, "id");
        t.senderUri = requireText(senderUri, "senderUri");
        t.recipientUri = requireText(recipientUri, "recipientUri");
        t.file = Objects.requireNonNull(file, "file");
        t.nextAttemptAt = Objects.requireNonNull(nextAttemptAt, "nextAttemptAt");
        t.expiresAt = Objects.requireNonNull(expiresAt, "expiresAt");
        t.totalSize = file.size();
        return t;
    }

    private static String requireText(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " is required");
        }
        return value;
    }

    // --- optional attributes, set before the transfer is created in the store ---

    public DeferredTransfer senderInstance(String value) {
        this.senderInstance = value;
        return this;
    }

    public DeferredTransfer recipientInstance(String value) {
        this.recipientInstance = value;
        return this;
    }

    public DeferredTransfer conversationId(String value) {
        this.conversationId = value;
        return this;
    }

    public DeferredTransfer contributionId(String value) {
        this.contributionId = value;
        return this;
    }

    public DeferredTransfer inReplyToContributionId(String value) {
        this.inReplyToContributionId = value;
        return this;
    }

    public DeferredTransfer imdnRequest(ImdnRequest value) {
        this.imdnRequest = value;
        return this;
    }

    public DeferredTransfer contentType(String value) {
        this.contentType = value;
        return this;
    }

    public DeferredTransfer totalSize(Long value) {
        if (value != null && value < 0) {
            throw new IllegalArgumentException("negative total size " + value);
        }
        this.totalSize = value;
        return this;
    }

    /**
     * Octets the recipient already has (e.g. before its MSRP leg dropped); content may then be
     * stored from this offset on.
     */
    public DeferredTransfer bytesDelivered(long value) {
        if (value < 0) {
            throw new IllegalArgumentException("negative bytes delivered " + value);
        }
        this.bytesDelivered = value;
        return this;
    }

    // --- package-private mutators used by the repository inside a transaction ---

    void created(Instant now) {
        this.createdAt = now;
        this.updatedAt = now;
    }

    void moveTo(TransferState next, Instant now) {
        this.state = state.moveTo(next);
        this.updatedAt = now;
    }

    /** Touches updated time for a change that keeps the state. */
    void touch(Instant now) {
        this.updatedAt = now;
    }

    void schedule(Instant next) {
        this.nextAttemptAt = next;
    }

    void lease(String owner, Instant until) {
        this.leaseOwner = owner;
        this.leaseUntil = until;
    }

    void lastError(String error) {
        this.lastError = error == null || error.length() <= 1024 ? error : error.substring(0, 1024);
    }

    void delivered(long bytes) {
        this.bytesDelivered = bytes;
    }

    /** Gives back the attempt its claim counted (the claim offered nothing). */
    void uncountAttempt() {
        if (attempts > 0) {
            attempts--;
        }
    }

    // --- accessors ---

    public UUID id() {
        return id;
    }

    public String senderUri() {
        return senderUri;
    }

    public String senderInstance() {
        return senderInstance;
    }

    public String recipientUri() {
        return recipientUri;
    }

    public String recipientInstance() {
        return recipientInstance;
    }

    public FileDescription file() {
        return file;
    }

    public String conversationId() {
        return conversationId;
    }

    public String contributionId() {
        return contributionId;
    }

    public String inReplyToContributionId() {
        return inReplyToContributionId;
    }

    /** The IMDN request, or null when the sender asked for none. */
    public ImdnRequest imdnRequest() {
        return imdnRequest;
    }

    public String contentType() {
        return contentType;
    }

    public Long totalSize() {
        return totalSize;
    }

    public long contentStart() {
        return contentStart;
    }

    public long bytesStored() {
        return bytesStored;
    }

    public long bytesDelivered() {
        return bytesDelivered;
    }

    public TransferState state() {
        return state;
    }

    public int attempts() {
        return attempts;
    }

    public Instant nextAttemptAt() {
        return nextAttemptAt;
    }

    public Instant expiresAt() {
        return expiresAt;
    }

    public String leaseOwner() {
        return leaseOwner;
    }

    public Instant leaseUntil() {
        return leaseUntil;
    }

    public String lastError() {
        return lastError;
    }

    public Instant createdAt() {
        return createdAt;
    }

    public Instant updatedAt() {
        return updatedAt;
    }

    public long version() {
        return version;
    }

    @Override
    public String toString() {
        return "DeferredTransfer[" + id + " " + state + " " + senderUri + " -> " + recipientUri
                + (recipientInstance == null ? "" : " (" + recipientInstance + ")") + ", stored " + contentStart + ".."
                + bytesStored + "/" + (totalSize == null ? "?" : totalSize) + ", delivered " + bytesDelivered
                + ", attempts " + attempts + ", next " + nextAttemptAt + ", expires " + expiresAt
                + (leaseOwner == null ? "" : ", lease " + leaseOwner + " until " + leaseUntil) + "]";
    }
}
