package org.cpmft.pf.cpm.conversation;

import java.util.Optional;

import org.cpmft.pf.cpm.header.SipHeaders;

/**
 * The CPM-defined SIP headers that tie a file transfer to its conversation (OMA CPM Appendix C):
 * a deferred transfer keeps them so that the re-offer and the delivery notification belong to the
 * same conversation.
 */
public record ConversationIds(Optional<String> conversationId, Optional<String> contributionId,
                              Optional<String> inReplyToContributionId) {

    public static final String CONVERSATION_ID = "Conversation-ID";
    public static final String CONTRIBUTION_ID = "Contribution-ID";
    public static final String IN_REPLY_TO_CONTRIBUTION_ID = "InReplyTo-Contribution-ID";

    public static ConversationIds from(SipHeaders headers) {
        return new ConversationIds(value(headers, CONVERSATION_ID), value(headers, CONTRIBUTION_ID),
                value(headers, IN_REPLY_TO_CONTRIBUTION_ID));
    }

    private static Optional<String> value(SipHeaders headers, String name) {
        return headers.first(name).map(String::trim).filter(v -> !v.isEmpty());
    }
}
