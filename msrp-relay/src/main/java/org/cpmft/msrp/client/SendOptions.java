package org.cpmft.msrp.client;

import java.time.Duration;
import java.util.Objects;
import org.cpmft.msrp.message.FailureReport;

/**
 * How {@link MsrpFileSender} sends a file.
 *
 * @param contentType   Content-Type of the message
 * @param chunkSize     bytes per SEND chunk; {@link MsrpFileSender#ONE_CHUNK} sends the file as one chunk
 * @param successReport ask for a success REPORT and wait for it (RFC 4975 section 7.1.2)
 * @param failureReport Failure-Report value; with {@code yes} every chunk's 200 is awaited
 * @param messageId     Message-ID, null for a random one
 * @param timeout       overall deadline for connecting, sending and every expected answer
 */
public record SendOptions(String contentType, int chunkSize, boolean successReport, FailureReport failureReport,
                          String messageId, Duration timeout) {
    public SendOptions {
        Objects.requireNonNull(contentType, "contentType");
        Objects.requireNonNull(failureReport, "failureReport");
        Objects.requireNonNull(timeout, "timeout");
        if (chunkSize < 0) {
            throw new IllegalArgumentException("chunkSize < 0");
        }
    }

    public static SendOptions of(String contentType, int chunkSize, Duration timeout) {
        return new SendOptions(contentType, chunkSize, false, FailureReport.YES, null, timeout);
    }

    public SendOptions withSuccessReport(boolean requested) {
        return new SendOptions(contentType, chunkSize, requested, failureReport, messageId, timeout);
    }

    public SendOptions withFailureReport(FailureReport value) {
        return new SendOptions(contentType, chunkSize, successReport, value, messageId, timeout);
    }

    public SendOptions withMessageId(String id) {
        return new SendOptions(contentType, chunkSize, successReport, failureReport, id, timeout);
    }
}
