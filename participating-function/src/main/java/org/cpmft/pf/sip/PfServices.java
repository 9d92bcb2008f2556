package org.cpmft.pf.sip;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;
import java.util.function.Supplier;

import javax.servlet.sip.SipServletRequest;

import org.cpmft.pf.cpm.policy.InviteAnalyzer;
import org.cpmft.pf.cpm.role.RoleResolver;
import org.cpmft.pf.media.MediaAnchoring;
import org.cpmft.pf.media.TransferDeferral;

/**
 * What the servlet needs from the rest of the process. The container instantiates the servlet
 * itself, so the process publishes its services here before deploying the application.
 *
 * @param analyzer     the FT rules with the policy in force (reloadable, hence a supplier)
 * @param trustedCore  whether a request from this address comes from the SIP/IP core
 * @param serverHeader Server / User-Agent value naming the product and the CPM release
 * @param invitationTimeout provider-policy time an invitation may wait for a final answer
 *                          before the PF defers the transfer (zero: no timer)
 * @param messages     initial MESSAGE requests (a client's IMDN, seed 004 5.4.5); null: 405 as before
 */
public record PfServices(MediaAnchoring media, Supplier<InviteAnalyzer> analyzer, RoleResolver roles,
                         Predicate<InetAddress> trustedCore, String serverHeader, List<SipEventListener> listeners,
                         TransferDeferral deferral, Duration invitationTimeout, RequestHandler messages) {

    /** Takes an initial request of a method the B2BUA does not relay itself, and answers it. */
    @FunctionalInterface
    public interface RequestHandler {
        void handle(SipServletRequest request) throws IOException;
    }

    private static volatile PfServices current;

    public PfServices {
        listeners = List.copyOf(listeners);
    }

    /** Without a MESSAGE handler. */
    public PfServices(MediaAnchoring media, Supplier<InviteAnalyzer> analyzer, RoleResolver roles,
                      Predicate<InetAddress> trustedCore, String serverHeader, List<SipEventListener> listeners,
                      TransferDeferral deferral, Duration invitationTimeout) {
        this(media, analyzer, roles, trustedCore, serverHeader, listeners, deferral, invitationTimeout, null);
    }

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
