package org.cpmft.pf.deferral;

import static org.assertj.core.api.Assertions.fail;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Stand-in for the SIP side's DeliveryAttempt and NotificationSender: records each call and lets
 * the test decide its outcome. Plain logic, no network.
 */
final class FakeSipSide implements DeliveryAttempt, NotificationSender {
    record Offer(DeliveryRequest request, CompletableFuture<DeliveryOutcome> result) {
    }

    record Notice(NotificationSender.Message message, CompletableFuture<NotificationSender.Result> result) {
    }

    final BlockingQueue<Offer> offers = new LinkedBlockingQueue<>();
    final BlockingQueue<Notice> notices = new LinkedBlockingQueue<>();
    /** When set, notices complete at once with this result. */
    volatile NotificationSender.Result autoNoticeResult = NotificationSender.Result.SENT;

    @Override
    public CompletionStage<DeliveryOutcome> deliver(DeliveryRequest request) {
        CompletableFuture<DeliveryOutcome> f = new CompletableFuture<>();
        offers.add(new Offer(request, f));
        return f;
    }

    @Override
    public CompletionStage<Result> send(Message message) {
        CompletableFuture<Result> f = new CompletableFuture<>();
        notices.add(new Notice(message, f));
        if (autoNoticeResult != null) {
            f.complete(autoNoticeResult);
        }
        return f;
    }

    Offer nextOffer() {
        return take(offers, "delivery attempt");
    }

    Notice nextNotice() {
        return take(notices, "notification");
    }

    void expectNoOffer(long millis) {
        poll(offers, millis, "no delivery attempt");
    }

    void expectNoNotice(long millis) {
        poll(notices, millis, "no notification");
    }

    private static <T> T take(BlockingQueue<T> q, String what) {
        try {
            T t = q.poll(10, TimeUnit.SECONDS);
            if (t == null) {
                fail("no " + what + " within 10 s");
            }
            return t;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static <T> void poll(BlockingQueue<T> q, long millis, String what) {
        try {
            T t = q.poll(millis, TimeUnit.MILLISECONDS);
            if (t != null) {
                fail("expected " + what + " but got " + t);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
