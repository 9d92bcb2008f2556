package org.cpmft.pf;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.cpmft.msrp.codec.MsrpDecoderLimits;
import org.cpmft.msrp.relay.MsrpRelay;
import org.cpmft.msrp.relay.RelayConfig;
import org.cpmft.msrp.tls.MsrpTls;
import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.cpmft.pf.config.CidrBlock;
import org.cpmft.pf.config.ConfigWatcher;
import org.cpmft.pf.config.DeferralConfig;
import org.cpmft.pf.config.MsrpConfig;
import org.cpmft.pf.config.PolicyConfig;
import org.cpmft.pf.cpm.group.GroupSessionIdentities;
import org.cpmft.pf.imdn.DeferredImdns;
import org.cpmft.pf.imdn.ImdnMessageRelay;
import org.cpmft.pf.cpm.policy.FileTransferPolicy;
import org.cpmft.pf.cpm.policy.InviteAnalyzer;
import org.cpmft.pf.cpm.policy.ThumbnailHandling;
import org.cpmft.pf.cpm.role.Role;
import org.cpmft.pf.cpm.role.RoleResolver;
import org.cpmft.pf.config.PfConfig;
import org.cpmft.pf.config.SipUri;
import org.cpmft.pf.config.Ports;
import org.cpmft.pf.config.Transport;
import org.cpmft.pf.media.RelayMediaAnchoring;
import org.cpmft.pf.ops.Health;
import org.cpmft.pf.ops.HealthRegistry;
import org.cpmft.pf.ops.JvmMetrics;
import org.cpmft.pf.ops.OpsHttpServer;
import org.cpmft.pf.sip.EmbeddedSipContainer;
import org.cpmft.pf.sip.SetupAdmission;
import org.cpmft.pf.sip.PfServices;
import org.cpmft.pf.sip.SipMetrics;
import org.cpmft.pf.sip.SipEventListener;
import org.cpmft.pf.sip.ThirdPartyRegisterView;
import org.cpmft.pf.delivery.SipDeliveryAttempt;
import org.cpmft.pf.delivery.SipNotificationSender;
import org.cpmft.pf.deferral.DeferralSettings;
import org.cpmft.pf.deferral.DeviceAffinity;
import org.cpmft.pf.deferral.DeferredDelivery;
import org.cpmft.pf.deferral.RetryPolicies;
import org.cpmft.pf.media.StoreTransferDeferral;
import org.cpmft.pf.media.StoreWorker;
import org.cpmft.pf.cpm.policy.DeferralRules;
import org.cpmft.pf.registration.RegistrationRegistry;
import org.cpmft.pf.registration.StoredBindings;
import org.cpmft.pf.registration.ThirdPartyRegister;
import org.cpmft.store.DeferredStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running PF: store, MSRP relay, ops endpoint and SIP container, started in that order and
 * stopped in the reverse one.
 */
