package org.cpmft.pf.cpm.feature;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.cpmft.pf.cpm.header.HeaderAddress;
import org.cpmft.pf.cpm.header.HeaderParam;
import org.cpmft.pf.cpm.header.HeaderValues;
import org.cpmft.pf.cpm.header.SipHeaders;

/**
 * Recognises the CPM feature tags in Accept-Contact, Contact, P-Preferred-Service and
 * P-Asserted-Service header values.
 *
 * <p>Forms accepted in Accept-Contact / Contact:
 * <ul>
 *   <li>the ICSI in a {@code +g.3gpp.icsi-ref} media feature tag, percent-encoded as 3GPP TS 24.229
 *   section 7.2A.8.2 requires, possibly among several comma-separated ICSIs inside one quoted value:
 *   {@code *;+g.3gpp.icsi-ref="urn%3Aurn-7%3A3gpp-service.ims.icsi.oma.cpm.filetransfer";require;explicit};</li>
 *   <li>the same value unencoded, unquoted, or without the {@code urn:urn-7:} prefix
 *   ({@code '3gpp-service.ims.icsi.oma.cpm.filetransfer'} as the OMA seeds write it);</li>
 *   <li>the service written as a feature tag of its own, {@code +3gpp-service.ims.icsi.oma.cpm.filetransfer}
 *   (a literal reading of the seeds' wording; not 3GPP coding, accepted for interoperability).</li>
 * </ul>
 * A tag-value prefixed with {@code !} is a negation (RFC 3840 section 9) and does not name the service.
 * Comparison is case-insensitive.
 */
public final class FeatureTags {

    /** The 3GPP media feature tag carrying ICSIs (RFC 3840 / 3GPP TS 24.229 7.9.2). */
    public static final String ICSI_REF = "+g.3gpp.icsi-ref";

    private FeatureTags() {
    }

    /** Parses one Accept-Contact header line (which may hold several comma-separated ac-values). */
    public static List<FeaturePreference> parseAcceptContact(String headerValue) {
        return parse(headerValue);
    }

    /** Parses one Contact header line (which may hold several comma-separated contact values). */
    public static List<FeaturePreference> parseContact(String headerValue) {
        return parse(headerValue);
    }

    private static List<FeaturePreference> parse(String headerValue) {
        List<FeaturePreference> out = new ArrayList<>();
        if (headerValue == null || headerValue.isBlank()) {
            return out;
        }
        for (String element : HeaderValues.splitTopLevel(headerValue, ',')) {
            try {
                out.add(preference(HeaderAddress.parse(element)));
            } catch (IllegalArgumentException malformed) {
                // A value this parser cannot read names no service; the others still count.
            }
        }
        return out;
    }

    private static FeaturePreference preference(HeaderAddress address) {
        Set<CpmService> services = EnumSet.noneOf(CpmService.class);
        Set<CpmService> negated = EnumSet.noneOf(CpmService.class);
        List<String> icsis = new ArrayList<>();
        boolean require = false;
        boolean explicit = false;
        for (HeaderParam p : address.params()) {
            if (p.is("require")) {
                require = true;
            } else if (p.is("explicit")) {
                explicit = true;
            } else if (p.is(ICSI_REF)) {
                if (p.hasValue()) {
                    for (String tagValue : HeaderValues.splitTopLevel(p.value(), ',')) {
                        boolean not = tagValue.startsWith("!");
                        String icsi = not ? tagValue.substring(1).trim() : tagValue;
                        icsis.add(CpmService.percentDecode(icsi));
                        CpmService.fromIcsi(icsi).ifPresent(s -> (not ? negated : services).add(s));
                    }
                }
            } else if (p.name().startsWith("+") && !p.hasValue()) {
                // A bare feature tag: present means TRUE (RFC 3840 section 9).
                CpmService.fromIcsi(p.name().substring(1)).ifPresent(services::add);
            }
        }
        services.removeAll(negated);
        return new FeaturePreference(services, negated, icsis, require, explicit, address);
    }

    /** CPM services named (not negated) anywhere in one Accept-Contact or Contact header line. */
    public static Set<CpmService> servicesIn(String acceptContactOrContactValue) {
        Set<CpmService> out = EnumSet.noneOf(CpmService.class);
        for (FeaturePreference p : parse(acceptContactOrContactValue)) {
            out.addAll(p.services());
        }
        return out;
    }

