package org.cpmft.msrp.client;

import java.nio.file.Path;

/**
 * @param file        where the message was written
 * @param bytes       message size
 * @param sha256      hex SHA-256 of the file as written
 * @param messageId   Message-ID of the message
 * @param contentType Content-Type of its first chunk
 * @param chunks      SEND chunks with a body received for it
 */
public record ReceiveResult(Path file, long bytes, String sha256, String messageId, String contentType, int chunks) {
}
