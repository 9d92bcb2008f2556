package org.cpmft.msrp.relay;

import org.cpmft.msrp.message.ByteRange;
import org.cpmft.msrp.message.ContinuationFlag;

/**
 * State of a message the relay stands in for, at the end of a chunk.
 *
 * @param messageId       the Message-ID
 * @param flag            continuation flag of the chunk: {@code $} last chunk, {@code +} more follow, {@code #}
 *                        the sender aborted the message (RFC 4975 section 7.1)
 * @param received        end (exclusive, 0-based) of the octets given to the sink contiguously from
 *                        {@link StandInStart#fromOffset()}
 * @param total           size of the file, or {@link ByteRange#UNKNOWN} until a {@code $} chunk tells it
 * @param messageComplete every octet up to {@code total} was received (together with what the recipient
 *                        confirmed before a switch-over): once durable, the file can be stored as complete
 */
public record ChunkEnd(String messageId, ContinuationFlag flag, long received, long total, boolean messageComplete) {
}
