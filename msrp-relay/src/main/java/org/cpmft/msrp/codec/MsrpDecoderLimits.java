package org.cpmft.msrp.codec;

/**
 * Bounds the decoder puts on what it buffers: the start line plus header section, and the number of
 * header fields. Bodies are never buffered (they are streamed as pieces), so they need no limit here.
 */
public record MsrpDecoderLimits(int maxHeaderSectionBytes, int maxHeaderCount) {
    public static final MsrpDecoderLimits DEFAULT = new MsrpDecoderLimits(16 * 1024, 64);

    public MsrpDecoderLimits {
        if (maxHeaderSectionBytes < 64 || maxHeaderCount < 2) {
            throw new IllegalArgumentException("limits too small");
        }
    }
}
