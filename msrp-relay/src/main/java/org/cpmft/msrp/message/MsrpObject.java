package org.cpmft.msrp.message;

/** Marker for everything the MSRP codec emits or accepts: frame heads, content pieces, decoding failures. */
public interface MsrpObject {
}
