package org.cpmft.pf.cpm.sdp;

/** An SDP body or attribute that does not follow its grammar. */
public class SdpSyntaxException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final SdpProblem.Code code;

    public SdpSyntaxException(SdpProblem.Code code, String message) {
        super(message);
        this.code = code;
    }

    public SdpProblem.Code code() {
        return code;
    }
}
