package org.cpmft.pf.sip;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.catalina.LifecycleException;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.core.StandardContext;
import org.apache.catalina.core.StandardHost;
import org.mobicents.servlet.sip.catalina.SipHostConfig;
import org.mobicents.servlet.sip.catalina.SipProtocolHandler;
import org.mobicents.servlet.sip.catalina.SipStandardEngine;
import org.mobicents.servlet.sip.catalina.SipStandardManager;
import org.mobicents.servlet.sip.catalina.SipStandardService;
import org.mobicents.servlet.sip.core.SipApplicationDispatcherImpl;
import org.mobicents.servlet.sip.startup.SipContextConfig;
import org.mobicents.servlet.sip.startup.SipStandardContext;

/**
 * Restcomm SIP Servlets (Tomcat 7 flavour) embedded in this process: one service, one engine, one
 * host, one SIP connector per transport and the PF application deployed from a generated docBase.
 * See ../shared/notes/restcomm-sip-servlets-on-java17.md for the pitfalls this class works around.
 */
public final class EmbeddedSipContainer implements AutoCloseable {

    public static final String APP_NAME = "cpm-ft-pf";

    /**
     * Where and how the container listens.
     *
     * @param admission    overload control of new INVITEs ({@link OverloadValve}); null: none
     * @param serverHeader Server header of the overload 503s and of the 400s to malformed requests
     */
    public record Settings(String host, int port, List<String> transports, String outboundProxy,
                           Path workDir, SetupAdmission admission, String serverHeader) {

        public Settings(String host, int port, List<String> transports, String outboundProxy, Path workDir) {
            this(host, port, transports, outboundProxy, workDir, null, null);
        }
    }

    private static final AtomicInteger INSTANCES = new AtomicInteger();

    private final Settings settings;
    private final String admissionId = "pf-" + INSTANCES.incrementAndGet();
    private SipStandardService service;

    public EmbeddedSipContainer(Settings settings) {
        this.settings = settings;
    }

    public void start() throws LifecycleException, IOException {
        // Java 9+ removed the javax.imageio ServiceRegistry path the container uses to find its router.
        System.setProperty("javax.servlet.sip.ar.spi.SipApplicationRouterProvider",
                "org.mobicents.servlet.sip.router.DefaultApplicationRouterProvider");
        Path base = Files.createDirectories(settings.workDir().toAbsolutePath());
        // Tomcat's HostConfig resolves the host's appBase against catalina.base.
        System.setProperty("catalina.base", base.toString());
        System.setProperty("catalina.home", base.toString());
        Path docBase = Files.createDirectories(base.resolve("app"));
        Files.createDirectories(docBase.resolve("WEB-INF"));
        copyResource("sip.xml", docBase.resolve("WEB-INF/sip.xml"));
        Path dar = base.resolve("dar.properties");
        copyResource("dar.properties", dar);

        service = new SipStandardService();
        service.setName("cpm-pf");
        service.setSipApplicationDispatcherClassName(SipApplicationDispatcherImpl.class.getName());
        service.setDarConfigurationFileLocation(dar.toUri().toString());
        service.setGatherStatistics(false);
        service.setCongestionControlCheckingInterval(-1);
        service.setConcurrencyControlMode("SipApplicationSession");
        if (settings.admission() != null && settings.admission().limits().any()) {
            OverloadValve.register(admissionId, settings.admission(), settings.serverHeader());
            SipRuntime.publish(settings.admission());
        }
        service.setSipStackProperties(stackProperties());
        if (settings.outboundProxy() != null && !settings.outboundProxy().isBlank()) {
            service.setOutboundProxy(hostPort(settings.outboundProxy()));
        }

        SipStandardEngine engine = new SipStandardEngine();
        engine.setName("cpm-pf");
        engine.setBaseDir(base.toString());
        engine.setDefaultHost("localhost");
        engine.setService(service);
        service.setContainer(engine);
        service.init();

        StandardHost host = new StandardHost();
        host.setName("localhost");
        host.setAppBase(base.resolve("webapps").toString());
        host.setConfigClass(StandardContext.class.getName());
        host.addLifecycleListener(new SipHostConfig());
        host.setAutoDeploy(false);
        host.setDeployOnStartup(false);
        engine.addChild(host);

        for (String transport : settings.transports()) {
            Connector connector = new Connector(SipProtocolHandler.class.getName());
            SipProtocolHandler handler = (SipProtocolHandler) connector.getProtocolHandler();
            try {
                handler.setPort(settings.port());
                handler.setIpAddress(settings.host());
                handler.setSignalingTransport(transport.toLowerCase());
            } catch (Exception e) {
                throw new LifecycleException("cannot configure SIP connector " + transport, e);
            }
            service.addConnector(connector);
        }
        service.start();
        for (String transport : settings.transports()) {
            ensureBound(transport.toLowerCase());
        }
        service.getSipApplicationDispatcher().putInService();

        SipStandardContext context = new SipStandardContext();
        context.setDocBase(docBase.toString());
        context.setName(APP_NAME);
        context.setPath("/" + APP_NAME);
        context.addLifecycleListener(new SipContextConfig());
        context.setManager(new SipStandardManager());
        context.setParentClassLoader(EmbeddedSipContainer.class.getClassLoader());
        host.addChild(context);
        if (!context.getAvailable()) {
            throw new LifecycleException("the SIP application did not deploy (see the log above)");
        }
    }

