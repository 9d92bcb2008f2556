package org.cpmft.pf.sip;

import java.util.Objects;

import org.cpmft.pf.media.MediaAnchoring;

/**
 * What the servlet needs from the rest of the process. The container instantiates the servlet
 * itself, so the process publishes its services here before deploying the application.
 */
public record PfServices(MediaAnchoring media, String serverHeader) {

    private static volatile PfServices current;

    public static void publish(PfServices services) {
        current = Objects.requireNonNull(services);
    }

    static PfServices get() {
        PfServices s = current;
        if (s == null) {
            throw new IllegalStateException("PfServices not published before the SIP application started");
        }
        return s;
    }
}
