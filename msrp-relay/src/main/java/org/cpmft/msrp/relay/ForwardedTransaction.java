package org.cpmft.msrp.relay;

import org.cpmft.msrp.message.FailureReport;
import org.cpmft.msrp.message.MsrpHeaderNames;
import org.cpmft.msrp.message.MsrpHeaders;
import org.cpmft.msrp.message.MsrpRequestHead;
import org.cpmft.msrp.message.MsrpResponseHead;
import org.cpmft.msrp.message.MsrpStatusHeader;
import org.cpmft.msrp.message.TransactionIds;

/**
 * A SEND relayed to the far leg under a new transaction id; maps the far end's response back to the
 * sender's transaction id, hop by hop, and turns a missing response into what RFC 4975 section 7.1.2
 * asks for given the sender's Failure-Report.
 */
final class ForwardedTransaction implements TransactionListener {
    private final RelayConnection origin;
    private final RelayLeg originLeg;
    private final MsrpRequestHead request;
    private final FailureReport failureReport;
    private final RelayMetrics metrics;

    ForwardedTransaction(RelayConnection origin, RelayLeg originLeg, MsrpRequestHead request, RelayMetrics metrics) {
        this.origin = origin;
        this.originLeg = originLeg;
        this.request = request;
        this.failureReport = request.failureReport();
        this.metrics = metrics;
    }

    @Override
    public void onResponse(MsrpResponseHead response) {
        metrics.response(response.statusCode(), "relayed");
        if (failureReport == FailureReport.NO || (failureReport == FailureReport.PARTIAL && response.isSuccess())) {
            return;
        }
        MsrpHeaders h = new MsrpHeaders()
                .add(MsrpHeaderNames.TO_PATH, request.headers().get(MsrpHeaderNames.FROM_PATH))
                .add(MsrpHeaderNames.FROM_PATH, originLeg.localPath().format());
        origin.sendLocalRelayed(new MsrpResponseHead(request.transactionId(), response.statusCode(),
                response.comment(), h));
    }

    @Override
    public void onFailure(int status, String reason) {
        metrics.error(status == 408 ? "peer_timeout" : "peer_lost");
        if (failureReport == FailureReport.YES) {
            origin.sendLocal(MsrpResponseHead.answer(request, status, originLeg.localPath()), null);
        } else if (failureReport == FailureReport.PARTIAL) {
            origin.sendLocal(failureReport(request, originLeg, status, reason), null);
        }
    }

    /** REPORT telling the sender that this chunk was not delivered (RFC 4975 section 7.1.2). */
    static MsrpRequestHead failureReport(MsrpRequestHead request, RelayLeg originLeg, int status, String reason) {
        MsrpHeaders h = new MsrpHeaders()
                .add(MsrpHeaderNames.TO_PATH, request.headers().get(MsrpHeaderNames.FROM_PATH))
                .add(MsrpHeaderNames.FROM_PATH, originLeg.localPath().format());
        if (request.messageId() != null) {
            h.add(MsrpHeaderNames.MESSAGE_ID, request.messageId());
        }
        String range = request.headers().get(MsrpHeaderNames.BYTE_RANGE);
        if (range != null) {
            h.add(MsrpHeaderNames.BYTE_RANGE, range);
        }
        h.add(MsrpHeaderNames.STATUS, new MsrpStatusHeader(MsrpStatusHeader.DEFAULT_NAMESPACE, status, reason).format());
        return new MsrpRequestHead(TransactionIds.next(), MsrpRequestHead.REPORT, h, false);
    }

    @Override
    public boolean expectsResponse() {
        return failureReport == FailureReport.YES;
    }
}
