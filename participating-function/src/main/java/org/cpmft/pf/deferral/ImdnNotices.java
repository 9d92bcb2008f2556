package org.cpmft.pf.deferral;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.UUID;
import java.util.function.Supplier;
import org.cpmft.store.notification.DeferredNotification;
import org.cpmft.store.retry.RetryPolicy;
import org.cpmft.store.transfer.DeferredTransfer;
import org.cpmft.store.transfer.ImdnRequest;

/**
 * The delivery notifications (RFC 5438 IMDN) the PF sends to the sender of a deferred file on
 * its behalf: "delivered" once the recipient has the file, "failed" when it expired or was
 * declined. Only what the sender asked for in Disposition-Notification is sent (RFC 5438
 * section 6.2: positive-delivery, negative-delivery); without an IMDN request there is no
 * message-id to refer to and nothing is sent.
 *
 * <p>The notice is a {@code message/cpim} wrapper (RFC 3862) around {@code message/imdn+xml}
 * (RFC 5438 section 7.2.1.1), addressed to the sending device ({@code +sip.instance} of the
 * sender, CPM 2.0 5.4.5), sent by SIP MESSAGE.
 */
public final class ImdnNotices {
    public static final String CONTENT_TYPE = "message/cpim";
    private static final String CRLF = "\r\n";

    /** RFC 5438 delivery-notification status values. */
    public enum Status {
        DELIVERED("delivered", "positive-delivery"),
        FAILED("failed", "negative-delivery");

        private final String element;
        private final String requestedBy;

        Status(String element, String requestedBy) {
            this.element = element;
            this.requestedBy = requestedBy;
        }
    }

    private final Clock clock;
    private final Supplier<RetryPolicy> policy;
    private final Supplier<String> messageIds;

    /**
     * @param policy     retry schedule and expiry of the notices (the one transfers use)
     * @param messageIds source of imdn.Message-ID values for the notices themselves
     */
    public ImdnNotices(Clock clock, Supplier<RetryPolicy> policy, Supplier<String> messageIds) {
        this.clock = clock;
        this.policy = policy;
        this.messageIds = messageIds;
    }

    public static ImdnNotices withRandomIds(Clock clock, Supplier<RetryPolicy> policy) {
        return new ImdnNotices(clock, policy, () -> UUID.randomUUID().toString().replace("-", ""));
    }

    /** Whether the sender asked for notices with {@code status}. */
    public static boolean requested(ImdnRequest request, Status status) {
        if (request == null || request.dispositionNotification() == null) {
            return false;
        }
        for (String token : request.dispositionNotification().split(",")) {
            if (token.trim().toLowerCase(Locale.ROOT).equals(status.requestedBy)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The queued notice for {@code transfer}, or null when the sender did not ask for it.
     *
     * @param sendNow whether the sender is known to be registered: then the notice is due at
     *                once, else after the retry policy's first delay (a REGISTER of the sender
     *                claims it earlier)
     */
    public DeferredNotification notice(DeferredTransfer transfer, Status status, boolean sendNow) {
        ImdnRequest request = transfer.imdnRequest();
        if (!requested(request, status)) {
            return null;
        }
        Instant now = clock.instant();
        RetryPolicy p = policy.get();
        String noticeId = messageIds.get();
        String body = body(transfer.recipientUri(), transfer.senderUri(), noticeId, request.messageId(),
                transfer.createdAt() == null ? now : transfer.createdAt(), now, status);
        return DeferredNotification.pending(UUID.randomUUID(), transfer.senderUri(), transfer.recipientUri(),
                        CONTENT_TYPE, body, sendNow ? now : p.firstAttemptAt(now), p.expiresAt(now))
                .toInstance(transfer.senderInstance())
                .imdnMessageId(request.messageId())
                .transferId(transfer.id());
    }

    /**
     * The CPIM-wrapped IMDN. {@code originalDateTime} should be the DateTime of the message
     * notified about; the store keeps the time the PF accepted the file, which is used instead.
     */
    static String body(String from, String to, String noticeMessageId, String originalMessageId,
                       Instant originalDateTime, Instant now, Status status) {
        String xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>" + CRLF
                + "<imdn xmlns=\"urn:ietf:params:xml:ns:imdn\">" + CRLF
                + "<message-id>" + xml(originalMessageId) + "</message-id>" + CRLF
                + "<datetime>" + dateTime(originalDateTime) + "</datetime>" + CRLF
                + "<recipient-uri>" + xml(from) + "</recipient-uri>" + CRLF
                + "<original-recipient-uri>" + xml(from) + "</original-recipient-uri>" + CRLF
                + "<delivery-notification><status><" + status.element + "/></status></delivery-notification>" + CRLF
                + "</imdn>" + CRLF;
        return "From: <" + from + ">" + CRLF
                + "To: <" + to + ">" + CRLF
                + "NS: imdn <urn:ietf:params:imdn>" + CRLF
                + "imdn.Message-ID: " + noticeMessageId + CRLF
                + "DateTime: " + dateTime(now) + CRLF
                + CRLF
                + "Content-Type: message/imdn+xml" + CRLF
                + "Content-Disposition: notification" + CRLF
                + "Content-Length: " + xml.getBytes(StandardCharsets.UTF_8).length + CRLF
                + CRLF
                + xml;
    }

    /** RFC 3339 date-time, as CPIM DateTime (RFC 3862 section 5.4) and the IMDN schema want. */
    private static String dateTime(Instant t) {
        return DateTimeFormatter.ISO_INSTANT.format(t.truncatedTo(ChronoUnit.MILLIS));
    }

    private static String xml(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '&' -> sb.append("&amp;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&apos;");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }

    /** Expiry of a notice queued now. */
    Duration retention() {
        return policy.get().expiry();
    }
}
