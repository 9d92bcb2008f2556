package org.cpmft.msrp.client;

import java.io.IOException;

/** A transfer failed at the MSRP level: an error response or failure REPORT, or no answer in time. */
public class MsrpTransferException extends IOException {
    private final int status;

    public MsrpTransferException(int status, String message) {
        super(status > 0 ? status + " " + message : message);
        this.status = status;
    }

    /** The MSRP status code that ended the transfer, 0 when none was received. */
    public int status() {
        return status;
    }
}
