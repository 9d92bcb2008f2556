package org.cpmft.msrp.relay;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/** A plain TCP client for hand-written MSRP frames; reads are bounded by a socket timeout. */
final class RawMsrpSocket implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;
    private final ByteArrayOutputStream received = new ByteArrayOutputStream();

    RawMsrpSocket(int port) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(5000);
        in = socket.getInputStream();
    }

    void send(String frame) throws IOException {
        socket.getOutputStream().write(frame.getBytes(StandardCharsets.UTF_8));
        socket.getOutputStream().flush();
    }

    /** Reads until the end-line of {@code tid} has arrived; returns everything read so far. */
    String readUntilEndOf(String tid) throws IOException {
        String marker = "-------" + tid;
        return readUntil(text -> {
            int at = text.indexOf(marker);
            return at >= 0 && text.indexOf("\r\n", at) > 0;
        });
    }

    /** Reads until {@code done} accepts what was received (bounded by the socket timeout). */
    String readUntil(java.util.function.Predicate<String> done) throws IOException {
        byte[] buf = new byte[4096];
        while (true) {
            String text = received.toString(StandardCharsets.UTF_8);
            if (done.test(text)) {
                return text;
            }
            int n = in.read(buf);
            if (n < 0) {
                return text;
            }
            received.write(buf, 0, n);
        }
    }

    /** @return true when the peer closed the connection within the socket timeout */
    boolean closedByPeer() throws IOException {
        byte[] buf = new byte[4096];
        try {
            while (true) {
                int n = in.read(buf);
                if (n < 0) {
                    return true;
                }
                received.write(buf, 0, n);
            }
        } catch (SocketTimeoutException e) {
            return false;
        }
    }

    String received() {
        return received.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    static String send(String tid, String toPath, String fromPath, String extraHeaders, String body) {
        StringBuilder sb = new StringBuilder("MSRP ").append(tid).append(" SEND\r\n")
                .append("To-Path: ").append(toPath).append("\r\n")
                .append("From-Path: ").append(fromPath).append("\r\n")
                .append("Message-ID: m-").append(tid).append("\r\n")
                .append(extraHeaders);
        if (body == null) {
            sb.append("Byte-Range: 1-0/0\r\n");
        } else {
            sb.append("Byte-Range: 1-").append(body.length()).append('/').append(body.length()).append("\r\n")
                    .append("Content-Type: text/plain\r\n\r\n").append(body).append("\r\n");
        }
        return sb.append("-------").append(tid).append("$\r\n").toString();
    }
}
