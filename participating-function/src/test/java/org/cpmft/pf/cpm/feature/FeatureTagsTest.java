package org.cpmft.pf.cpm.feature;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import org.cpmft.pf.cpm.Samples;
import org.cpmft.pf.cpm.header.SipHeaders;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class FeatureTagsTest {

    @ParameterizedTest
    @ValueSource(strings = {
            // 3GPP TS 24.229 7.2A.8.2 coding
            "*;+g.3gpp.icsi-ref=\"urn%3Aurn-7%3A3gpp-service.ims.icsi.oma.cpm.filetransfer\";require;explicit",
            // lower-case escapes, no require/explicit
            "*;+g.3gpp.icsi-ref=\"urn%3aurn-7%3a3gpp-service.ims.icsi.oma.cpm.filetransfer\"",
            // several ICSIs inside one quoted value
            "*;+g.3gpp.icsi-ref=\"urn%3Aurn-7%3A3gpp-service.ims.icsi.mmtel,urn%3Aurn-7%3A3gpp-service.ims.icsi.oma.cpm.filetransfer\";explicit;require",
            // spaces after the commas
            "*;+g.3gpp.icsi-ref=\"urn%3Aurn-7%3A3gpp-service.ims.icsi.mmtel, urn%3Aurn-7%3A3gpp-service.ims.icsi.oma.cpm.filetransfer\"",
            // unencoded URN
            "*;+g.3gpp.icsi-ref=\"urn:urn-7:3gpp-service.ims.icsi.oma.cpm.filetransfer\";require;explicit",
            // unquoted token value
            "*;+g.3gpp.icsi-ref=urn%3Aurn-7%3A3gpp-service.ims.icsi.oma.cpm.filetransfer;require;explicit",
            // the seeds' form without URN prefix
            "*;+g.3gpp.icsi-ref=\"3gpp-service.ims.icsi.oma.cpm.filetransfer\";require;explicit",
            // the seeds' name as a feature tag of its own
            "*;+3gpp-service.ims.icsi.oma.cpm.filetransfer;require;explicit",
            // parameter name in upper case, value in mixed case
            "*;+G.3GPP.ICSI-REF=\"URN%3AURN-7%3A3GPP-SERVICE.IMS.ICSI.OMA.CPM.FILETRANSFER\"",
            // RFC 3840 string-value form in angle brackets
            "*;+g.3gpp.icsi-ref=\"<urn:urn-7:3gpp-service.ims.icsi.oma.cpm.filetransfer>\"",
            // second ac-value of a comma-separated header line
            "*;+g.3gpp.icsi-ref=\"urn%3Aurn-7%3A3gpp-service.ims.icsi.mmtel\", *;+g.3gpp.icsi-ref=\"urn%3Aurn-7%3A3gpp-service.ims.icsi.oma.cpm.filetransfer\""
    })
    void recognisesFileTransferInAcceptContact(String value) {
        assertThat(FeatureTags.isFileTransfer(value)).isTrue();
        assertThat(FeatureTags.isSession(value)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "*;+g.3gpp.icsi-ref=\"urn%3Aurn-7%3A3gpp-service.ims.icsi.oma.cpm.session\";require;explicit",
            "*;+g.3gpp.icsi-ref=\"urn%3Aurn-7%3A3gpp-service.ims.icsi.oma.cpm.filetransferx\"",
            "*;+g.3gpp.icsi-ref=\"urn%3Aurn-7%3A3gpp-service.ims.icsi.oma.cpm.filetransfer.x\"",
            "*;+g.3gpp.iari-ref=\"urn%3Aurn-7%3A3gpp-service.ims.icsi.oma.cpm.filetransfer\"",
            "*;+g.3gpp.icsi-ref=\"!urn%3Aurn-7%3A3gpp-service.ims.icsi.oma.cpm.filetransfer\"",
            "*;+g.3gpp.icsi-ref",
            "*;require;explicit",
            "",
            "*;+g.3gpp.icsi-ref=\"urn%ZZurn-7\""
    })
    void doesNotMistakeOtherValuesForFileTransfer(String value) {
        assertThat(FeatureTags.isFileTransfer(value)).isFalse();
    }

    @Test
    void negationIsReported() {
        FeaturePreference p = FeatureTags.parseAcceptContact(
                "*;+g.3gpp.icsi-ref=\"!urn%3Aurn-7%3A3gpp-service.ims.icsi.oma.cpm.filetransfer,urn%3Aurn-7%3A3gpp-service.ims.icsi.oma.cpm.session\"").get(0);
        assertThat(p.negated()).containsExactly(CpmService.FILE_TRANSFER);
        assertThat(p.services()).containsExactly(CpmService.SESSION);
    }

    @Test
    void acceptContactDetails() {
        List<FeaturePreference> prefs = FeatureTags.parseAcceptContact(Samples.FT_ACCEPT_CONTACT);
        assertThat(prefs).hasSize(1);
        FeaturePreference p = prefs.get(0);
        assertThat(p.require()).isTrue();
        assertThat(p.explicit()).isTrue();
        assertThat(p.names(CpmService.FILE_TRANSFER)).isTrue();
        assertThat(p.icsiValues()).containsExactly("urn:urn-7:3gpp-service.ims.icsi.oma.cpm.filetransfer");
        assertThat(FeatureTags.parseAcceptContact("*;+g.3gpp.icsi-ref=\"x\"").get(0).require()).isFalse();
        assertThat(FeatureTags.parseAcceptContact(null)).isEmpty();
    }

    @Test
    void contactWithSeveralServicesAndInstance() {
        String contact = "<sip:bob@198.51.100.7:5060;transport=tcp>;+sip.instance=\"<urn:gsma:imei:35196006-123456-0>\";"
                + "+g.3gpp.icsi-ref=\"urn%3Aurn-7%3A3gpp-service.ims.icsi.oma.cpm.session,urn%3Aurn-7%3A3gpp-service.ims.icsi.oma.cpm.filetransfer\"";
        List<FeaturePreference> prefs = FeatureTags.parseContact(contact);
        assertThat(prefs.get(0).services()).containsExactlyInAnyOrder(CpmService.SESSION, CpmService.FILE_TRANSFER);
        assertThat(prefs.get(0).address().uri()).isEqualTo("sip:bob@198.51.100.7:5060;transport=tcp");
        assertThat(FeatureTags.servicesIn(contact)).hasSize(2);
    }

    @Test
    void serviceHeaders() {
        assertThat(FeatureTags.servicesInServiceHeader("urn:urn-7:3gpp-service.ims.icsi.oma.cpm.filetransfer"))
                .containsExactly(CpmService.FILE_TRANSFER);
        assertThat(FeatureTags.servicesInServiceHeader("urn:urn-7:3gpp-service.ims.icsi.mmtel, urn:urn-7:3gpp-service.ims.icsi.oma.cpm.session"))
                .containsExactly(CpmService.SESSION);
        assertThat(FeatureTags.servicesInServiceHeader("urn:urn-7:3gpp-service.ims.icsi.mmtel")).isEmpty();
    }

    @Test
    void identifyPrefersAcceptContact() {
        SipHeaders h = SipHeaders.of(
                "Accept-Contact", Samples.FT_ACCEPT_CONTACT,
                "P-Preferred-Service", "urn:urn-7:3gpp-service.ims.icsi.oma.cpm.session");
        ServiceIndication s = FeatureTags.identify(h);
        assertThat(s.isFileTransfer()).isTrue();
        assertThat(s.source()).isEqualTo(ServiceIndication.Source.ACCEPT_CONTACT);
    }

    @Test
    void identifyChatIsNotFileTransfer() {
        ServiceIndication s = FeatureTags.identify(SipHeaders.of("a", Samples.CHAT_ACCEPT_CONTACT));
        assertThat(s.isSession()).isTrue();
        assertThat(s.isFileTransfer()).isFalse();
    }

    @Test
    void fileTransferWinsWhenAcceptContactNamesBoth() {
        SipHeaders h = SipHeaders.of("Accept-Contact", Samples.CHAT_ACCEPT_CONTACT, "Accept-Contact", Samples.FT_ACCEPT_CONTACT);
        assertThat(FeatureTags.identify(h).isFileTransfer()).isTrue();
    }

    @Test
    void identifyFallsBackToServiceHeadersThenContact() {
        assertThat(FeatureTags.identify(SipHeaders.of(
                "P-Asserted-Service", "urn:urn-7:3gpp-service.ims.icsi.oma.cpm.filetransfer",
                "P-Preferred-Service", "urn:urn-7:3gpp-service.ims.icsi.oma.cpm.session")))
                .isEqualTo(new ServiceIndication(java.util.Optional.of(CpmService.FILE_TRANSFER),
                        ServiceIndication.Source.P_ASSERTED_SERVICE));
        assertThat(FeatureTags.identify(SipHeaders.of(
                "P-Preferred-Service", "urn:urn-7:3gpp-service.ims.icsi.oma.cpm.filetransfer")).source())
                .isEqualTo(ServiceIndication.Source.P_PREFERRED_SERVICE);
        String ftOnly = "<sip:a@b>;+g.3gpp.icsi-ref=\"urn%3Aurn-7%3A3gpp-service.ims.icsi.oma.cpm.filetransfer\"";
        ServiceIndication byContact = FeatureTags.identify(SipHeaders.of("m", ftOnly));
        assertThat(byContact.isFileTransfer()).isTrue();
        assertThat(byContact.source()).isEqualTo(ServiceIndication.Source.CONTACT);
        String both = "<sip:a@b>;+g.3gpp.icsi-ref=\"urn%3Aurn-7%3A3gpp-service.ims.icsi.oma.cpm.filetransfer,urn%3Aurn-7%3A3gpp-service.ims.icsi.oma.cpm.session\"";
        assertThat(FeatureTags.identify(SipHeaders.of("Contact", both))).isEqualTo(ServiceIndication.none());
        String largeMsg = "<sip:a@b>;+g.3gpp.icsi-ref=\"urn%3Aurn-7%3A3gpp-service.ims.icsi.oma.cpm.largemsg\"";
        assertThat(FeatureTags.identify(SipHeaders.of("Contact", largeMsg)).service()).contains(CpmService.LARGE_MESSAGE);
        assertThat(FeatureTags.identify(SipHeaders.empty())).isEqualTo(ServiceIndication.none());
    }

    @Test
    void generatesCodedValues() {
        assertThat(FeatureTags.acceptContactValue(CpmService.FILE_TRANSFER)).isEqualTo(Samples.FT_ACCEPT_CONTACT);
        assertThat(FeatureTags.isFileTransfer(FeatureTags.acceptContactValue(CpmService.FILE_TRANSFER))).isTrue();
        String param = FeatureTags.contactFeatureParam(EnumSet.of(CpmService.FILE_TRANSFER, CpmService.SESSION));
        assertThat(param).isEqualTo("+g.3gpp.icsi-ref=\"urn%3Aurn-7%3A3gpp-service.ims.icsi.oma.cpm.session,"
                + "urn%3Aurn-7%3A3gpp-service.ims.icsi.oma.cpm.filetransfer\"");
        assertThat(FeatureTags.servicesIn("<sip:a@b>;" + param)).isEqualTo(Set.of(CpmService.FILE_TRANSFER, CpmService.SESSION));
        assertThatThrownBy(() -> FeatureTags.contactFeatureParam(Set.of())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void cpmServiceIcsiForms() {
        assertThat(CpmService.FILE_TRANSFER.icsi()).isEqualTo("urn:urn-7:3gpp-service.ims.icsi.oma.cpm.filetransfer");
        assertThat(CpmService.FILE_TRANSFER.encodedIcsi()).isEqualTo("urn%3Aurn-7%3A3gpp-service.ims.icsi.oma.cpm.filetransfer");
        assertThat(CpmService.FILE_TRANSFER.featureName()).isEqualTo("3gpp-service.ims.icsi.oma.cpm.filetransfer");
        for (CpmService s : CpmService.values()) {
            assertThat(CpmService.fromIcsi(s.icsi())).contains(s);
            assertThat(CpmService.fromIcsi(s.encodedIcsi())).contains(s);
            assertThat(CpmService.fromIcsi(" " + s.featureName() + " ")).contains(s);
        }
        assertThat(CpmService.fromIcsi(null)).isEmpty();
        assertThat(CpmService.fromIcsi("urn:urn-7:3gpp-service.ims.icsi.mmtel")).isEmpty();
        // seed 004 7.3.1.3 misspells the chat ICSI without "oma."; that spelling is not an OMA service
        assertThat(CpmService.fromIcsi("urn:urn-7:3gpp-service.ims.icsi.cpm.session")).isEmpty();
    }
}
