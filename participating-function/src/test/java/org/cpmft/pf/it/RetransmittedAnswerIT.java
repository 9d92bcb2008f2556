package org.cpmft.pf.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A far end whose 2xx is retransmitted after the PF's ACK (as when that ACK is lost): the PF ACKs every
 * retransmission again on the same dialog (RFC 3261 13.2.2.4), though its INVITE client transaction has
 * ended, so the response reaches the dialog layer by way of {@code StrayResponseValve}. The far end is a
 * plain UDP socket: SIPp takes the identical second ACK for a retransmission of the first and answers it
 * with its last message, in a loop.
 */
class RetransmittedAnswerIT {

    private static final Pattern VIA = Pattern.compile("(?m)^Via:[^\r\n]*");

    @Test
    void everyRetransmittedTwoHundredIsAckedAgain(@TempDir Path dir) throws Exception {
        try (PfUnderTest pf = new PfUnderTest(dir, Map.of("PF_SIP_TRUSTED_CORE", "127.0.0.1/32"));
             DatagramSocket far = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            far.setSoTimeout(10_000);
            Sipp sender = Sipp.scenario("conformance/c-push-orig.xml", "sender", dir).to("127.0.0.1:" + pf.sipPort)
                    .key("callee", "127.0.0.1:" + far.getLocalPort()).pause(Duration.ofSeconds(2)).start();

            Received invite = receive(far, "INVITE");
            byte[] ok = answer(invite.text(), far.getLocalPort()).getBytes(StandardCharsets.UTF_8);
            far.send(new DatagramPacket(ok, ok.length, invite.from()));
            Received ack = receive(far, "ACK");
            for (int retransmission = 1; retransmission <= 2; retransmission++) {
                far.send(new DatagramPacket(ok, ok.length, invite.from()));
                Received again = receive(far, "ACK");
                assertThat(again.text()).as("ACK to retransmission %d", retransmission).isEqualTo(ack.text());
            }
            Received bye = receive(far, "BYE");
            byte[] byeOk = response(bye.text(), "").getBytes(StandardCharsets.UTF_8);
            far.send(new DatagramPacket(byeOk, byeOk.length, bye.from()));

            assertThat(sender.awaitExit()).as("sender\n%s", sender.report()).isZero();
        }
    }

    private record Received(String text, SocketAddress from) {
    }

    /** The next request with this method; provisional responses and anything else are skipped. */
    private static Received receive(DatagramSocket socket, String method) throws Exception {
        byte[] buf = new byte[65_535];
        while (true) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            socket.receive(p);
            String text = new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8);
            if (text.startsWith(method + " ")) {
                return new Received(text, p.getSocketAddress());
            }
        }
    }

    private static String answer(String invite, int port) {
        String sdp = String.join("\r\n", "v=0", "o=bob 2890844656 2890844657 IN IP4 127.0.0.1", "s=-",
                "c=IN IP4 127.0.0.1", "t=0 0", "m=message 9 TCP/MSRP *", "a=accept-types:*",
                "a=file-selector:" + attribute(invite, "file-selector"),
                "a=file-transfer-id:" + attribute(invite, "file-transfer-id"), "a=recvonly",
                "a=path:msrp://127.0.0.1:9/bobre1;tcp", "");
        return response(invite, "Contact: <sip:bob@127.0.0.1:" + port + ">;+g.3gpp.icsi-ref=\""
                + "urn%3Aurn-7%3A3gpp-service.ims.icsi.oma.cpm.filetransfer\";"
                + "+sip.instance=\"<urn:gsma:imei:35999999-999999-0>\"\r\n"
                + "Content-Type: application/sdp\r\nContent-Length: " + sdp.length() + "\r\n\r\n" + sdp);
    }

    /** 200 OK to the request, with a To tag; {@code rest} is the remaining headers and body (or none). */
    private static String response(String request, String rest) {
        StringBuilder r = new StringBuilder("SIP/2.0 200 OK\r\n");
        Matcher via = VIA.matcher(request);
        while (via.find()) {
            r.append(via.group()).append("\r\n");
        }
        r.append(header(request, "From")).append("\r\n");
        String to = header(request, "To");
        r.append(to.contains(";tag=") ? to : to + ";tag=far1").append("\r\n");
        r.append(header(request, "Call-ID")).append("\r\n");
        r.append(header(request, "CSeq")).append("\r\n");
        return r.append(rest.isEmpty() ? "Content-Length: 0\r\n\r\n" : rest).toString();
    }

    private static String header(String message, String name) {
        Matcher m = Pattern.compile("(?mi)^" + Pattern.quote(name) + ":[^\r\n]*").matcher(message);
        assertThat(m.find()).as("%s in\n%s", name, message).isTrue();
        return m.group();
    }

    private static String attribute(String message, String name) {
        Matcher m = Pattern.compile("(?m)^a=" + Pattern.quote(name) + ":([^\r\n]*)").matcher(message);
        assertThat(m.find()).as("a=%s in\n%s", name, message).isTrue();
        return m.group(1);
    }
}
