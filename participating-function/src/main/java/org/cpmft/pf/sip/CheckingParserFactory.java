package org.cpmft.pf.sip;

import java.text.ParseException;
import java.util.Locale;

import gov.nist.javax.sip.header.CSeq;
import gov.nist.javax.sip.header.CallID;
import gov.nist.javax.sip.header.ContentLength;
import gov.nist.javax.sip.header.From;
import gov.nist.javax.sip.header.HeaderFactoryImpl;
import gov.nist.javax.sip.header.RequestLine;
import gov.nist.javax.sip.header.To;
import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.parser.MessageParser;
import gov.nist.javax.sip.parser.MessageParserFactory;
import gov.nist.javax.sip.parser.ParseExceptionListener;
import gov.nist.javax.sip.parser.RequestLineParser;
import gov.nist.javax.sip.parser.StringMsgParserFactory;
import gov.nist.javax.sip.stack.MessageChannel;
import gov.nist.javax.sip.stack.SIPTransactionStack;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stack's own message parser ({@code gov.nist.javax.sip.MESSAGE_PARSER_FACTORY}) with
 * {@link RequestDefects} applied to every request received from the network (UDP datagrams and
 * TCP streams alike: the listener the stack passes is then the receiving channel).
 *
 * <p>Left alone, the stack answers a request with an unparseable To, From, CSeq, Call-ID or Via
 * with a 400 whose reason phrase holds the parser's message (line feed included), passes other
 * unparseable header fields on as "unparsed", and drops requests missing a mandatory header field
 * without a word. Here the parser reports each unparseable line to {@link RequestDefects} instead;
 * a request it refuses gets a {@link MalformedRequest} attached and stand-ins for what is missing,
 * so that the stack carries it as far as the message valves (setting Via received/rport and, on
 * TCP, adopting the connection for responses) and {@link MalformedRequestValve} answers or drops
 * it there, before any transaction, dialog or application session exists. Responses and messages
 * parsed for other purposes (no channel) go through the stack's parser untouched.
 */
public final class CheckingParserFactory implements MessageParserFactory {

    private static final Logger LOG = LoggerFactory.getLogger(CheckingParserFactory.class);
    /** RFC 6761 6.4: a name that never resolves, for the stand-in header fields. */
    private static final String NOWHERE = "malformed.invalid";

    @Override
    public MessageParser createMessageParser(SIPTransactionStack stack) {
        MessageParser parser = new StringMsgParserFactory().createMessageParser(stack);
        // Stand-ins must never go past the valve: without it, parse as the stack would.
        if (stack.sipMessageValves == null
                || stack.sipMessageValves.stream().noneMatch(MalformedRequestValve.class::isInstance)) {
            LOG.error("{} is not among the SIP message valves: malformed requests are left to the stack",
                    MalformedRequestValve.class.getName());
            return parser;
        }
        return new CheckingParser(parser);
    }

    static final class CheckingParser implements MessageParser {

        private final MessageParser parser;
        private final HeaderFactoryImpl headers = new HeaderFactoryImpl();

        CheckingParser(MessageParser parser) {
            this.parser = parser;
        }

        @Override
        public SIPMessage parseSIPMessage(byte[] bytes, boolean readBody, boolean strict, ParseExceptionListener listener)
                throws ParseException {
            if (!(listener instanceof MessageChannel channel) || isResponse(bytes)) {
                return parser.parseSIPMessage(bytes, readBody, strict, listener);
            }
            RequestDefects defects = new RequestDefects();
            SIPMessage message;
            try {
                message = parser.parseSIPMessage(bytes, readBody, strict, recorder(defects));
            } catch (ParseException bodyProblem) {
                if (!readBody) {
                    throw bodyProblem;
                }
                // A whole datagram: what failed is the body (e.g. shorter than Content-Length); read the headers alone.
                defects = new RequestDefects();
                message = parser.parseSIPMessage(bytes, false, strict, recorder(defects));
                ContentLength length = message == null ? null : (ContentLength) message.getContentLength();
                if (length != null && length.getContentLength() > RequestDefects.bodyLength(bytes)) {
                    defects.contentLongerThanBody();
                }
                if (!(message instanceof SIPRequest) || defects.verdict() instanceof RequestDefects.Verdict.Accept) {
                    throw bodyProblem;
                }
            }
            if (!(message instanceof SIPRequest request)) {
                return message;
            }
            if (request.getRequestLine() != null) {
                defects.method(request.getMethod());
            }
            From from = (From) request.getFrom();
            To to = (To) request.getTo();
            CallID callId = (CallID) request.getCallId();
            CSeq cseq = (CSeq) request.getCSeq();
            note(defects, "To", to);
            note(defects, "From", from);
            note(defects, "CSeq", cseq);
            note(defects, "Call-ID", callId);
            note(defects, "Via", request.getTopmostVia());
            if (cseq != null) {
                defects.cseqMethod(cseq.getMethod());
            }
            RequestDefects.Verdict verdict = defects.verdict();
            if (verdict instanceof RequestDefects.Verdict.Accept) {
                return request;
            }
            request.setApplicationData(new MalformedRequest(verdict, from, to, callId, cseq));
            standIns(request, defects.method(), channel);
            return request;
        }

        /** What the stack checks before the valves see the request: a Request-Line, a CSeq of its method, To, From, Call-ID, Via. */
        private void standIns(SIPRequest request, String method, MessageChannel channel) throws ParseException {
            if (request.getRequestLine() == null) {
                String m = method != null ? method : request.getCSeq() != null ? request.getCSeq().getMethod() : "OPTIONS";
                request.setRequestLine(new RequestLineParser(m + " sip:" + NOWHERE + " SIP/2.0\n").parse());
            }
            if (request.getCSeq() == null || !request.getCSeq().getMethod().equals(request.getMethod())) {
                request.setHeader(headers.createHeader("CSeq", "1 " + request.getMethod()));
            }
            if (request.getFrom() == null) {
                request.setHeader(headers.createHeader("From", "<sip:" + NOWHERE + ">;tag=malformed"));
            }
            if (request.getTo() == null) {
                request.setHeader(headers.createHeader("To", "<sip:" + NOWHERE + ">"));
            }
            if (request.getCallId() == null) {
                request.setHeader(headers.createHeader("Call-ID", NOWHERE));
            }
            if (request.getTopmostVia() == null) {
                // The peer itself, so that a TCP channel records nothing false about it; no response goes there.
                String peer = channel.getPeerAddress();
                request.setHeader(headers.createHeader("Via", "SIP/2.0/" + channel.getTransport().toUpperCase(Locale.ROOT)
                        + " " + (peer.indexOf(':') >= 0 ? "[" + peer + "]" : peer) + ";branch=z9hG4bKmalformed"));
            }
        }

        private static void note(RequestDefects defects, String name, Object header) {
            if (header != null) {
                defects.present(name);
            }
        }

        private static ParseExceptionListener recorder(RequestDefects defects) {
            return (ex, message, headerClass, header, raw) -> {
                if (headerClass == RequestLine.class) {
                    defects.requestLineMalformed(header);
                } else {
                    defects.malformedHeader(header);
                }
            };
        }

        /** A status line first (after the CRLFs the stack skips): the stack's own handling applies. */
        private static boolean isResponse(byte[] bytes) {
            int i = 0;
            while (i < bytes.length && (bytes[i] == '\r' || bytes[i] == '\n')) {
                i++;
            }
            return bytes.length - i >= 4 && bytes[i] == 'S' && bytes[i + 1] == 'I' && bytes[i + 2] == 'P'
                    && bytes[i + 3] == '/';
        }
    }
}
