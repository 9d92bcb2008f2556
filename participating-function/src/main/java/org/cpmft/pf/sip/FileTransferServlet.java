package org.cpmft.pf.sip;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import javax.servlet.ServletException;
import javax.servlet.sip.B2buaHelper;
import javax.servlet.sip.ServletParseException;
import javax.servlet.sip.SipServlet;
import javax.servlet.sip.SipServletMessage;
import javax.servlet.sip.SipServletRequest;
import javax.servlet.sip.SipServletResponse;
import javax.servlet.sip.SipSession;
import javax.servlet.sip.UAMode;

import org.cpmft.pf.media.MediaAnchoring;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PF as a back-to-back user agent for CPM File Transfer sessions (OMA CPM 8.2.3 originating,
 * 8.3.3 terminating). A thin adapter: it moves messages between the two legs and asks
 * {@link MediaAnchoring} to put the MSRP relay into the SDP.
 */
public class FileTransferServlet extends SipServlet {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(FileTransferServlet.class);
    static final String ANCHOR = "cpm.ft.anchor";
    private static final String SDP = "application/sdp";

    /** Headers the container owns or the B2BUA must not copy between legs (JSR 289 5.4.2). */
    private static final Set<String> NOT_COPIED = Set.of("via", "from", "to", "call-id", "cseq",
            "contact", "record-route", "route", "path", "content-length", "content-type",
            "max-forwards", "rack", "rseq", "server", "user-agent", "allow", "supported", "require");

    private transient PfServices services;

    @Override
    public void init() throws ServletException {
        services = PfServices.get();
    }

    @Override
    protected void doInvite(SipServletRequest req) throws ServletException, IOException {
        if (!req.isInitial()) {
            forwardInDialog(req);
            return;
        }
        if (!FileTransferFilter.isFileTransfer(req)) {
            reject(req, 403, "399 " + localHost(req) + " \"Not a CPM File Transfer request\"");
            return;
        }
        String offer = bodyText(req);
        MediaAnchoring.Anchor anchor;
        try {
            anchor = services.media().anchorOffer(offer);
        } catch (IllegalArgumentException e) {
            reject(req, 488, "399 " + localHost(req) + " \"" + e.getMessage().replace('"', '\'') + "\"");
            return;
        }
        B2buaHelper helper = req.getB2buaHelper();
        SipServletRequest out;
        try {
            out = helper.createRequest(req, true, Map.of());
            ContactFeatureTags.copy(req, out);
        } catch (RuntimeException | ServletParseException e) {
            anchor.release();
            throw e;
        }
        out.setContent(anchor.forwardedOffer().getBytes(StandardCharsets.UTF_8), SDP);
        req.getApplicationSession().setAttribute(ANCHOR, anchor);
        out.send();
    }

    @Override
    protected void doAck(SipServletRequest req) throws ServletException, IOException {
        SipSession linked = req.getB2buaHelper().getLinkedSession(req.getSession());
        if (linked == null) {
            return;
        }
        for (SipServletMessage m : req.getB2buaHelper().getPendingMessages(linked, UAMode.UAC)) {
            if (m instanceof SipServletResponse r && "INVITE".equals(r.getMethod())
                    && r.getStatus() >= 200 && r.getStatus() < 300) {
                SipServletRequest ack = r.createAck();
                if (req.getContentLength() > 0) {
                    ack.setContent(req.getRawContent(), req.getContentType());
                }
                ack.send();
            }
        }
    }

    @Override
    protected void doBye(SipServletRequest req) throws ServletException, IOException {
        releaseAnchor(req.getSession());
        forwardInDialog(req);
    }

    @Override
    protected void doCancel(SipServletRequest req) throws ServletException, IOException {
        B2buaHelper helper = req.getB2buaHelper();
        SipSession linked = helper.getLinkedSession(req.getSession());
        releaseAnchor(req.getSession());
        if (linked == null) {
            return;
        }
        SipServletRequest cancel = helper.createCancel(linked);
        // RFC 3326: the Reason (e.g. "Call completed elsewhere") travels with the CANCEL.
        Iterator<String> reasons = req.getHeaders("Reason");
        while (reasons.hasNext()) {
            cancel.addHeader("Reason", reasons.next());
        }
        cancel.send();
    }

    @Override
    protected void doRequest(SipServletRequest req) throws ServletException, IOException {
        String m = req.getMethod();
        if ("INVITE".equals(m) || "ACK".equals(m) || "BYE".equals(m) || "CANCEL".equals(m) || req.isInitial()) {
            super.doRequest(req);
        } else {
            forwardInDialog(req);
        }
    }

