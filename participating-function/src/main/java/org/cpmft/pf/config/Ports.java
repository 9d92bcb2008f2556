package org.cpmft.pf.config;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * Checks that a listening address can be bound before handing it to a component that would only
 * log the failure (the SIP container does). The check is a bind-and-release, so another process
 * can still take the port in between; it is meant to turn the common mistake, a second instance
 * or another server on the same port, into a clear start-up error.
 */
public final class Ports {

    private Ports() {
    }

    /** @throws PortUnavailableException when {@code host:port} cannot be bound for {@code transport} */
    public static void ensureFree(String host, int port, Transport transport) {
        String where = transport.token() + " " + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
        if (port < 0 || port > 65535) {
            throw new PortUnavailableException(where + ": not a port number", null);
        }
        InetSocketAddress address = new InetSocketAddress(host, port);
        if (address.isUnresolved()) {
            throw new PortUnavailableException(where + ": host '" + host + "' does not resolve", null);
        }
        try {
            if (transport == Transport.TCP) {
                try (ServerSocket socket = new ServerSocket()) {
                    // As a real server would: a socket in TIME_WAIT does not make the port busy,
                    // a listening one does.
                    socket.setReuseAddress(true);
                    socket.bind(address);
                }
            } else {
                try (DatagramSocket socket = new DatagramSocket(null)) {
                    // Without this a UDP port shared via SO_REUSEADDR would look free.
                    socket.setReuseAddress(false);
                    socket.bind(address);
                }
            }
        } catch (IOException e) {
            throw new PortUnavailableException(where + " is not available: " + e.getMessage(), e);
        }
    }
}
