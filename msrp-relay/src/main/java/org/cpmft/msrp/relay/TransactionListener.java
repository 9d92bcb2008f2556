package org.cpmft.msrp.relay;

import org.cpmft.msrp.message.MsrpResponseHead;

/** Outcome of a request the relay sent on one connection. Called on that connection's event loop. */
interface TransactionListener {
    void onResponse(MsrpResponseHead response);

    /** No response will come: {@code status} 408 on timeout, 481 when the connection was lost. */
    void onFailure(int status, String reason);

    /** Whether a success response is expected, i.e. the timeout is a failure (Failure-Report yes). */
    boolean expectsResponse();
}
