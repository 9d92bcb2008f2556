package org.cpmft.store.transfer;

import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;
import java.util.Arrays;
import java.util.Objects;

/**
 * The RFC 5547 description of the offered file, as received in the original SDP offer, kept so
 * that a later re-offer describes the same file (RFC 5547 section 6 file-selector, 8.1
 * file-transfer-id, file-disposition, file-date, file-icon).
 *
 * <p>Values are kept as received (already un-quoted by the SDP parser); the raw media attribute
 * lines are kept too, so attributes this class does not model survive the store.
 */
@Embeddable
public class FileDescription {
    /** file-selector {@code name:} value (RFC 5547 section 6). */
    @Column(name = "file_name", length = 1024)
    private String name;
    /** file-selector {@code type:} value, a MIME type possibly with parameters. */
    @Column(name = "file_type", length = 255)
    private String type;
    /** file-selector {@code size:} value in octets; RFC 5547 makes it optional. */
    @Column(name = "file_size")
    private Long size;
    /** file-selector {@code hash:} value, e.g. {@code sha-1:72:24:...}. */
    @Column(name = "file_hash", length = 255)
    private String hash;
    /** a=file-transfer-id (RFC 5547 section 6). */
    @Column(name = "file_transfer_id", length = 255)
    private String transferId;
    /** a=file-disposition, e.g. {@code render} or {@code attachment}. */
    @Column(name = "file_disposition", length = 255)
    private String disposition;
    /** a=file-date value, e.g. {@code creation:"Mon, 15 May 2006 15:01:31 +0300"}. */
    @Column(name = "file_date", length = 512)
    private String date;
    /** Every a= line of the file's m-line as received, one per line, for a faithful re-offer. */
    @Column(name = "sdp_media_attributes", length = 65536)
    private String sdpMediaAttributes;
    /** Thumbnail referenced by a=file-icon (a cid: URL to a MIME body part); null when none. */
    @Column(name = "file_icon")
    private byte[] icon;
    @Column(name = "file_icon_type", length = 255)
    private String iconContentType;

    public FileDescription() {
    }

    public FileDescription(String name, String type, Long size, String hash) {
        this.name = name;
        this.type = type;
        this.size = size;
        this.hash = hash;
    }

    public String name() {
        return name;
    }

    public String type() {
        return type;
    }

    public Long size() {
        return size;
    }

    public String hash() {
        return hash;
    }

    public String transferId() {
        return transferId;
    }

    public String disposition() {
        return disposition;
    }

    public String date() {
        return date;
    }

    public String sdpMediaAttributes() {
        return sdpMediaAttributes;
    }

    /** A copy of the icon bytes, or null. */
    public byte[] icon() {
        return icon == null ? null : icon.clone();
    }

    public String iconContentType() {
        return iconContentType;
    }

    public FileDescription transferId(String value) {
        this.transferId = value;
        return this;
    }

    public FileDescription disposition(String value) {
        this.disposition = value;
        return this;
    }

    public FileDescription date(String value) {
        this.date = value;
        return this;
    }

    public FileDescription sdpMediaAttributes(String value) {
        this.sdpMediaAttributes = value;
        return this;
    }

    public FileDescription icon(byte[] bytes, String contentType) {
        if ((bytes == null) != (contentType == null)) {
            throw new IllegalArgumentException("file icon bytes and content type go together");
        }
        this.icon = bytes == null ? null : bytes.clone();
        this.iconContentType = contentType;
        return this;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof FileDescription other)) {
            return false;
        }
        return Objects.equals(name, other.name) && Objects.equals(type, other.type)
                && Objects.equals(size, other.size) && Objects.equals(hash, other.hash)
                && Objects.equals(transferId, other.transferId) && Objects.equals(disposition, other.disposition)
                && Objects.equals(date, other.date) && Objects.equals(sdpMediaAttributes, other.sdpMediaAttributes)
                && Arrays.equals(icon, other.icon) && Objects.equals(iconContentType, other.iconContentType);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, type, size, hash, transferId);
    }

    @Override
    public String toString() {
        return "FileDescription[name=" + name + ", type=" + type + ", size=" + size + ", transferId=" + transferId + "]";
    }
}
