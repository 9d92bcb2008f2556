package org.cpmft.store.notification;

import jakarta.persistence.Column;
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
 * A disposition notification (RFC 5438 IMDN) for a device that is not reachable now, kept until
 * that device registers or a retry succeeds (OMA CPM 2.0 5.4.5: deferred to the CPM User's device
 * that originated the message).
 */
@Entity
@Table(name = "deferred_notification")
public class DeferredNotification {
    @Id
    @Column(name = "id", nullable = false)
    private UUID id;
    /** The transfer this notification is about, if any; not a foreign key: it outlives purges. */
    @Column(name = "transfer_id")
    private UUID transferId;
    @Column(name = "to_uri", nullable = false, length = 2048)
    private String toUri;
    @Column(name = "from_uri", nullable = false, length = 2048)
    private String fromUri;
    /** +sip.instance of the device to notify; null: any device of the user. */
    @Column(name = "to_instance", length = 512)
    private String toInstance;
    /** imdn.Message-ID of the message being notified about. */
    @Column(name = "imdn_message_id", length = 255)
    private String imdnMessageId;
    /** Usually {@code message/cpim} wrapping {@code message/imdn+xml}. */
    @Column(name = "content_type", nullable = false, length = 255)
    private String contentType;
    @Column(name = "body", nullable = false, length = 65536)
    private String body;
    @JdbcTypeCode(SqlTypes.VARCHAR)
    @Column(name = "state", nullable = false, length = 16)
    private NotificationState state = NotificationState.PENDING;
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

    protected DeferredNotification() {
    }

    public static DeferredNotification pending(UUID id, String toUri, String fromUri, String contentType, String body,
                                               Instant nextAttemptAt, Instant expiresAt) {
        DeferredNotification n = new DeferredNotification();
        n.id = Objects.requireNonNull(id, "id");
        n.toUri = Objects.requireNonNull(toUri, "toUri");
        n.fromUri = Objects.requireNonNull(fromUri, "fromUri");
        n.contentType = Objects.requireNonNull(contentType, "contentType");
        n.body = Objects.requireNonNull(body, "body");
        n.nextAttemptAt = Objects.requireNonNull(nextAttemptAt, "nextAttemptAt");
        n.expiresAt = Objects.requireNonNull(expiresAt, "expiresAt");
        return n;
    }

    public DeferredNotification transferId(UUID value) {
        this.transferId = value;
        return this;
    }

    public DeferredNotification toInstance(String value) {
        this.toInstance = value;
        return this;
    }

    public DeferredNotification imdnMessageId(String value) {
        this.imdnMessageId = value;
        return this;
    }

    void created(Instant now) {
        this.createdAt = now;
        this.updatedAt = now;
    }

    void moveTo(NotificationState next, Instant now) {
        this.state = state.moveTo(next);
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

    public UUID id() {
        return id;
    }

    public UUID transferId() {
        return transferId;
    }

    public String toUri() {
        return toUri;
    }

    public String fromUri() {
        return fromUri;
    }

    public String toInstance() {
        return toInstance;
    }

    public String imdnMessageId() {
        return imdnMessageId;
    }

    public String contentType() {
        return contentType;
    }

    public String body() {
        return body;
    }

    public NotificationState state() {
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
        return "DeferredNotification[" + id + " " + state + " " + fromUri + " -> " + toUri
                + (toInstance == null ? "" : " (" + toInstance + ")") + ", attempts " + attempts + "]";
    }
}
