package org.cpmft.pf.delivery;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import javax.servlet.sip.SipApplicationSession;
import javax.servlet.sip.SipFactory;
import javax.servlet.sip.SipServletRequest;
import javax.servlet.sip.SipServletResponse;

import org.cpmft.pf.cpm.conversation.SipInstance;
import org.cpmft.pf.cpm.feature.CpmService;
import org.cpmft.pf.deferral.NotificationSender;
import org.cpmft.pf.sip.OutboundProxyRoute;
import org.cpmft.pf.sip.SipRuntime;
import org.cpmft.pf.sip.UacHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a deferred delivery notification (IMDN, RFC 5438) to the sender of a file by SIP MESSAGE,
 * to the device that sent the file when known (RFC 3841 Accept-Contact with +sip.instance).
 */
public final class SipNotificationSender implements NotificationSender {

    private static final Logger LOG = LoggerFactory.getLogger(SipNotificationSender.class);
    private static final long TIMEOUT_SECONDS = 32; // RFC 3261 Timer F

    private final String userAgent;
    private final ScheduledExecutorService timer;

    public SipNotificationSender(String userAgent, ScheduledExecutorService timer) {
        this.userAgent = userAgent;
        this.timer = timer;
    }

    @Override
    public CompletionStage<Result> send(Message message) {
        CompletableFuture<Result> result = new CompletableFuture<>();
        try {
            SipFactory factory = SipRuntime.factory();
            SipApplicationSession app = factory.createApplicationSession();
            SipServletRequest req = factory.createRequest(app, "MESSAGE", message.from(), message.to());
            OutboundProxyRoute.push(factory, req);
            if (message.toInstance() != null) {
                String urn = message.toInstance().replaceAll("^<|>$", "");
                req.addHeader("Accept-Contact", new SipInstance(urn).acceptContactValue(CpmService.STANDALONE_MESSAGE));
            }
            req.setHeader("User-Agent", userAgent);
            req.setContent(message.body().getBytes(StandardCharsets.UTF_8), message.contentType());
            app.setAttribute(UacHandler.KEY, new UacHandler() {
                @Override
                public void onResponse(SipServletResponse response) {
                    if (response.getStatus() >= 200) {
                        result.complete(Result.forStatus(response.getStatus()));
                    }
                }

                @Override
                public void onRequest(SipServletRequest request) throws IOException {
                    request.createResponse(481).send();
                }
            });
            req.send();
            timer.schedule(() -> result.complete(Result.RETRY_LATER), TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (IOException | RuntimeException | javax.servlet.sip.ServletParseException e) {
            LOG.warn("notification {} to {} not sent: {}", message.id(), message.to(), e.toString());
            result.complete(Result.RETRY_LATER);
        }
        return result;
    }
}
