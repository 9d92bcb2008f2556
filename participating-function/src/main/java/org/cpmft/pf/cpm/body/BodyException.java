package org.cpmft.pf.cpm.body;

/** A message body that cannot be parsed (bad Content-Type, broken multipart framing). */
public class BodyException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    public BodyException(String message) {
        super(message);
    }
}
