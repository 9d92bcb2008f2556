package org.cpmft.pf.cpm.conversation;

import java.util.Optional;

import org.cpmft.pf.cpm.feature.CpmService;
import org.cpmft.pf.cpm.feature.FeatureTags;
import org.cpmft.pf.cpm.header.HeaderAddress;
import org.cpmft.pf.cpm.header.HeaderParam;
import org.cpmft.pf.cpm.header.HeaderValues;

/**
 * A device identity, the {@code +sip.instance} Contact feature parameter (RFC 5626 section 4.1),
 * e.g. {@code +sip.instance="<urn:gsma:imei:35196006-123456-0>"}. CPM 2.0 uses it to deliver a
 * deferred file transfer to the device that accepted the original invitation (seed 002 4.2, CPM 6.1).
 *
 * @param urn the instance URN without quotes and angle brackets
 */
public record SipInstance(String urn) {

    public static final String PARAM = "+sip.instance";

    public SipInstance {
        if (urn == null || urn.isBlank() || urn.contains("\"") || urn.contains("<") || urn.contains(">")) {
            throw new IllegalArgumentException("bad instance URN: " + urn);
        }
    }

    /** The instance of the first Contact value that has one; empty if none or unparseable. */
    public static Optional<SipInstance> fromContact(String contactHeaderValue) {
        if (contactHeaderValue == null) {
            return Optional.empty();
        }
        for (String element : HeaderValues.splitTopLevel(contactHeaderValue, ',')) {
            try {
                Optional<HeaderParam> p = HeaderAddress.parse(element).param(PARAM);
                if (p.isPresent() && p.get().hasValue()) {
                    String v = p.get().value().trim();
                    if (v.startsWith("<") && v.endsWith(">")) {
                        v = v.substring(1, v.length() - 1);
                    }
                    return Optional.of(new SipInstance(v));
                }
            } catch (IllegalArgumentException malformed) {
                // try the next value
            }
        }
        return Optional.empty();
    }

    /** The Contact / Accept-Contact feature parameter: {@code +sip.instance="<urn>"}. */
    public String featureParam() {
        return PARAM + "=\"<" + urn + ">\"";
    }

    /**
     * The Accept-Contact value that steers a request to this device only:
     * {@code *;+sip.instance="<urn>";require;explicit} (RFC 3841 section 9.2 and 10, RFC 5626
     * section 4.1 quoting; seed 002 4.2). With {@code require;explicit} a contact registered
     * without this instance does not match, so no other device is tried.
     */
    public String acceptContactValue() {
        return "*;" + featureParam() + ";require;explicit";
    }

    /**
     * The Accept-Contact value that steers a request to this device and service (RFC 3841 with
     * {@code require;explicit}: only contacts registered with this instance and service match).
     */
    public String acceptContactValue(CpmService service) {
        return "*;" + featureParam() + ";" + FeatureTags.ICSI_REF + "=\"" + service.encodedIcsi() + "\";require;explicit";
    }
}
