package org.cpmft.pf.cpm.feature;

import java.util.List;
import java.util.Set;

import org.cpmft.pf.cpm.header.HeaderAddress;

/**
 * The CPM-relevant content of one Accept-Contact value (RFC 3841 section 9.2) or one Contact
 * value (RFC 3840 section 9).
 *
 * @param services        CPM services named, not negated
 * @param negated         CPM services named with a leading {@code !} (RFC 3840 tag-value negation)
 * @param icsiValues      every ICSI value found, decoded (including ones this PF does not know)
 * @param require         the {@code require} parameter is present (Accept-Contact only)
 * @param explicit        the {@code explicit} parameter is present (Accept-Contact only)
 * @param address         the parsed header value
 */
public record FeaturePreference(Set<CpmService> services, Set<CpmService> negated, List<String> icsiValues,
                                boolean require, boolean explicit, HeaderAddress address) {

    public FeaturePreference {
        services = Set.copyOf(services);
        negated = Set.copyOf(negated);
        icsiValues = List.copyOf(icsiValues);
    }

    public boolean names(CpmService service) {
        return services.contains(service);
    }
}