public final class PfProcess implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PfProcess.class);

    private final Deque<AutoCloseable> started = new ArrayDeque<>();
    private volatile boolean ready;

    /**
     * Starts everything or nothing: on failure what was started is stopped and the cause rethrown.
     * Synchronized with {@link #close()}, so a SIGTERM during start-up waits for it, then stops all.
     */
    public synchronized void start(PfConfig config, Path configFile) throws Exception {
        checkPorts(config);
        try {
            startAll(config, configFile);
            ready = true;
        } catch (Exception | Error e) {
            close();
            throw e;
        }
    }

    /** The SIP container only logs a failed bind, so every listening port is checked first. */
    private static void checkPorts(PfConfig config) {
        for (Transport t : config.sip().transports()) {
            Ports.ensureFree(config.sip().host(), config.sip().port(), t);
        }
        Ports.ensureFree(config.msrp().host(), config.msrp().port(), Transport.TCP);
        if (config.msrp().tlsEnabled()) {
            Ports.ensureFree(config.msrp().host(), config.msrp().tlsPort(), Transport.TCP);
        }
        Ports.ensureFree(config.http().host(), config.http().port(), Transport.TCP);
    }

    private void startAll(PfConfig config, Path configFile) throws Exception {
        PrometheusMeterRegistry registry = JvmMetrics.newPrometheusRegistry();
        started.push(registry::close);
        started.push(JvmMetrics.bindTo(registry));
        HealthRegistry health = new HealthRegistry(Duration.ofSeconds(2));
        started.push(health);

        DeferredStore store = DeferredStore.open(new org.cpmft.store.StoreConfig(config.store().jdbcUrl(),
                config.store().user(), config.store().password(), config.store().poolSize(), config.store().chunkSize()));
        started.push(store);
        // Until the SIP side is in service the PF is not ready, whatever the other checks say.
        health.register("ready", () -> ready ? Health.up() : Health.down("starting"));
        // A real query, so a database lost after start-up makes the node unready.
        health.register("store", () -> Health.up(Map.of("database", config.store().isEmbedded() ? "h2" : "external",
                "transfers", store.transfers().countByState().values().stream().mapToLong(Long::longValue).sum())));

        MsrpRelay relay = MsrpRelay.start(relayConfig(config.msrp(), config.msrp().port(), registry));
        started.push(relay);
        MsrpRelay tlsRelay = null;
        if (config.msrp().tlsEnabled()) {
            // MSRPS (RFC 4975 section 14): streams offered as TCP/TLS/MSRP are anchored on this listener.
            MsrpTls tls = MsrpTls.fromPem(config.msrp().tlsCertificate().orElseThrow(),
                    config.msrp().tlsPrivateKey().orElseThrow(), null, false);
            tlsRelay = MsrpRelay.start(relayConfig(config.msrp(), config.msrp().tlsPort(), registry).withTls(tls));
            started.push(tlsRelay);
        }
        health.register("msrp", () -> Health.up(Map.of("port", relay.port(), "activeLegs", relay.activeLegs())));

        started.push(OpsHttpServer.start(config.http(), registry, health));

        AtomicReference<InviteAnalyzer> analyzer = new AtomicReference<>(analyzer(config));
        AtomicReference<PfConfig> inForce = new AtomicReference<>(config);
        if (configFile != null) {
            started.push(ConfigWatcher.start(configFile, System.getenv(), config, Duration.ofSeconds(5),
                    (reloaded, changed) -> {
                        analyzer.set(analyzer(reloaded));
                        inForce.set(reloaded);
                        LOG.info("configuration reloaded; changed: {}", changed);
                    }));
        }
        ScheduledExecutorService timer = Executors.newScheduledThreadPool(1, daemon("pf-timer"));
        started.push(timer::shutdownNow);
        StoreWorker storeWorker = new StoreWorker(Math.max(2, config.store().poolSize() / 2),
                config.deferral().storeOutageGrace());
        started.push(storeWorker);
        // Files being stored wait for an unreachable database (deferral.storeOutageGrace): not ready meanwhile.
        health.register("storeWrites", () -> storeWorker.waitingForStore() == 0 ? Health.up()
                : Health.down(Map.of("waitingForStore", storeWorker.waitingForStore(), "error", storeWorker.lastError())));
        ExecutorService sipSender = Executors.newFixedThreadPool(4, daemon("pf-sip-out"));
        started.push(sipSender::shutdown);
        DeferralSettings deferralSettings = deferralSettings(config);
        // shared by the nodes through the store: an INVITE may reach another node than the REGISTER did
        RegistrationRegistry registrations = new RegistrationRegistry(Clock.systemUTC(),
                new StoredBindings(store.registrations(), deferralSettings.nodeId()));
        timer.scheduleWithFixedDelay(() -> {
            try {
                registrations.pruneLapsed(1000);
            } catch (RuntimeException e) {
                LOG.warn("pruning lapsed registrations failed: {}", e.toString());
            }
        }, 1, 1, TimeUnit.MINUTES);
        String userAgent = config.sip().serverHeader();
        DeferredDelivery delivery = new DeferredDelivery(store, registrations,
                new SipDeliveryAttempt(relay, userAgent, config.sip().inviteTimeout(), 64 * 1024, timer, sipSender),
                new SipNotificationSender(userAgent, timer),
                () -> RetryPolicies.from(inForce.get().retry()),
                deferralSettings, registry, Clock.systemUTC());
        started.push(delivery);
        StoreTransferDeferral deferral = new StoreTransferDeferral(
                new DeferralRules(Role.valueOf(config.policy().deferOn().name())), registrations, delivery.intake(),
                storeWorker, config.msrp().advertisedHost());
        SipEventListener registerFeed = new SipEventListener() {
            @Override
            public void thirdPartyRegister(ThirdPartyRegisterView r) {
                try {
                    registrations.apply(ThirdPartyRegister.parse(r.to(), r.expires(), r.bodyContentType(), r.body()));
                } catch (IllegalArgumentException e) {
                    LOG.warn("third-party REGISTER not understood: {}", e.getMessage());
                } catch (RuntimeException e) {
                    // the periodic retry still delivers; the S-CSCF's next REGISTER (refresh) stores it
                    LOG.warn("third-party REGISTER not stored: {}", e.toString());
                }
            }
        };
        List<CidrBlock> trusted = config.sip().trustedCore();
        PfServices.publish(new PfServices(new RelayMediaAnchoring(relay, tlsRelay), analyzer::get,
                new RoleResolver(Role.valueOf(config.sip().defaultRole().name())),
                address -> trusted.stream().anyMatch(block -> block.contains(address)),
                config.sip().serverHeader(), List.of(new SipMetrics(registry), registerFeed), deferral,
                config.sip().inviteTimeout(), new ImdnMessageRelay(new DeferredImdns(store, registrations,
                        () -> RetryPolicies.from(inForce.get().retry()), Clock.systemUTC()), config.sip().serverHeader())));
        SetupAdmission admission = new SetupAdmission(new SetupAdmission.Limits(config.sip().maxSetupsInProgress(),
                config.sip().maxSetupRate(), config.sip().overloadRetryAfter()));
        SipMetrics.bindOverloadControl(registry, admission);
        SipMetrics.bindSessionCounts(registry);
        SipMetrics.bindMalformedRequests(registry);
        EmbeddedSipContainer sip = new EmbeddedSipContainer(new EmbeddedSipContainer.Settings(
                config.sip().host(), config.sip().port(),
                config.sip().transports().stream().map(Transport::token).toList(),
                config.sip().outboundProxy().map(Object::toString).orElse(null),
                config.store().dataDir().resolve("sip-container"), admission, config.sip().serverHeader()));
        started.push(sip);
        sip.start();
        delivery.start();
        health.register("sip", () -> Health.up(Map.of("port", config.sip().port(),
                "transports", config.sip().transports().stream().map(Transport::token).toList())));
        LOG.info("PF ready: SIP {}:{} {}, MSRP {}:{}, HTTP {}:{}, store {}", config.sip().host(), config.sip().port(),
                config.sip().transports(), config.msrp().host(), relay.port(), config.http().host(),
                config.http().port(), config.store().isEmbedded() ? "embedded H2" : config.store().jdbcUrl());
    }

    private static DeferralSettings deferralSettings(PfConfig config) {
        DeferralConfig d = config.deferral();
        return DeferralSettings.defaults(d.nodeId().orElseGet(DeferralSettings::defaultNodeId))
                .withLease(d.lease()).withTickPeriod(d.tick()).withPostponeDelay(d.postponeDelay())
                .withResumeWindow(d.resumeWindow())
                .withDeviceAffinity(DeviceAffinity.valueOf(d.deviceAffinity().name()))
                .withDeferredMgmtUri(d.deferredMgmtUri().map(SipUri::text).orElse(null));
    }

    private static ThreadFactory daemon(String name) {
        return runnable -> {
            Thread t = new Thread(runnable, name);
            t.setDaemon(true);
            return t;
        };
    }

    private static InviteAnalyzer analyzer(PfConfig config) {
        PolicyConfig p = config.policy();
        return new InviteAnalyzer(new FileTransferPolicy(p.maxFileSize(), p.thumbnailMaxBytes(),
                ThumbnailHandling.valueOf(p.thumbnailOversize().name()), p.groupFileTransfer(),
                GroupSessionIdentities.of(p.groupSessionIdentities())), config.sip().host());
    }

    private static RelayConfig relayConfig(MsrpConfig msrp, int port, PrometheusMeterRegistry registry) {
        return RelayConfig.of(msrp.host(), port)
                .withAdvertisedHost(msrp.advertisedHost())
                .withLimits(new MsrpDecoderLimits(msrp.maxHeaderBytes(), msrp.maxHeaders()))
                .withTimeouts(Duration.ofSeconds(30), Duration.ofSeconds(10), msrp.idleTimeout())
                .withMeterRegistry(registry);
    }

    @Override
    public synchronized void close() {
        ready = false;
        while (!started.isEmpty()) {
            AutoCloseable c = started.pop();
            try {
                c.close();
            } catch (Exception e) {
                LOG.warn("error while stopping {}: {}", c.getClass().getSimpleName(), e.toString());
            }
        }
    }
}
