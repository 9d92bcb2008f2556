package org.cpmft.pf.deferral;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.cpmft.pf.cpm.policy.DeferralCause;
import org.cpmft.pf.registration.RegistrationRegistry;
import org.cpmft.store.DeferredStore;
import org.cpmft.store.transfer.TransferState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two PF nodes, each with its own store connection pool and deferral service, on one PostgreSQL:
 * 200 due transfers are each offered and delivered exactly once.
 */
class TwoNodeDeliveryPostgresTest {

    /** Delivers every offer after a short pause on its own thread, counting offers per transfer. */
    static final class CountingAttempt implements DeliveryAttempt {
        final Map<UUID, AtomicInteger> offers;
        final List<String> nodes;
        final String node;
        final ScheduledExecutorService sipThreads;

        CountingAttempt(Map<UUID, AtomicInteger> offers, List<String> nodes, String node, ScheduledExecutorService t) {
            this.offers = offers;
            this.nodes = nodes;
            this.node = node;
            this.sipThreads = t;
        }

        @Override
        public CompletableFuture<DeliveryOutcome> deliver(DeliveryRequest r) {
            offers.computeIfAbsent(r.transferId(), k -> new AtomicInteger()).incrementAndGet();
            nodes.add(node);
            CompletableFuture<DeliveryOutcome> f = new CompletableFuture<>();
            sipThreads.schedule(() -> f.complete(new DeliveryOutcome.Delivered(r.fileSize(), null)), 5,
                    TimeUnit.MILLISECONDS);
            return f;
        }
    }

    @Test
    void twoNodesDeliverEachOf200TransfersExactlyOnce(@TempDir Path tempDir) {
        MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));
        Map<UUID, AtomicInteger> offers = new ConcurrentHashMap<>();
        List<String> nodes = new CopyOnWriteArrayList<>();
        ScheduledExecutorService sipThreads = Executors.newScheduledThreadPool(4);
        try (TestDatabases.TestDatabase db = TestDatabases.create(TestDatabases.Backend.POSTGRES, tempDir);
             DeferredStore storeA = DeferredStore.open(db.config(), clock);
             DeferredStore storeB = DeferredStore.open(db.config(), clock)) {
            NotificationSender noNotices = m -> CompletableFuture.completedFuture(NotificationSender.Result.SENT);
            DeferralSettings settings = DeferredDeliveryContract.settings("node-a").withBatchSize(15);
            try (DeferredDelivery a = new DeferredDelivery(storeA, new RegistrationRegistry(clock),
                    new CountingAttempt(offers, nodes, "node-a", sipThreads), noNotices,
                    () -> DeferredDeliveryContract.POLICY, settings, new SimpleMeterRegistry(), clock);
                 DeferredDelivery b = new DeferredDelivery(storeB, new RegistrationRegistry(clock),
                         new CountingAttempt(offers, nodes, "node-b", sipThreads), noNotices,
                         () -> DeferredDeliveryContract.POLICY,
                         DeferredDeliveryContract.settings("node-b").withBatchSize(15), new SimpleMeterRegistry(),
                         clock)) {
                List<UUID> ids = new ArrayList<>();
                byte[] file = DeferredDeliveryContract.content(512, 99);
                for (int i = 0; i < 200; i++) {
                    DeferralRequest r = DeferralRequest.builder("sip:alice@ims.example.com",
                            "sip:user" + (i % 7) + "@ims.example.com", DeferralCause.REQUEST_TIMEOUT,
                            DeferredDeliveryContract.stream(file.length)).build();
                    try (TransferSink sink = a.intake().defer(r)) {
                        sink.write(ByteBuffer.wrap(file), 0);
                        sink.complete();
                        ids.add(sink.transferId());
                    }
                }
                clock.advance(Duration.ofSeconds(30)); // all due now
                a.start();
                b.start();
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (storeA.transfers().countByState().get(TransferState.DELIVERED) < 200
                        && System.nanoTime() < deadline) {
                    DeferredDeliveryContract.sleep(50);
                }
                assertThat(storeA.transfers().countByState().get(TransferState.DELIVERED)).isEqualTo(200);
                assertThat(offers.keySet()).isEqualTo(Set.copyOf(ids));
                assertThat(offers.values()).allSatisfy(n -> assertThat(n.get()).isEqualTo(1));
                long byA = nodes.stream().filter("node-a"::equals).count();
                System.out.printf("two nodes: node-a offered %d, node-b offered %d of 200%n", byA, 200 - byA);
            }
        } finally {
            sipThreads.shutdownNow();
        }
    }
}
