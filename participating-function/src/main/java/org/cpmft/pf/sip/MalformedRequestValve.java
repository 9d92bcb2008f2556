package org.cpmft.pf.sip;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.text.ParseException;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;

import javax.sip.SipStack;
import javax.sip.message.Response;

import gov.nist.javax.sip.SipStackImpl;
import gov.nist.javax.sip.header.HeaderFactoryImpl;
import gov.nist.javax.sip.header.To;
import gov.nist.javax.sip.header.Via;
import gov.nist.javax.sip.header.ViaList;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import gov.nist.javax.sip.stack.MessageChannel;
import gov.nist.javax.sip.stack.SIPMessageValve;

import org.cpmft.pf.cpm.header.Warning;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers the requests that {@link CheckingParserFactory} marked as malformed, statelessly and
 * before the stack creates a transaction (RFC 3261 8.2.6, 8.2.7): 400 Bad Request with a Warning
 * naming the problem, copying Via, From, To (with a To tag), Call-ID and CSeq where they were
 * readable; or nothing, when {@link RequestDefects} says so. Either way the request goes no further.
 * The ACK to such a 400 (recognised by its To tag) is absorbed here too.
 *
 * <p>From, To, Call-ID and CSeq are mandatory in responses too (RFC 3261 20, table 2), and a UAC
 * cannot match a response without them (SIPp, for one, takes a 400 without To for an unexpected
 * message): where the request had none readable, the 400 carries a stand-in that names no one
 * ({@code anonymous.invalid}, RFC 6761 6.4) and a CSeq {@code 0 <request method>}.
 *
 * <p>First of the stack's message valves ({@code gov.nist.javax.sip.SIP_MESSAGE_VALVE}), so that
 * later valves only see well-formed requests.
 */
public final class MalformedRequestValve implements SIPMessageValve {

    /** Stack property: the Server header value of the 400s (none when absent). */
    static final String SERVER_HEADER = "org.cpmft.pf.sip.MALFORMED_REQUEST_SERVER_HEADER";
    /** To tag prefix of the 400s: not hexadecimal, so no tag of the container's begins with it. */
    static final String TAG_PREFIX = "malformed";
    /** Stands in for an unreadable From or To (RFC 3261 8.1.1.3 uses the same domain for anonymity). */
    private static final String ANONYMOUS = "<sip:anonymous@anonymous.invalid>";
    private static final Logger LOG = LoggerFactory.getLogger(MalformedRequestValve.class);
    /** Process-wide, like {@link SessionCounts}: one SIP container per PF process. */
    private static final LongAdder REJECTED = new LongAdder();
    private static final LongAdder DROPPED = new LongAdder();

    private final HeaderFactoryImpl headers = new HeaderFactoryImpl();
    private volatile String server;
    private volatile long lastLogged;

    @Override
    public void init(SipStack stack) {
        String value = ((SipStackImpl) stack).getConfigurationProperties().getProperty(SERVER_HEADER);
        server = value == null || value.isBlank() ? null : value;
    }

    @Override
    public boolean processRequest(SIPRequest request, MessageChannel channel) {
        if (request.getApplicationData() instanceof MalformedRequest malformed) {
            if (malformed.verdict() instanceof RequestDefects.Verdict.Reject reject) {
                REJECTED.increment();
                answer(request, malformed, reject.warning(), channel);
            } else {
                DROPPED.increment();
                log("dropped a malformed request from {}: {}", channel, ((RequestDefects.Verdict.Drop) malformed.verdict()).why());
            }
            return false;
        }
        if ("ACK".equals(request.getMethod())) {
            String toTag = request.getToTag();
            return toTag == null || !toTag.startsWith(TAG_PREFIX);
        }
        return true;
    }

    /** Malformed requests answered 400 so far (retransmissions included). */
    public static long rejected() {
        return REJECTED.sum();
    }

    /** Malformed requests dropped without a response so far. */
    public static long dropped() {
        return DROPPED.sum();
    }

    private void answer(SIPRequest request, MalformedRequest malformed, String warning, MessageChannel channel) {
        try {
            SIPResponse response = new SIPResponse();
            response.setStatusCode(Response.BAD_REQUEST);
            response.setReasonPhrase("Bad Request");
            response.setHeader((ViaList) request.getViaHeaders().clone());
            response.setHeader(malformed.from() != null ? malformed.from() : headers.createHeader("From", ANONYMOUS));
            To to = malformed.to() != null ? (To) malformed.to().clone() : (To) headers.createHeader("To", ANONYMOUS);
            if (to.getTag() == null) {
                // The same tag for every retransmission of the request.
                to.setTag(TAG_PREFIX + Integer.toHexString(Objects.hash(malformed.callId(),
                        malformed.from() == null ? null : malformed.from().getTag(), request.getTopmostVia().getBranch())));
            }
            response.setHeader(to);
            response.setHeader(malformed.callId() != null ? malformed.callId() : headers.createHeader("Call-ID", "anonymous.invalid"));
            // RFC 3261 17.1.3: with the request's method the sender can match the response to its transaction.
            response.setHeader(malformed.cseq() != null ? malformed.cseq() : headers.createHeader("CSeq", "0 " + request.getMethod()));
            response.setHeader(headers.createHeader("Warning", Warning.miscellaneous(agent(channel), warning).headerValue()));
            if (server != null) {
                response.setHeader(headers.createHeader("Server", server));
            }
            send(response, request.getTopmostVia(), channel);
            log("400 to a malformed request from {}: {}", channel, warning);
        } catch (IOException | ParseException | RuntimeException e) {
            // Whatever happens, the request must not go on: the caller returns false.
            LOG.debug("400 to a malformed request from {} not sent: {}", channel.getPeerAddress(), e.toString());
        }
    }

    /**
     * RFC 3261 18.2.2: over a connection, back over it; over UDP to the received address (or the
     * sent-by host) and the rport (RFC 3581 4) or sent-by port. The stack set received and rport
     * on this Via when it took the datagram in.
     */
    private static void send(SIPResponse response, Via via, MessageChannel channel) throws IOException {
        if (channel.isReliable()) {
            channel.sendMessage(response);
            return;
        }
        InetSocketAddress target = udpTarget(via);
        channel.getMessageProcessor().createMessageChannel(target.getAddress(), target.getPort()).sendMessage(response);
    }

    /** Where a response to a datagram goes: received (or sent-by host), rport (or sent-by port, or 5060). */
    static InetSocketAddress udpTarget(Via via) throws IOException {
        String host = via.getReceived() != null ? via.getReceived() : via.getHost();
        int port = via.getRPort() > 0 ? via.getRPort() : via.getPort() > 0 ? via.getPort() : 5060;
        return new InetSocketAddress(InetAddress.getByName(host), port);
    }

    /** warn-agent (RFC 3261 20.43): the address the request came in on. */
    private static String agent(MessageChannel channel) {
        String host = channel.getHost();
        return host.indexOf(':') >= 0 ? "[" + host + "]" : host;
    }

    /** Debug for every request; at most one info line per 10 s, so that a flood does not flood the log. */
    private void log(String format, MessageChannel channel, String what) {
        String peer = channel.getPeerAddress() + ":" + channel.getPeerPacketSourcePort();
        long now = System.nanoTime();
        if (now - lastLogged > 10_000_000_000L) {
            lastLogged = now;
            LOG.info(format, peer, what);
        } else {
            LOG.debug(format, peer, what);
        }
    }

    @Override
    public boolean processResponse(Response response, MessageChannel channel) {
        return true;
    }

    @Override
    public void destroy() {
        server = null;
    }
}
