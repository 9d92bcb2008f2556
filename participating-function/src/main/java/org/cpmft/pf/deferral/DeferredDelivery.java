package org.cpmft.pf.deferral;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import org.cpmft.pf.cpm.policy.DeferralCause;
import org.cpmft.pf.registration.RegistrationEvent;
import org.cpmft.pf.registration.RegistrationListener;
import org.cpmft.pf.registration.RegistrationRegistry;
import org.cpmft.store.DeferredStore;
import org.cpmft.store.StoreException;
import org.cpmft.store.lease.LeaseLostException;
import org.cpmft.store.notification.DeferredNotification;
import org.cpmft.store.notification.NotificationState;
import org.cpmft.store.retry.RetryPolicy;
import org.cpmft.store.transfer.DeferredTransfer;
import org.cpmft.store.transfer.TransferState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deferred delivery of this PF node (OMA CPM 8.2.3.1 1.a, 8.3.3.1 1.b, 8.3.3.3): re-offers stored
 * files to their recipients and sends the delivery notices to their senders.
 *
 * <p>Triggers: a third-party REGISTER of the recipient (any node, through the
 * {@link RegistrationRegistry} listener: {@code claimForRecipient}), the periodic timer
 * ({@code claimDue} by the retry policy, and the expiry sweep), and a file becoming complete for
 * a recipient already registered again. Every claim takes a lease in the shared store, so with
 * several nodes on one PostgreSQL each transfer is offered by one node at a time.
 *
 * <p>Per attempt ({@link AttemptState}): CLAIMED (lease taken) -> OFFERING (the SIP side's
 * {@link DeliveryAttempt} runs; the lease is renewed every third of its length) -> SETTLING (the
 * outcome is written) -> removed. Outcomes: DELIVERED ends the transfer and queues the
 * "delivered" notice; PARTIAL records the octets delivered and retries by policy, resuming there;
 * POSTPONED (480) waits {@code postponeDelay}; DECLINED (603) fails the transfer and tells the
 * sender; FAILED and NO_ANSWER retry by the policy until it gives up, which expires the transfer
 * and tells the sender.
 *
 * <p>All store work runs on this service's own threads, never on the caller's: the engine's
 * threads (timer, REGISTER triggers, claims, lease renewals; sized from the store's connection
 * pool, since each task mostly waits on the database) and separate settling threads, so a
 * finished attempt frees its slot at once instead of waiting behind queued triggers. A trigger
 * that finds every slot taken makes the user's files due in the store (any node's next claim
 * takes them) and marks a backlog; each settled attempt then claims due work at once, so the
 * backlog drains as fast as slots free, not one timer tick at a time.
 */
