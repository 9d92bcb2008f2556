package org.cpmft.pf.bench;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;

/** Ports of 127.0.0.1 free for both TCP and UDP, never handed out twice in one run. */
final class BenchPorts {
    private static final Set<Integer> GIVEN = new HashSet<>();

    private BenchPorts() {
    }

    static synchronized int next() {
        for (int attempt = 0; attempt < 200; attempt++) {
            int port;
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                port = s.getLocalPort();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            if (!GIVEN.contains(port)) {
                try (DatagramSocket d = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), port))) {
                    GIVEN.add(port);
                    return port;
                } catch (IOException busyForUdp) {
                    // try another
                }
            }
        }
        throw new IllegalStateException("no free port on 127.0.0.1");
    }
}
