package org.cpmft.store.registration;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * One registered device of a user as a third-party REGISTER last described it, written by the
 * node that received that REGISTER and read by every node.
 */
@Entity
@Table(name = "registration_binding")
public class RegistrationBinding {
    @Id
    @Column(name = "id", nullable = false)
    private UUID id;
    @Column(name = "user_uri", nullable = false, length = 2048)
    private String userUri;
    @Column(name = "device_key", nullable = false, length = 64)
    private String deviceKey;
    @Column(name = "contact_uri", length = 2048)
    private String contactUri;
    @Column(name = "instance_id", length = 512)
    private String instanceId;
    @Column(name = "expires_at", nullable = false)
    private Instant expiresAt;
    @Column(name = "updated_at", nullable = false)
    private Instant updatedAt;
    @Column(name = "node_id", nullable = false, length = 255)
    private String nodeId;

    protected RegistrationBinding() {
    }

    static RegistrationBinding of(String userUri, StoredBinding b, Instant now, String nodeId) {
        RegistrationBinding r = new RegistrationBinding();
        r.id = UUID.randomUUID();
        r.userUri = Objects.requireNonNull(userUri, "userUri");
        r.deviceKey = b.deviceKey();
        r.set(b, now, nodeId);
        return r;
    }

    void set(StoredBinding b, Instant now, String node) {
        this.contactUri = b.contactUri();
        this.instanceId = b.instanceId();
        this.expiresAt = b.expiresAt();
        this.updatedAt = now;
        this.nodeId = Objects.requireNonNull(node, "nodeId");
    }

    public StoredBinding binding() {
        return new StoredBinding(contactUri, instanceId, expiresAt);
    }

    public UUID id() {
        return id;
    }

    public String userUri() {
        return userUri;
    }

    public String deviceKey() {
        return deviceKey;
    }

    public String contactUri() {
        return contactUri;
    }

    public String instanceId() {
        return instanceId;
    }

    public Instant expiresAt() {
        return expiresAt;
    }

    public Instant updatedAt() {
        return updatedAt;
    }

    public String nodeId() {
        return nodeId;
    }

    @Override
    public String toString() {
        return "RegistrationBinding[" + userUri + " " + (contactUri == null ? "-" : contactUri)
                + (instanceId == null ? "" : " " + instanceId) + " until " + expiresAt + " by " + nodeId + "]";
    }
}