    /** The container only logs a failed bind (a port taken between our check and its bind): check it. */
    private void ensureBound(String transport) throws LifecycleException {
        java.net.InetSocketAddress address = new java.net.InetSocketAddress(settings.host(), settings.port());
        boolean bound;
        if ("udp".equals(transport)) {
            try (java.net.DatagramSocket probe = new java.net.DatagramSocket(address)) {
                bound = false;
            } catch (java.net.SocketException inUse) {
                bound = true;
            }
        } else {
            try (java.net.Socket probe = new java.net.Socket()) {
                probe.connect(address, 2000);
                bound = true;
            } catch (IOException refused) {
                bound = false;
            }
        }
        if (!bound) {
            close();
            throw new LifecycleException("SIP " + transport + " listener " + settings.host() + ":" + settings.port()
                    + " did not bind (port taken?)");
        }
    }

    private Properties stackProperties() {
        Properties p = new Properties();
        p.setProperty("javax.sip.STACK_NAME", "cpm-pf");
        p.setProperty("javax.sip.AUTOMATIC_DIALOG_SUPPORT", "off");
        p.setProperty("gov.nist.javax.sip.LOOSE_DIALOG_VALIDATION", "true");
        p.setProperty("gov.nist.javax.sip.PASS_INVITE_NON_2XX_ACK_TO_LISTENER", "true");
        p.setProperty("gov.nist.javax.sip.TRACE_LEVEL", "0");
        p.setProperty("gov.nist.javax.sip.LOG_MESSAGE_CONTENT", "false");
        p.setProperty("gov.nist.javax.sip.THREAD_POOL_SIZE", "64");
        p.setProperty("gov.nist.javax.sip.REENTRANT_LISTENER", "true");
        p.setProperty("gov.nist.javax.sip.MAX_SERVER_TRANSACTIONS", "100000");
        p.setProperty("gov.nist.javax.sip.MAX_CLIENT_TRANSACTIONS", "100000");
        p.setProperty("gov.nist.javax.sip.AGGRESSIVE_CLEANUP", "true");
        p.setProperty("gov.nist.javax.sip.RECEIVE_UDP_BUFFER_SIZE", "4194304");
        p.setProperty("gov.nist.javax.sip.SEND_UDP_BUFFER_SIZE", "4194304");
        p.setProperty("gov.nist.javax.sip.CACHE_CLIENT_CONNECTIONS", "true");
        p.setProperty("gov.nist.javax.sip.TCP_POST_PARSING_THREAD_POOL_SIZE", "8");
        if (settings.serverHeader() != null && !settings.serverHeader().isBlank()) {
            // Requests the container builds itself (ACK, in-dialog BYE of a B2BUA leg) carry this
            // User-Agent; an empty value made them invalid (RFC 3261 20.41: at least one server-val).
            p.setProperty("org.mobicents.servlet.sip.USER_AGENT_HEADER", settings.serverHeader());
            p.setProperty(MalformedRequestValve.SERVER_HEADER, settings.serverHeader());
        }
        // Tuning without a rebuild: -Dgov.nist.javax.sip.THREAD_POOL_SIZE=8 and the like win.
        System.getProperties().stringPropertyNames().stream()
                .filter(k -> k.startsWith("gov.nist.javax.sip.") || k.startsWith("javax.sip."))
                .forEach(k -> p.setProperty(k, System.getProperty(k)));
        // Malformed requests: 400 with a Warning, or dropped, before anything else sees them.
        p.setProperty("gov.nist.javax.sip.MESSAGE_PARSER_FACTORY", CheckingParserFactory.class.getName());
        String valves = MalformedRequestValve.class.getName();
        if (settings.admission() != null && settings.admission().limits().any()) {
            valves += "," + OverloadValve.class.getName();
            p.setProperty(OverloadValve.ADMISSION_ID, admissionId);
        }
        p.setProperty("gov.nist.javax.sip.SIP_MESSAGE_VALVE", valves + "," + StrayResponseValve.class.getName());
        return p;
    }

    /** "sip:host:port;lr" -> "host:port" as the container's outbound-proxy setting wants it. */
    static String hostPort(String sipUri) {
        String s = sipUri.trim();
        if (s.startsWith("<") && s.endsWith(">")) {
            s = s.substring(1, s.length() - 1);
        }
        if (s.startsWith("sips:")) {
            s = s.substring(5);
        } else if (s.startsWith("sip:")) {
            s = s.substring(4);
        }
        int semi = s.indexOf(';');
        return semi < 0 ? s : s.substring(0, semi);
    }

    private static void copyResource(String name, Path target) {
        try (InputStream in = EmbeddedSipContainer.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        if (service == null) {
            return;
        }
        OverloadValve.unregister(admissionId);
        try {
            service.stop();
            service.destroy();
        } catch (LifecycleException e) {
            throw new IllegalStateException("SIP container did not stop cleanly", e);
        } finally {
            service = null;
        }
    }
}
