package org.cpmft.pf.deferral;

import java.util.Objects;

/**
 * How one delivery attempt of a deferred file ended, as the SIP side reports it.
 * {@link #forFinalResponse} maps a final SIP response to the outcome this PF applies.
 */
public sealed interface DeliveryOutcome {

    /** The recipient has the whole file (2xx, then every octet acknowledged). */
    record Delivered(long bytes, String acceptingInstance) implements DeliveryOutcome {
        public String label() {
            return "delivered";
        }

        public String describe() {
            return "delivered " + bytes + " octets" + (acceptingInstance == null ? "" : " to " + acceptingInstance);
        }
    }

    /**
     * The session was set up but ended before the end of the file (MSRP leg dropped, BYE):
     * the next attempt resumes after {@code bytesDeliveredSoFar} (RFC 5547 section 9).
     *
     * @param bytesDeliveredSoFar file octets the recipient acknowledged, counted from 0
     */
    record Partial(long bytesDeliveredSoFar) implements DeliveryOutcome {
        public Partial {
            if (bytesDeliveredSoFar < 0) {
                throw new IllegalArgumentException("negative bytes delivered " + bytesDeliveredSoFar);
            }
        }

        public String label() {
            return "partial";
        }

        public String describe() {
            return "interrupted after " + bytesDeliveredSoFar + " octets";
        }
    }

    /** 480: the user wants the deferred content later (OMA CPM 7.3.11 4, seed 004). */
    record Postponed(String reason) implements DeliveryOutcome {
        public String label() {
            return "postponed";
        }

        public String describe() {
            return Objects.requireNonNullElse(reason, "480 Temporarily Unavailable");
        }
    }

    /** 603: the recipient does not want the file; the sender is told and the file removed. */
    record Declined(int status, String reason) implements DeliveryOutcome {
        public String label() {
            return "declined";
        }

        public String describe() {
            return Objects.requireNonNullElse(reason, status + " Decline");
        }
    }

    /** Any other failure; retried by the retry policy. */
    record Failed(int status, String reason) implements DeliveryOutcome {
        public String label() {
            return "failed";
        }

        public String describe() {
            return Objects.requireNonNullElse(reason, Integer.toString(status));
        }
    }

    /** No final answer in time (408, or the invitation timer); retried by the retry policy. */
    record NoAnswer(String reason) implements DeliveryOutcome {
        public String label() {
            return "no_answer";
        }

        public String describe() {
            return Objects.requireNonNullElse(reason, "no answer");
        }
    }

    static DeliveryOutcome delivered(long bytes, String acceptingInstance) {
        return new Delivered(bytes, acceptingInstance);
    }

    /**
     * The outcome for a final non-2xx response to the delivery INVITE:
     * 480 postpones; 603 declines; 408 is no answer; anything else is a failure to retry
     * (486 Busy, 5xx, and 488 from a device that cannot resume, CPM 7.4.5.2).
     */
    static DeliveryOutcome forFinalResponse(int status, String reasonPhrase) {
        if (status < 300 || status > 699) {
            throw new IllegalArgumentException("not a final failure response: " + status);
        }
        String reason = status + (reasonPhrase == null || reasonPhrase.isBlank() ? "" : " " + reasonPhrase);
        return switch (status) {
            case 480 -> new Postponed(reason);
            case 603 -> new Declined(status, reason);
            case 408 -> new NoAnswer(reason);
            default -> new Failed(status, reason);
        };
    }

    /** Short label for logs and the metric tag. */
    String label();

    /** The reason kept in the store's last error. */
    String describe();
}
