package org.cpmft.store.content;

import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;
import jakarta.persistence.EmbeddedId;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.util.Objects;
import java.util.UUID;

/**
 * One row of file content: {@code size} octets of the file starting at file offset
 * {@code offset}. Only handled through a StatelessSession, one row at a time.
 */
@Entity
@Table(name = "transfer_content_chunk")
public class ContentChunk {
    @EmbeddedId
    private Key key;
    @Column(name = "chunk_size", nullable = false)
    private int size;
    @Column(name = "data", nullable = false)
    private byte[] data;

    protected ContentChunk() {
    }

    ContentChunk(UUID transferId, long offset, byte[] data) {
        this.key = new Key(transferId, offset);
        this.size = data.length;
        this.data = data;
    }

    long offset() {
        return key.offset;
    }

    int size() {
        return size;
    }

    byte[] data() {
        return data;
    }

    long end() {
        return key.offset + size;
    }

    @Embeddable
    public static class Key implements Serializable {
        @Column(name = "transfer_id", nullable = false)
        private UUID transferId;
        @Column(name = "chunk_offset", nullable = false)
        private long offset;

        protected Key() {
        }

        Key(UUID transferId, long offset) {
            this.transferId = transferId;
            this.offset = offset;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.offset == offset && Objects.equals(k.transferId, transferId);
        }

        @Override
        public int hashCode() {
            return Objects.hash(transferId, offset);
        }
    }
}
