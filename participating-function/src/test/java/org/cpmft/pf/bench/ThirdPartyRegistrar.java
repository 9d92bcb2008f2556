package org.cpmft.pf.bench;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The S-CSCF side of the benchmarks: sends third-party REGISTERs (3GPP TS 24.229 5.4.1.7) to the
 * PF over UDP on 127.0.0.1, the UE's REGISTER in a message/sip body with its Contact and
 * +sip.instance, and records when each was sent and when its 200 came back (wall clock,
 * microseconds). Retransmits like a UAC over UDP (RFC 3261 17.1.2.1, T1 = 500 ms, doubling) until a
 * final response or 4 retransmissions.
 */
final class ThirdPartyRegistrar implements AutoCloseable {
    /** One user's REGISTER transaction. */
    static final class Registration {
        final String user;
        final String callId;
        final byte[] bytes;
        final long sentAtMicros;
        volatile long answeredAtMicros;
        volatile int status;
        volatile int retransmissions;

        Registration(String user, String callId, byte[] bytes, long sentAtMicros) {
            this.user = user;
            this.callId = callId;
            this.bytes = bytes;
            this.sentAtMicros = sentAtMicros;
        }
    }

    private final DatagramSocket socket;
    private final InetSocketAddress pf;
    private final Map<String, Registration> byCallId = new ConcurrentHashMap<>();
    private final Thread receiver;
    private final Thread retransmitter;
    private final AtomicInteger cseq = new AtomicInteger();
    private volatile boolean closed;

    ThirdPartyRegistrar(int pfSipPort) throws SocketException {
        socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        socket.setReceiveBufferSize(4 * 1024 * 1024);
        socket.setSoTimeout(200);
        pf = new InetSocketAddress(InetAddress.getLoopbackAddress(), pfSipPort);
        receiver = new Thread(this::receive, "registrar-receiver");
        receiver.setDaemon(true);
        receiver.start();
        retransmitter = new Thread(this::retransmit, "registrar-retransmitter");
        retransmitter.setDaemon(true);
        retransmitter.start();
    }

    /**
     * Sends the third-party REGISTER of {@code user} (e.g. {@code sip:u00001@bench.example}) for the
     * device {@code instance} (a +sip.instance URN).
     */
    Registration register(String user, String instance, int expires) throws IOException {
        String local = "127.0.0.1:" + socket.getLocalPort();
        String callId = UUID.randomUUID() + "@127.0.0.1";
        int n = cseq.incrementAndGet();
        String ue = "REGISTER sip:bench.example SIP/2.0\r\n"
                + "Via: SIP/2.0/TCP 192.0.2.10:5060;branch=z9hG4bK-ue-" + n + "\r\n"
                + "From: <" + user + ">;tag=ue" + n + "\r\n"
                + "To: <" + user + ">\r\n"
                + "Call-ID: ue-" + callId + "\r\n"
                + "CSeq: 1 REGISTER\r\n"
                + "Contact: <sip:device@192.0.2.10:5060;transport=tcp>;+sip.instance=\"<" + instance + ">\";"
                + "+g.3gpp.icsi-ref=\"urn%3Aurn-7%3A3gpp-service.ims.icsi.oma.cpm.filetransfer\";expires=" + expires
                + "\r\n"
                + "Expires: " + expires + "\r\n"
                + "Content-Length: 0\r\n\r\n";
        byte[] body = ue.getBytes(StandardCharsets.UTF_8);
        String head = "REGISTER sip:" + pf.getHostString() + ":" + pf.getPort() + " SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP " + local + ";branch=z9hG4bK" + UUID.randomUUID().toString().replace("-", "") + "\r\n"
                + "From: <sip:scscf@127.0.0.1>;tag=s" + n + "\r\n"
                + "To: <" + user + ">\r\n"
                + "Call-ID: " + callId + "\r\n"
                + "CSeq: 1 REGISTER\r\n"
                + "Contact: <sip:scscf@" + local + ">\r\n"
                + "Expires: " + expires + "\r\n"
                + "Max-Forwards: 70\r\n"
                + "Content-Type: message/sip\r\n"
                + "Content-Length: " + body.length + "\r\n\r\n";
        byte[] head8 = head.getBytes(StandardCharsets.UTF_8);
        byte[] bytes = new byte[head8.length + body.length];
        System.arraycopy(head8, 0, bytes, 0, head8.length);
        System.arraycopy(body, 0, bytes, head8.length, body.length);
        Registration r = new Registration(user, callId, bytes, WallClock.micros());
        byCallId.put(callId, r);
        socket.send(new DatagramPacket(bytes, bytes.length, pf));
        return r;
    }

    private void receive() {
        byte[] buf = new byte[65536];
        while (!closed) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                socket.receive(p);
            } catch (SocketTimeoutException idle) {
                continue;
            } catch (IOException e) {
                return;
            }
            long at = WallClock.micros();
            String msg = new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8);
            if (!msg.startsWith("SIP/2.0 ")) {
                continue;
            }
            int status = Integer.parseInt(msg.substring(8, 11));
            String callId = header(msg, "Call-ID", "i");
            Registration r = callId == null ? null : byCallId.get(callId);
            if (r != null && status >= 200 && r.status == 0) {
                r.answeredAtMicros = at;
                r.status = status;
            }
        }
    }

    private static String header(String msg, String name, String compact) {
        for (String line : msg.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                String h = line.substring(0, colon).trim();
                if (h.equalsIgnoreCase(name) || h.equalsIgnoreCase(compact)) {
                    return line.substring(colon + 1).trim();
                }
            }
        }
        return null;
    }

    private void retransmit() {
        while (!closed) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                return;
            }
            long now = WallClock.micros();
            for (Registration r : byCallId.values()) {
                // RFC 3261 17.1.2.2 timer E: 500 ms, 1 s, 2 s, 4 s after the first sending
                if (r.status == 0 && r.retransmissions < 4
                        && now - r.sentAtMicros >= 500_000L * ((1L << (r.retransmissions + 1)) - 1)) {
                    r.retransmissions++;
                    try {
                        socket.send(new DatagramPacket(r.bytes, r.bytes.length, pf));
                    } catch (IOException e) {
                        return;
                    }
                }
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        closed = true;
        receiver.join(2000);
        retransmitter.join(2000);
        socket.close();
    }
}