public final class DeferredDelivery implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DeferredDelivery.class);
    /** Bounds the sweeps and claims of one tick. */
    private static final int MAX_ROUNDS = 10;
    /** Threads writing outcomes (one transaction each). */
    private static final int SETTLE_THREADS = 2;

    /** Life cycle of the service. */
    public enum State { NEW, RUNNING, STOPPING, STOPPED }

    /** Where one delivery attempt is. */
    public enum AttemptState { CLAIMED, OFFERING, SETTLING }

    private final DeferredStore store;
    private final RegistrationRegistry registry;
    private final DeliveryAttempt attempt;
    private final NotificationSender notifier;
    private final Supplier<RetryPolicy> policy;
    private final DeferralSettings settings;
    private final Clock clock;
    private final DeferralMetrics metrics;
    private final ImdnNotices notices;
    private final DeferralIntake intake;
    private final ScheduledThreadPoolExecutor executor;
    private final ThreadPoolExecutor settler;
    private final Map<UUID, InFlight> inFlight = new ConcurrentHashMap<>();
    /**
     * One permit per delivery slot: taken before a claim, so claims running at once on the
     * engine and settling threads never start more than {@code maxInFlight} attempts together.
     */
    private final Semaphore slots;
    private final AtomicReference<State> state = new AtomicReference<>(State.NEW);
    private final RegistrationListener listener = this::registrationChanged;
    private volatile ScheduledFuture<?> ticker;
    private volatile Instant lastMetricsRefresh = Instant.EPOCH;
    /** Due work may be waiting in the store for a free slot of this node. */
    private final AtomicBoolean backlog = new AtomicBoolean();
    /** A drain (claim of due work for the free slots) is queued or running. */
    private final AtomicBoolean draining = new AtomicBoolean();
    /** Transfers whose fallback to another device was logged (once per transfer and node; bounded). */
    private final Set<UUID> fallbackLogged = Collections.synchronizedSet(Collections.newSetFromMap(
            new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<UUID, Boolean> eldest) {
            return size() > 10_000;
        }
    }));

    private final class InFlight {
        final DeferredTransfer transfer;
        final DeliveryTarget target;
        volatile DeliveryRequest request;
        volatile AttemptState state = AttemptState.CLAIMED;
        final AtomicBoolean settled = new AtomicBoolean();
        volatile boolean leaseLost;
        volatile long recorded;
        volatile ScheduledFuture<?> renewal;
        volatile ScheduledFuture<?> timeout;

        InFlight(DeferredTransfer transfer, DeliveryTarget target) {
            this.transfer = transfer;
            this.target = target;
            this.recorded = transfer.bytesDelivered();
        }
    }

    /**
     * @param policy the retry policy in force, read at each use (it follows config reloads)
     * @param meters where the deferral meters go ({@link DeferralMetrics})
     */
    public DeferredDelivery(DeferredStore store, RegistrationRegistry registry, DeliveryAttempt attempt,
                            NotificationSender notifier, Supplier<RetryPolicy> policy, DeferralSettings settings,
                            MeterRegistry meters, Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.registry = Objects.requireNonNull(registry, "registry");
        this.attempt = Objects.requireNonNull(attempt, "attempt");
        this.notifier = Objects.requireNonNull(notifier, "notifier");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.metrics = new DeferralMetrics(meters);
        this.metrics.inFlightGauge(inFlight);
        this.slots = new Semaphore(settings.maxInFlight());
        this.notices = ImdnNotices.withRandomIds(clock, policy);
        this.intake = new DeferralIntake(store, policy, clock, metrics, this::transferStored, this::declinedWhileStored,
                new DeferralIntake.Serving(settings.nodeId(), settings.lease(), notices, registry::isRegistered));
        int threads = engineThreads(store.config().poolSize());
        this.executor = new ScheduledThreadPoolExecutor(threads, daemon("pf-deferral-"));
        this.executor.setRemoveOnCancelPolicy(true);
        this.settler = new ThreadPoolExecutor(SETTLE_THREADS, SETTLE_THREADS, 0, TimeUnit.MILLISECONDS,
                new LinkedBlockingQueue<>(), daemon("pf-deferral-settle-"));
    }

    /**
     * Half the store's connections (at least 2, at most 16) for the engine: its tasks mostly wait
     * on the database, and the other half stays for the intake, the settling threads and the
     * relay's reads of stored content.
     */
    static int engineThreads(int storePoolSize) {
        return Math.max(2, Math.min(16, storePoolSize / 2));
    }

    private static ThreadFactory daemon(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** Where the SIP side creates deferred transfers. */
    public DeferralIntake intake() {
        return intake;
    }

    /** Starts the timer and listens to registrations. */
    public void start() {
        if (!state.compareAndSet(State.NEW, State.RUNNING)) {
            throw new IllegalStateException("cannot start in state " + state.get());
        }
        registry.addListener(listener);
        long period = settings.tickPeriod().toMillis();
        ticker = executor.scheduleWithFixedDelay(this::tick, period, period, TimeUnit.MILLISECONDS);
        LOG.info("deferred delivery started on node {} (lease {}, tick {})", settings.nodeId(), settings.lease(),
                settings.tickPeriod());
    }

    public State state() {
        return state.get();
    }

    /** Deliveries running on this node, by state. */
    public Map<UUID, AttemptState> attempts() {
        Map<UUID, AttemptState> out = new java.util.HashMap<>();
        inFlight.forEach((id, f) -> out.put(id, f.state));
        return out;
    }

    /** Runs one timer round now (operators, tests); completes when its claims are handed out. */
    public CompletableFuture<Void> tickNow() {
        return CompletableFuture.runAsync(this::tick, executor);
    }

    /** A user became reachable (also called by the registry listener): deliver to them now. */
    public CompletableFuture<Void> userReachable(String user) {
        return CompletableFuture.runAsync(() -> {
            deliverFor(user);
            sendNoticesFor(user);
        }, executor);
    }

    private void registrationChanged(RegistrationEvent event) {
        if (!event.reachable() || state.get() != State.RUNNING) {
            return;
        }
        try {
            userReachable(event.user());
        } catch (RejectedExecutionException e) {
            LOG.debug("registration of {} while stopping", event.user());
        }
    }

    private void transferStored(UUID id, DeferralCause cause) {
        if (cause != DeferralCause.RECIPIENT_NOT_REGISTERED || state.get() != State.RUNNING) {
            return; // the other causes mean the recipient's device just failed: wait for the timer
        }
        try {
            executor.execute(() -> {
                try {
                    store.transfers().find(id).ifPresent(t -> {
                        if (registry.isRegistered(t.recipientUri())) {
                            deliverFor(t.recipientUri()); // registered while the file was still arriving
                        }
                    });
                } catch (RuntimeException e) {
                    LOG.warn("immediate delivery of {} not started (the timer will): {}", id, e.getMessage());
                }
            });
        } catch (RejectedExecutionException e) {
            LOG.debug("transfer {} stored while stopping", id);
        }
    }

    /**
     * The recipient declined a file the relay was storing for it (its BYE after its MSRP connection
     * dropped, CPM 7.4.3): as a 603 to a delivery, FAILED with no redelivery, content removed, and
     * the sender gets the failure notice it asked for (RFC 5438 negative-delivery, seed 004).
     */
    private void declinedWhileStored(UUID id, String reason) {
        DeferredTransfer t = store.transfers().fail(id, reason, failureNotice());
        metrics.delivery("declined");
        LOG.info("deferred transfer {} declined by {} while it was stored: {}", id, t.recipientUri(), reason);
        afterNoticeQueued(t, ImdnNotices.Status.FAILED);
    }

    // ---- timer ----

    private void tick() {
        if (state.get() != State.RUNNING) {
            return;
        }
        try {
            sweep();
            sendDueNotices();
            claimDue();
            refreshMetrics(false);
        } catch (StoreException e) {
            LOG.warn("deferred delivery round failed on node {}: {}", settings.nodeId(), e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("deferred delivery round failed on node {}", settings.nodeId(), e);
        }
    }

    private int free() {
        return slots.availablePermits();
    }

    /** Takes up to {@code want} free slots; each claimed transfer keeps one, the rest are given back. */
    private int reserve(int want) {
        int n = 0;
        while (n < want && slots.tryAcquire()) {
            n++;
        }
        return n;
    }

    /** What one claim took; {@code exhausted} when the store had fewer due than slots were free. */
    private record Claim(List<DeferredTransfer> got, boolean exhausted) { }

    /** Claims for the free slots, at most {@code batchSize}; null when no slot is free. */
    private Claim claimWithSlots(IntFunction<List<DeferredTransfer>> claim) {
        int reserved = reserve(settings.batchSize());
        if (reserved == 0) {
            return null;
        }
        List<DeferredTransfer> got = List.of();
        try {
            got = claim.apply(reserved);
            return new Claim(got, got.size() < reserved);
        } finally {
            slots.release(reserved - got.size());
        }
    }

    /**
     * Claims due transfers for the free slots (at most {@code MAX_ROUNDS} batches). Leaves the
     * backlog mark set when the slots ran out first, so the next settled attempt claims again.
     */
    private void claimDue() {
        backlog.set(false); // before the query: a mark set while it runs is kept
        for (int round = 0; round < MAX_ROUNDS; round++) {
            Claim due = claimWithSlots(n -> store.transfers().claimDue(settings.nodeId(), n, settings.lease()));
            if (due == null) {
                backlog.set(true);
                return;
            }
            due.got().forEach(this::begin);
            if (due.exhausted()) {
                return;
            }
        }
        backlog.set(true); // MAX_ROUNDS full batches: there may be more
    }

    /**
     * A slot freed or work became due: claim due work now if some may be waiting. Runs on the
     * settling threads (one drain at a time), so refilling slots never waits behind the queue of
     * REGISTER triggers either.
     */
    private void drainIfBacklog() {
        if (!backlog.get() || free() <= 0 || state.get() != State.RUNNING || !draining.compareAndSet(false, true)) {
            return;
        }
        try {
            settler.execute(() -> {
                try {
                    if (state.get() == State.RUNNING) {
                        claimDue();
                    }
                } catch (RuntimeException e) {
                    LOG.warn("claim of due deferred transfers failed on node {} (the timer retries): {}",
                            settings.nodeId(), e.getMessage());
                } finally {
                    draining.set(false);
                }
                drainIfBacklog(); // a mark set while this drain ran, with slots free again
            });
        } catch (RejectedExecutionException e) {
            draining.set(false);
        }
    }

    private void sweep() {
        for (int round = 0; round < MAX_ROUNDS; round++) {
            List<DeferredTransfer> expired = store.transfers().expireDue(settings.batchSize(), failureNotice());
            metrics.expired(expired.size());
            for (DeferredTransfer t : expired) {
                LOG.info("deferred transfer {} to {} expired after {} attempts", t.id(), t.recipientUri(),
                        t.attempts());
                afterNoticeQueued(t, ImdnNotices.Status.FAILED);
            }
            if (expired.size() < settings.batchSize()) {
                break;
            }
        }
        Instant abandonedBefore = clock.instant().minus(settings.resumeWindow());
        for (int round = 0; round < MAX_ROUNDS; round++) {
            List<DeferredTransfer> removed = store.transfers().removeAbandoned(abandonedBefore, settings.batchSize());
            for (DeferredTransfer t : removed) {
                LOG.info("abandoned upload {} for {} removed: not resumed within {}", t.id(), t.recipientUri(),
                        settings.resumeWindow());
            }
            if (removed.size() < settings.batchSize()) {
                break;
            }
        }
        int n = store.notifications().expireDue(settings.batchSize());
        for (int i = 0; i < n; i++) {
            metrics.notification("expired");
        }
    }

    private void refreshMetrics(boolean force) {
        Instant now = clock.instant();
        if (force || !now.isBefore(lastMetricsRefresh.plus(settings.metricsRefresh()))) {
            lastMetricsRefresh = now;
            metrics.refresh(store.transfers().countByState(), store.transfers().oldestPendingAge());
        }
    }

    /** Refreshes the store gauges now (tests, operator). */
    public CompletableFuture<Void> refreshMetricsNow() {
        return CompletableFuture.runAsync(() -> refreshMetrics(true), executor);
    }

    // ---- transfers ----

    private void deliverFor(String user) {
        try {
            for (int round = 0; round < MAX_ROUNDS; round++) {
                Claim got = claimWithSlots(
                        n -> store.transfers().claimForRecipient(user, settings.nodeId(), n, settings.lease()));
                if (got == null) {
                    makeDueFor(user);
                    backlog.set(true);
                    drainIfBacklog(); // slots may have freed meanwhile
                    return;
                }
                got.got().forEach(this::begin);
                if (got.exhausted()) {
                    return;
                }
            }
        } catch (StoreException e) {
            LOG.warn("delivery to {} not started: {}", user, e.getMessage());
        }
    }

    /**
     * No delivery slot free now: the REGISTER must not be forgotten until the next timed retry
     * (which may be an hour away), so the user's stored files become due for the next tick.
     */
    private void makeDueFor(String user) {
        Instant now = clock.instant();
        for (DeferredTransfer t : store.transfers().findByRecipient(user)) {
            if (t.state() == TransferState.STORED && (t.nextAttemptAt() == null || t.nextAttemptAt().isAfter(now))) {
                store.transfers().makeDue(t.id());
            }
        }
    }

    private void begin(DeferredTransfer t) {
        DeliveryTarget target = DeliveryTarget.choose(t.recipientInstance(), t.bytesDelivered(), t.contentStart(),
                registry.instances(t.recipientUri()), settings.deviceAffinity());
        InFlight f = new InFlight(t, target);
        if (inFlight.putIfAbsent(t.id(), f) != null) {
            slots.release(); // already running here (re-claimed after our own lease ran out)
            return;
        }
        if (target.waiting()) {
            awaitDevice(f);
            return;
        }
        if (target.fallback() && fallbackLogged.add(t.id())) {
            LOG.info("deferred transfer {}: device {} of {} not registered, offering the whole file to any of the"
                    + " user's devices (deferral.deviceAffinity: fallback)", t.id(), t.recipientInstance(),
                    t.recipientUri());
        }
        DeliveryRequest request;
        try {
            request = request(t, target);
        } catch (RuntimeException e) {
            inFlight.remove(t.id());
            slots.release();
            LOG.error("deferred transfer {} cannot be re-offered, giving it up: {}", t.id(), e.toString());
            try {
                store.transfers().fail(t.id(), "cannot re-offer: " + e.getMessage(), failureNotice());
                afterNoticeQueued(t, ImdnNotices.Status.FAILED);
            } catch (RuntimeException e2) {
                LOG.warn("could not fail transfer {}: {}", t.id(), e2.toString());
            }
            metrics.delivery("error");
            return;
        }
        f.request = request;
        long renew = Math.max(1000, settings.lease().toMillis() / 3);
        f.renewal = executor.scheduleWithFixedDelay(() -> renew(f), renew, renew, TimeUnit.MILLISECONDS);
        f.timeout = executor.schedule(() -> {
            request.cancelled.complete("attempt timed out");
            settle(f, new DeliveryOutcome.NoAnswer("no outcome within " + settings.attemptTimeout()), null);
        }, settings.attemptTimeout().toMillis(), TimeUnit.MILLISECONDS);
        f.state = AttemptState.OFFERING;
        LOG.info("offering deferred transfer {}: {}", t.id(), request);
        CompletionStage<DeliveryOutcome> stage;
        try {
            stage = Objects.requireNonNull(attempt.deliver(request), "DeliveryAttempt returned null");
        } catch (RuntimeException e) {
            stage = CompletableFuture.failedFuture(e);
        }
        stage.whenComplete((outcome, error) -> {
            try {
                settler.execute(() -> settle(f, outcome, error));
            } catch (RejectedExecutionException e) {
                LOG.info("outcome of {} after stop; its lease runs out", t.id());
            }
        });
    }

    /**
     * Device affinity (seed 002 4.2): the device that accepted the file is not registered, other
     * devices of the user are. Nothing is offered; the file waits for that device's REGISTER (or
     * the next timed look), and the claim's attempt is given back.
     */
    private void awaitDevice(InFlight f) {
        DeferredTransfer t = f.transfer;
        try {
            Instant next = clock.instant().plus(settings.postponeDelay());
            store.transfers().awaitDevice(t.id(), settings.nodeId(), next,
                    "waiting for device " + t.recipientInstance());
            LOG.debug("deferred transfer {} waits for device {} of {} (next look {})", t.id(), t.recipientInstance(),
                    t.recipientUri(), next);
            metrics.delivery("awaiting_device");
        } catch (RuntimeException e) {
            LOG.warn("deferred transfer {} not rescheduled for its device (its lease runs out): {}", t.id(),
                    e.toString());
        } finally {
            if (inFlight.remove(t.id(), f)) {
                slots.release();
            }
        }
    }

    private DeliveryRequest request(DeferredTransfer t, DeliveryTarget target) {
        long size = t.totalSize() != null ? t.totalSize() : t.bytesStored();
        DeliveryRequest.ImdnRequestView imdn = t.imdnRequest() == null ? null
                : new DeliveryRequest.ImdnRequestView(t.imdnRequest().messageId(),
                        t.imdnRequest().dispositionNotification());
        return new DeliveryRequest(t.id(), t.senderUri(), settings.deferredMgmtUri(), t.senderInstance(), t.recipientUri(), target.instance(),
                ReofferBuilder.offer(t, target.resumeOffset()), t.file().icon(), t.file().iconContentType(),
                t.conversationId(), t.contributionId(), t.inReplyToContributionId(), imdn, t.contentType(), size,
                target.resumeOffset(), t.attempts(), from -> store.content().openReader(t.id(), from));
    }

    private void renew(InFlight f) {
        if (f.settled.get()) {
            return;
        }
        UUID id = f.transfer.id();
        try {
            store.transfers().extendLease(id, settings.nodeId(), settings.lease());
            long p = f.request.progress.get();
            if (!f.target.fallback() && p > f.recorded && p <= f.transfer.bytesStored()) {
                store.transfers().recordDelivered(id, settings.nodeId(), p);
                f.recorded = p;
            }
        } catch (LeaseLostException e) {
            f.leaseLost = true;
            f.request.cancelled.complete("lease lost to another node");
            LOG.warn("lease on deferred transfer {} lost: stopping this attempt", id);
            settle(f, null, null);
        } catch (RuntimeException e) {
            LOG.warn("lease renewal of {} failed (retried): {}", id, e.getMessage());
        }
    }

    private void settle(InFlight f, DeliveryOutcome outcome, Throwable error) {
        if (!f.settled.compareAndSet(false, true)) {
            return;
        }
        f.state = AttemptState.SETTLING;
        cancel(f.renewal);
        cancel(f.timeout);
        DeferredTransfer t = f.transfer;
        try {
            if (f.leaseLost) {
                metrics.delivery("lease_lost");
                return;
            }
            DeliveryOutcome o = error != null
                    ? new DeliveryOutcome.Failed(500, "delivery error: " + rootMessage(error))
                    : Objects.requireNonNullElseGet(outcome, () -> new DeliveryOutcome.Failed(500, "no outcome"));
            apply(f, o);
        } catch (LeaseLostException e) {
            metrics.delivery("lease_lost");
            LOG.warn("outcome of deferred transfer {} dropped: lease lost", t.id());
        } catch (RuntimeException e) {
            metrics.delivery("error");
            LOG.error("outcome of deferred transfer {} not recorded; retried when its lease runs out", t.id(), e);
        } finally {
            if (inFlight.remove(t.id(), f)) {
                slots.release();
            }
            drainIfBacklog();
        }
    }

    private void apply(InFlight f, DeliveryOutcome o) {
        DeferredTransfer t = f.transfer;
        String node = settings.nodeId();
        if (o instanceof DeliveryOutcome.Delivered d && d.bytes() < f.request.fileSize()) {
            o = new DeliveryOutcome.Partial(d.bytes()); // not the whole file after all
        }
        metrics.delivery(o.label());
        if (o instanceof DeliveryOutcome.Delivered d) {
            DeferredNotification notice = notices.notice(t, ImdnNotices.Status.DELIVERED,
                    registry.isRegistered(t.senderUri()));
            store.transfers().markDelivered(t.id(), node, notice);
            LOG.info("deferred transfer {} delivered to {}{} after {} attempts", t.id(), t.recipientUri(),
                    d.acceptingInstance() == null ? "" : " (" + d.acceptingInstance() + ")", t.attempts());
            if (notice != null) {
                afterNoticeQueued(t, ImdnNotices.Status.DELIVERED);
            }
        } else if (o instanceof DeliveryOutcome.Partial p) {
            long upTo = Math.min(p.bytesDeliveredSoFar(), t.bytesStored());
            if (!f.target.fallback() && upTo > f.recorded) {
                store.transfers().recordDelivered(t.id(), node, upTo);
            }
            retryByPolicy(t, o);
        } else if (o instanceof DeliveryOutcome.Postponed) {
            Instant next = clock.instant().plus(settings.postponeDelay());
            store.transfers().reschedule(t.id(), node, next, o.describe());
            LOG.info("deferred transfer {} postponed by the recipient until {}", t.id(), next);
        } else if (o instanceof DeliveryOutcome.Failed failed && failed.status() == 488
                && f.request.resumeOffset() > 0 && !f.target.fallback()) {
            refusedResume(t);
        } else if (o instanceof DeliveryOutcome.Declined) {
            store.transfers().fail(t.id(), o.describe(), failureNotice());
            LOG.info("deferred transfer {} declined by {}: {}", t.id(), t.recipientUri(), o.describe());
            afterNoticeQueued(t, ImdnNotices.Status.FAILED);
        } else {
            retryByPolicy(t, o);
        }
    }

    /**
     * The device answered 488 to the resume offer (a=file-range): it does not have the first part
     * any more (CPM 7.4.5.2 ii). The whole file is offered at once if the store holds it from octet
     * 0; otherwise nobody can complete it and the transfer fails.
     */
    private void refusedResume(DeferredTransfer t) {
        String node = settings.nodeId();
        if (t.contentStart() == 0) {
            store.transfers().recordDelivered(t.id(), node, 0);
            store.transfers().reschedule(t.id(), node, clock.instant(),
                    "488 to the resume offer: whole file next");
            LOG.info("deferred transfer {}: the device refused to resume (488), offering the whole file", t.id());
        } else {
            store.transfers().fail(t.id(), "488 to the resume offer and only octets from " + t.contentStart()
                    + " stored", failureNotice());
            LOG.info("deferred transfer {} failed: the device refused to resume (488) and the store has only"
                    + " octets from {}", t.id(), t.contentStart());
            afterNoticeQueued(t, ImdnNotices.Status.FAILED);
        }
    }

    private void retryByPolicy(DeferredTransfer t, DeliveryOutcome o) {
        DeferredTransfer r = store.transfers().rescheduleOrExpire(t.id(), settings.nodeId(), policy.get(),
                o.describe(), failureNotice());
        if (r.state() == TransferState.EXPIRED) {
            metrics.expired(1);
            LOG.info("deferred transfer {} given up after {} attempts: {}", t.id(), r.attempts(), o.describe());
            afterNoticeQueued(t, ImdnNotices.Status.FAILED);
        } else {
            LOG.info("deferred transfer {} attempt {} {}; next at {}", t.id(), r.attempts(), o.describe(),
                    r.nextAttemptAt());
        }
    }

    private Function<DeferredTransfer, DeferredNotification> failureNotice() {
        return t -> notices.notice(t, ImdnNotices.Status.FAILED, registry.isRegistered(t.senderUri()));
    }

    /** A notice for the sender was queued: send it now if the sender is registered (seen by this node). */
    private void afterNoticeQueued(DeferredTransfer t, ImdnNotices.Status status) {
        if (ImdnNotices.requested(t.imdnRequest(), status) && registry.isRegistered(t.senderUri())) {
            sendNoticesFor(t.senderUri());
        }
    }

    // ---- notices ----

    private void sendNoticesFor(String user) {
        try {
            store.notifications().claimFor(user, settings.nodeId(), settings.batchSize(), settings.lease())
                    .forEach(this::send);
        } catch (StoreException e) {
            LOG.warn("notices for {} not sent: {}", user, e.getMessage());
        }
    }

    private void sendDueNotices() {
        for (int round = 0; round < MAX_ROUNDS; round++) {
            List<DeferredNotification> due = store.notifications().claimDue(settings.nodeId(), settings.batchSize(),
                    settings.lease());
            due.forEach(this::send);
            if (due.size() < settings.batchSize()) {
                return;
            }
        }
    }

    private void send(DeferredNotification n) {
        CompletionStage<NotificationSender.Result> stage;
        try {
            stage = Objects.requireNonNull(notifier.send(new NotificationSender.Message(n.id(), n.toUri(),
                    n.toInstance(), n.fromUri(), n.contentType(), n.body())), "NotificationSender returned null");
        } catch (RuntimeException e) {
            stage = CompletableFuture.failedFuture(e);
        }
        stage.whenComplete((result, error) -> {
            try {
                executor.execute(() -> sent(n, error == null ? result : NotificationSender.Result.RETRY_LATER,
                        error));
            } catch (RejectedExecutionException e) {
                LOG.info("notice {} result after stop; its lease runs out", n.id());
            }
        });
    }

    private void sent(DeferredNotification n, NotificationSender.Result result, Throwable error) {
        try {
            switch (result == null ? NotificationSender.Result.RETRY_LATER : result) {
                case SENT -> {
                    store.notifications().markSent(n.id(), settings.nodeId());
                    metrics.notification("sent");
                }
                case RETRY_LATER -> {
                    NotificationState s = store.notifications().rescheduleOrExpire(n.id(), settings.nodeId(),
                            policy.get(), error == null ? "not delivered" : rootMessage(error));
                    metrics.notification(s == NotificationState.EXPIRED ? "expired" : "retry");
                }
                case REJECTED -> {
                    store.notifications().fail(n.id(), settings.nodeId(), "rejected by the network");
                    metrics.notification("rejected");
                }
            }
        } catch (LeaseLostException e) {
            LOG.warn("notice {} outcome dropped: lease lost", n.id());
        } catch (RuntimeException e) {
            LOG.warn("notice {} outcome not recorded: {}", n.id(), e.getMessage());
        }
    }

    // ---- stop ----

    /**
     * Stops: no new claims, running attempts are cancelled ({@link DeliveryRequest#cancelled()})
     * and given {@code grace} to report; leases of those still running are released so another
     * node takes them at once.
     */
    public void stop(Duration grace) {
        if (!state.compareAndSet(State.RUNNING, State.STOPPING) && !state.compareAndSet(State.NEW, State.STOPPING)) {
            return;
        }
        registry.removeListener(listener);
        cancel(ticker);
        List<InFlight> running = new ArrayList<>(inFlight.values());
        running.forEach(f -> {
            if (f.request != null) {
                f.request.cancelled.complete("PF node stopping");
            }
        });
        long deadline = System.nanoTime() + grace.toNanos();
        while (!inFlight.isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        for (InFlight f : new ArrayList<>(inFlight.values())) {
            if (f.settled.compareAndSet(false, true)) {
                cancel(f.renewal);
                cancel(f.timeout);
                try {
                    store.transfers().releaseLease(f.transfer.id(), settings.nodeId());
                } catch (RuntimeException e) {
                    LOG.warn("lease of {} not released: {}", f.transfer.id(), e.getMessage());
                }
                inFlight.remove(f.transfer.id(), f);
            }
        }
        executor.shutdown();
        settler.shutdown();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
            settler.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        executor.shutdownNow();
        settler.shutdownNow();
        state.set(State.STOPPED);
        LOG.info("deferred delivery stopped on node {}", settings.nodeId());
    }

    @Override
    public void close() {
        stop(Duration.ofSeconds(5));
    }

    private static void cancel(ScheduledFuture<?> f) {
        if (f != null) {
            f.cancel(false);
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t != t.getCause()) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    }
}
