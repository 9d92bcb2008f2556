package org.cpmft.pf.cpm.role;

import java.util.List;
import java.util.Optional;

import org.cpmft.pf.cpm.header.HeaderAddress;
import org.cpmft.pf.cpm.header.HeaderValues;
import org.cpmft.pf.cpm.header.SipHeaders;

/**
 * Decides whether the PF acts on the originating or the terminating side of a request the S-CSCF
 * sent over ISC.
 *
 * <ol>
 *   <li>P-Served-User (RFC 5502) with {@code sescase=orig|term}, or {@code orig-cdiv}: decides.</li>
 *   <li>Otherwise the top Route URI (the one addressing this AS, as the container popped it): the
 *   S-CSCF adds the {@code orig} URI parameter when it routes an originating request to an AS
 *   (3GPP TS 24.229 5.4.3.2). Present means originating. Its absence alone does not mean
 *   terminating, because a request not routed by an S-CSCF has no such Route either.</li>
 *   <li>Otherwise the configured default.</li>
 * </ol>
 * A P-Served-User that cannot be parsed is ignored (logged by the caller through
 * {@link RoleDecision#source()}), never fatal: the request still gets served by the next rule.
 */
public final class RoleResolver {

    private final Role defaultRole;

    public RoleResolver(Role defaultRole) {
        if (defaultRole == null) {
            throw new IllegalArgumentException("default role is null");
        }
        this.defaultRole = defaultRole;
    }

    public Role defaultRole() {
        return defaultRole;
    }

    /**
     * @param headers    the request headers (P-Served-User is read from here)
     * @param topRoute   the Route value that addressed this AS (the popped route), or null; when null,
     *                   the first Route value in {@code headers} is used
     */
    public RoleDecision resolve(SipHeaders headers, String topRoute) {
        List<String> served = headers.elements("P-Served-User");
        String route = topRoute;
        if (route == null) {
            List<String> routes = headers.elements("Route");
            route = routes.isEmpty() ? null : routes.get(0);
        }
        return resolveValues(served.isEmpty() ? null : served.get(0), route);
    }

    /** Same as {@link #resolve(SipHeaders, String)} with the raw header values (either may be null). */
    public RoleDecision resolveValues(String pServedUser, String topRoute) {
        Optional<String> servedUri = Optional.empty();
        if (pServedUser != null && !pServedUser.isBlank()) {
            try {
                ServedUser su = ServedUser.parse(pServedUser);
                servedUri = Optional.of(su.uri());
                Optional<Role> role = su.role();
                if (role.isPresent()) {
                    return new RoleDecision(role.get(), RoleDecision.Source.P_SERVED_USER, servedUri);
                }
            } catch (IllegalArgumentException malformed) {
                servedUri = Optional.empty();
            }
        }
        if (topRoute != null && !topRoute.isBlank() && routeHasOrig(topRoute)) {
            return new RoleDecision(Role.ORIGINATING, RoleDecision.Source.ROUTE_ORIG, servedUri);
        }
        return new RoleDecision(defaultRole, RoleDecision.Source.DEFAULT, servedUri);
    }

    private static boolean routeHasOrig(String routeValue) {
        List<String> values = HeaderValues.splitTopLevel(routeValue, ',');
        if (values.isEmpty()) {
            return false;
        }
        try {
            HeaderAddress top = HeaderAddress.parse(values.get(0));
            // 24.229 puts "orig" in the URI; some cores write it as a header parameter instead.
            return top.hasUriParam("orig") || top.hasParam("orig");
        } catch (IllegalArgumentException malformed) {
            return false;
        }
    }
}
