package org.cpmft.pf.deferral;

import java.util.UUID;
import java.util.concurrent.CompletionStage;

/**
 * Sends a queued delivery notification by SIP MESSAGE (implemented by the SIP side). The request
 * goes to {@link Message#to()}, preferring the device {@link Message#toInstance()} when set
 * (Accept-Contact with {@code +sip.instance}, RFC 3841), with the body and Content-Type given.
 */
@FunctionalInterface
public interface NotificationSender {

    /**
     * @param id           the store's notification id (for logs and de-duplication)
     * @param to           the user to notify (the sender of the file)
     * @param toInstance   the device that sent the file, or null
     * @param from         on whose behalf (the recipient of the file)
     * @param contentType  Content-Type of the MESSAGE body
     * @param body         the MESSAGE body
     */
    record Message(UUID id, String to, String toInstance, String from, String contentType, String body) {
    }

    /** How sending ended. */
    enum Result {
        /** 2xx. */
        SENT,
        /** 408, 480, 5xx, timeout, not registered: try again later. */
        RETRY_LATER,
        /** Any other 4xx-6xx: the network will not take it; give it up. */
        REJECTED;

        /** The result for a final response status to the MESSAGE. */
        public static Result forStatus(int status) {
            if (status >= 200 && status < 300) {
                return SENT;
            }
            if (status == 408 || status == 480 || (status >= 500 && status < 600)) {
                return RETRY_LATER;
            }
            return REJECTED;
        }
    }

    CompletionStage<Result> send(Message message);
}
