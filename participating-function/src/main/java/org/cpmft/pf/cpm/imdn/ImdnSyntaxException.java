package org.cpmft.pf.cpm.imdn;

/** A CPIM wrapper or an IMDN document that cannot be read; the message is short and safe to log or echo. */
public final class ImdnSyntaxException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    public ImdnSyntaxException(String message) {
        super(message);
    }
}
