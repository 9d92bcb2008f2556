package org.cpmft.store.transfer;

import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;
import java.util.Objects;

/**
 * The disposition notification the sender asked for (RFC 5438 section 6: imdn.Message-ID and
 * Disposition-Notification), needed to send the delivery notification once the deferred file is
 * delivered, or a failure notification when it expires.
 */
@Embeddable
public class ImdnRequest {
    @Column(name = "imdn_message_id", length = 255)
    private String messageId;
    /** Comma separated list as received, e.g. {@code positive-delivery, negative-delivery}. */
    @Column(name = "disposition_notification", length = 255)
    private String dispositionNotification;

    protected ImdnRequest() {
    }

    public ImdnRequest(String messageId, String dispositionNotification) {
        this.messageId = Objects.requireNonNull(messageId, "messageId");
        this.dispositionNotification = Objects.requireNonNull(dispositionNotification, "dispositionNotification");
    }

    public String messageId() {
        return messageId;
    }

    public String dispositionNotification() {
        return dispositionNotification;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ImdnRequest other && Objects.equals(messageId, other.messageId)
                && Objects.equals(dispositionNotification, other.dispositionNotification);
    }

    @Override
    public int hashCode() {
        return Objects.hash(messageId, dispositionNotification);
    }

    @Override
    public String toString() {
        return "ImdnRequest[" + messageId + ", " + dispositionNotification + "]";
    }
}
