package org.cpmft.pf.config;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

class PortsTest {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    @Test
    void aListeningTcpPortIsReportedInOneLine() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, LOOPBACK)) {
            int port = taken.getLocalPort();
            assertThatThrownBy(() -> Ports.ensureFree("127.0.0.1", port, Transport.TCP))
                    .isInstanceOf(PortUnavailableException.class)
                    .hasMessageStartingWith("tcp 127.0.0.1:" + port + " is not available: ")
                    .satisfies(e -> org.assertj.core.api.Assertions.assertThat(e.getMessage()).doesNotContain("\n"));
        }
    }

    @Test
    void aBoundUdpPortIsReported() throws Exception {
        try (DatagramSocket taken = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
            int port = taken.getLocalPort();
            assertThatThrownBy(() -> Ports.ensureFree("127.0.0.1", port, Transport.UDP))
                    .isInstanceOf(PortUnavailableException.class)
                    .hasMessageStartingWith("udp 127.0.0.1:" + port + " is not available: ");
        }
    }

    @Test
    void aFreePortPassesAndStaysFree() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, LOOPBACK)) {
            port = probe.getLocalPort();
        }
        assertThatCode(() -> Ports.ensureFree("127.0.0.1", port, Transport.TCP)).doesNotThrowAnyException();
        assertThatCode(() -> Ports.ensureFree("127.0.0.1", port, Transport.TCP)).as("released after the check")
                .doesNotThrowAnyException();
        try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
            int udp = probe.getLocalPort();
            probe.close();
            assertThatCode(() -> Ports.ensureFree("127.0.0.1", udp, Transport.UDP)).doesNotThrowAnyException();
        }
    }

    @Test
    void anAddressThatIsNotLocalIsReported() {
        // 192.0.2.0/24 is TEST-NET-1 (RFC 5737): never assigned to this host.
        assertThatThrownBy(() -> Ports.ensureFree("192.0.2.1", 5060, Transport.TCP))
                .isInstanceOf(PortUnavailableException.class)
                .hasMessageStartingWith("tcp 192.0.2.1:5060 is not available: ");
    }
}