    @Override
    protected void doResponse(SipServletResponse resp) throws ServletException, IOException {
        if (resp.getStatus() == 100) {
            return;
        }
        if ("CANCEL".equals(resp.getMethod())) {
            return;
        }
        if ("INVITE".equals(resp.getMethod())) {
            relayInviteResponse(resp);
            return;
        }
        SipServletRequest upstream = resp.getRequest().getB2buaHelper()
                .getLinkedSipServletRequest(resp.getRequest());
        if (upstream == null) {
            return;
        }
        SipServletResponse out = upstream.createResponse(resp.getStatus(), resp.getReasonPhrase());
        copyHeaders(resp, out);
        copyBody(resp, out);
        out.send();
    }

    private void relayInviteResponse(SipServletResponse resp) throws IOException {
        B2buaHelper helper = resp.getRequest().getB2buaHelper();
        SipSession upstreamSession = helper.getLinkedSession(resp.getSession());
        if (upstreamSession == null) {
            if (resp.getStatus() >= 200 && resp.getStatus() < 300) {
                // A 2xx from a fork the sender no longer waits for: end that dialog (RFC 3261 13.2.2.4).
                resp.createAck().send();
                resp.getSession().createRequest("BYE").send();
            }
            return;
        }
        SipServletResponse out = helper.createResponseToOriginalRequest(upstreamSession,
                resp.getStatus(), resp.getReasonPhrase());
        copyHeaders(resp, out);
        out.setHeader("Server", services.serverHeader());
        MediaAnchoring.Anchor anchor = (MediaAnchoring.Anchor) resp.getApplicationSession().getAttribute(ANCHOR);
        if (resp.getStatus() >= 200 && resp.getStatus() < 300 && anchor != null && resp.getContentLength() > 0) {
            String answer;
            try {
                answer = anchor.anchorAnswer(bodyText(resp));
            } catch (IllegalArgumentException e) {
                LOG.warn("unusable SDP answer from {}: {}", resp.getRemoteAddr(), e.getMessage());
                resp.createAck().send();
                resp.getSession().createRequest("BYE").send();
                SipServletResponse failure = helper.createResponseToOriginalRequest(upstreamSession, 488, "Not Acceptable Here");
                failure.setHeader("Warning", "399 " + localHost(resp) + " \"Unusable SDP answer: "
                        + e.getMessage().replace('"', '\'') + "\"");
                failure.send();
                anchor.release();
                return;
            }
            out.setContent(answer.getBytes(StandardCharsets.UTF_8), SDP);
        } else {
            copyBody(resp, out);
        }
        if (resp.getStatus() >= 300 && anchor != null) {
            anchor.release();
        }
        out.send();
    }

    private void forwardInDialog(SipServletRequest req) throws IOException {
        B2buaHelper helper = req.getB2buaHelper();
        SipSession linked = helper.getLinkedSession(req.getSession());
        if (linked == null || !linked.isValid()) {
            SipServletResponse r = req.createResponse(481, "Call/Transaction Does Not Exist");
            r.setHeader("Server", services.serverHeader());
            r.send();
            return;
        }
        SipServletRequest out = helper.createRequest(linked, req, null);
        copyBody(req, out);
        out.send();
    }

    private void releaseAnchor(SipSession session) {
        MediaAnchoring.Anchor anchor = (MediaAnchoring.Anchor) session.getApplicationSession().getAttribute(ANCHOR);
        if (anchor != null) {
            anchor.release();
            session.getApplicationSession().removeAttribute(ANCHOR);
        }
    }

    private static void copyHeaders(SipServletMessage from, SipServletMessage to) {
        for (Iterator<String> names = from.getHeaderNames(); names.hasNext(); ) {
            String name = names.next();
            if (NOT_COPIED.contains(name.toLowerCase(Locale.ROOT))) {
                continue;
            }
            to.removeHeader(name);
            for (Iterator<String> values = from.getHeaders(name); values.hasNext(); ) {
                to.addHeader(name, values.next());
            }
        }
    }

    private static void copyBody(SipServletMessage from, SipServletMessage to) throws IOException {
        if (from.getContentLength() > 0 && from.getRawContent() != null) {
            to.setContent(from.getRawContent(), from.getContentType());
        }
    }

    private void reject(SipServletRequest req, int status, String warning) throws IOException {
        SipServletResponse r = req.createResponse(status);
        if (warning != null) {
            r.setHeader("Warning", warning);
        }
        r.setHeader("Server", services.serverHeader());
        r.send();
    }

    private static String bodyText(SipServletMessage m) throws IOException {
        byte[] raw = m.getRawContent();
        return raw == null ? "" : new String(raw, StandardCharsets.UTF_8);
    }

    private static String localHost(SipServletMessage m) {
        String addr = m.getLocalAddr();
        return addr == null ? "pf" : addr;
    }
}