    /**
     * CPM services in a P-Preferred-Service or P-Asserted-Service value (RFC 6050: a comma-separated
     * list of service URNs, not percent-encoded).
     */
    public static Set<CpmService> servicesInServiceHeader(String headerValue) {
        Set<CpmService> out = EnumSet.noneOf(CpmService.class);
        for (String element : HeaderValues.splitTopLevel(headerValue, ',')) {
            CpmService.fromIcsi(element).ifPresent(out::add);
        }
        return out;
    }

    /** True when the Accept-Contact line requests CPM File Transfer (the PF trigger of 8.2.3.1 / 8.3.3.1). */
    public static boolean isFileTransfer(String acceptContactValue) {
        return servicesIn(acceptContactValue).contains(CpmService.FILE_TRANSFER);
    }

    /** True when the Accept-Contact line requests a CPM session (chat). */
    public static boolean isSession(String acceptContactValue) {
        return servicesIn(acceptContactValue).contains(CpmService.SESSION);
    }

    /**
     * Identifies the CPM service of a request. Sources, in order: Accept-Contact (what CPM 8.2.3.1
     * and 8.3.3.1 name as the FT trigger), P-Asserted-Service (asserted by the network),
     * P-Preferred-Service, then Contact. Within one source FILE_TRANSFER wins over SESSION, which
     * wins over the other CPM services. A Contact advertises capabilities rather than a request,
     * so it decides only when it names exactly one of FILE_TRANSFER and SESSION.
     */
    public static ServiceIndication identify(SipHeaders headers) {
        Set<CpmService> accept = EnumSet.noneOf(CpmService.class);
        for (String v : headers.values("Accept-Contact")) {
            accept.addAll(servicesIn(v));
        }
        Optional<CpmService> s = pick(accept);
        if (s.isPresent()) {
            return new ServiceIndication(s, ServiceIndication.Source.ACCEPT_CONTACT);
        }
        s = pick(serviceHeader(headers, "P-Asserted-Service"));
        if (s.isPresent()) {
            return new ServiceIndication(s, ServiceIndication.Source.P_ASSERTED_SERVICE);
        }
        s = pick(serviceHeader(headers, "P-Preferred-Service"));
        if (s.isPresent()) {
            return new ServiceIndication(s, ServiceIndication.Source.P_PREFERRED_SERVICE);
        }
        Set<CpmService> contact = EnumSet.noneOf(CpmService.class);
        for (String v : headers.values("Contact")) {
            contact.addAll(servicesIn(v));
        }
        boolean ft = contact.contains(CpmService.FILE_TRANSFER);
        boolean chat = contact.contains(CpmService.SESSION);
        if (ft != chat) {
            return new ServiceIndication(Optional.of(ft ? CpmService.FILE_TRANSFER : CpmService.SESSION),
                    ServiceIndication.Source.CONTACT);
        }
        if (!ft) {
            s = pick(contact);
            if (s.isPresent()) {
                return new ServiceIndication(s, ServiceIndication.Source.CONTACT);
            }
        }
        return ServiceIndication.none();
    }

    private static Set<CpmService> serviceHeader(SipHeaders headers, String name) {
        Set<CpmService> out = EnumSet.noneOf(CpmService.class);
        for (String v : headers.values(name)) {
            out.addAll(servicesInServiceHeader(v));
        }
        return out;
    }

    private static Optional<CpmService> pick(Set<CpmService> services) {
        if (services.contains(CpmService.FILE_TRANSFER)) {
            return Optional.of(CpmService.FILE_TRANSFER);
        }
        if (services.contains(CpmService.SESSION)) {
            return Optional.of(CpmService.SESSION);
        }
        return services.stream().findFirst();
    }

    /**
     * The Accept-Contact value a PF-originated request (e.g. deferred delivery) carries:
     * {@code *;+g.3gpp.icsi-ref="urn%3Aurn-7%3A...";require;explicit}.
     */
    public static String acceptContactValue(CpmService service) {
        return "*;" + ICSI_REF + "=\"" + service.encodedIcsi() + "\";require;explicit";
    }

    /** The Contact feature parameter for the given services, e.g. {@code +g.3gpp.icsi-ref="urn%3A...,urn%3A..."}. */
    public static String contactFeatureParam(Set<CpmService> services) {
        StringBuilder sb = new StringBuilder(ICSI_REF).append("=\"");
        boolean first = true;
        if (services.isEmpty()) {
            throw new IllegalArgumentException("no service");
        }
        for (CpmService s : EnumSet.copyOf(services)) {
            if (!first) {
                sb.append(',');
            }
            sb.append(s.encodedIcsi());
            first = false;
        }
        return sb.append('"').toString();
    }
}
