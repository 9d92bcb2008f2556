package org.cpmft.pf.sip;

import gov.nist.javax.sip.header.CSeq;
import gov.nist.javax.sip.header.CallID;
import gov.nist.javax.sip.header.From;
import gov.nist.javax.sip.header.To;

/**
 * Attached by {@link CheckingParserFactory} (as the message's application data) to a request that
 * {@link RequestDefects} refused: the verdict and the header fields as received, each null when it
 * was missing or unreadable. The request itself then carries stand-ins for them, only so that the
 * stack hands it to {@link MalformedRequestValve}, which answers or drops it.
 */
record MalformedRequest(RequestDefects.Verdict verdict, From from, To to, CallID callId, CSeq cseq) {
}
