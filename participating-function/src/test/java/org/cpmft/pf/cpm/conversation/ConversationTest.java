package org.cpmft.pf.cpm.conversation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;

import org.cpmft.pf.cpm.feature.CpmService;
import org.cpmft.pf.cpm.feature.FeatureTags;
import org.cpmft.pf.cpm.header.SipHeaders;
import org.junit.jupiter.api.Test;

class ConversationTest {

    @Test
    void conversationHeaders() {
        ConversationIds ids = ConversationIds.from(SipHeaders.of(
                "Conversation-ID", " f81d4fae-7dec-11d0-a765-00a0c91e6bf6 ",
                "contribution-id", "abcd1234",
                "InReplyTo-Contribution-ID", ""));
        assertThat(ids.conversationId()).contains("f81d4fae-7dec-11d0-a765-00a0c91e6bf6");
        assertThat(ids.contributionId()).contains("abcd1234");
        assertThat(ids.inReplyToContributionId()).isEmpty();
        assertThat(ConversationIds.from(SipHeaders.empty()))
                .isEqualTo(new ConversationIds(Optional.empty(), Optional.empty(), Optional.empty()));
    }

    @Test
    void instanceFromContact() {
        String contact = "<sip:bob@198.51.100.7:5060;transport=tcp>;+sip.instance=\"<urn:gsma:imei:35196006-123456-0>\";"
                + "+g.3gpp.icsi-ref=\"urn%3Aurn-7%3A3gpp-service.ims.icsi.oma.cpm.filetransfer\"";
        SipInstance i = SipInstance.fromContact(contact).orElseThrow();
        assertThat(i.urn()).isEqualTo("urn:gsma:imei:35196006-123456-0");
        assertThat(i.featureParam()).isEqualTo("+sip.instance=\"<urn:gsma:imei:35196006-123456-0>\"");
        assertThat(SipInstance.fromContact("<sip:a@b>, <sip:c@d>;+SIP.INSTANCE=\"<urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6>\""))
                .contains(new SipInstance("urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6"));
        assertThat(SipInstance.fromContact("<sip:a@b>;+sip.instance")).isEmpty();
        assertThat(SipInstance.fromContact("<sip:broken")).isEmpty();
        assertThat(SipInstance.fromContact(null)).isEmpty();
        assertThat(SipInstance.fromContact("<sip:a@b>;+sip.instance=\"\"")).isEmpty();
    }

    @Test
    void steersToTheDevice() {
        SipInstance i = new SipInstance("urn:gsma:imei:1");
        String ac = i.acceptContactValue(CpmService.FILE_TRANSFER);
        assertThat(ac).isEqualTo("*;+sip.instance=\"<urn:gsma:imei:1>\";"
                + "+g.3gpp.icsi-ref=\"urn%3Aurn-7%3A3gpp-service.ims.icsi.oma.cpm.filetransfer\";require;explicit");
        assertThat(FeatureTags.isFileTransfer(ac)).isTrue();
        assertThat(SipInstance.fromContact(ac)).contains(i);
        assertThatThrownBy(() -> new SipInstance("<urn:x>")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SipInstance(" ")).isInstanceOf(IllegalArgumentException.class);
    }
}
