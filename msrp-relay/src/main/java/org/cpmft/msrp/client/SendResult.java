package org.cpmft.msrp.client;

/**
 * @param bytesSent  body bytes sent
 * @param sha256     hex SHA-256 of the bytes sent
 * @param chunks     number of SEND chunks
 * @param messageId  the Message-ID used
 */
public record SendResult(long bytesSent, String sha256, int chunks, String messageId) {
}
