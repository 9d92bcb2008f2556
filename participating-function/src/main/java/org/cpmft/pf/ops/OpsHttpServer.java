package org.cpmft.pf.ops;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPOutputStream;
import org.cpmft.pf.config.HttpConfig;
import org.cpmft.pf.config.PortUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operations endpoint, on the JDK's HTTP server:
 * <ul>
 * <li>{@code GET /metrics}: Prometheus text format 0.0.4, or OpenMetrics 1.0 when the scraper
 *     asks for it in Accept; gzip when accepted.</li>
 * <li>{@code GET /health} (also {@code /health/ready}): the {@link HealthReport} as JSON, 200 when
 *     UP, 503 when DOWN.</li>
 * <li>{@code GET /health/live}: 200 while the process serves HTTP at all, without running checks,
 *     for a liveness probe that must not restart the node because the database is away.</li>
 * </ul>
 * HEAD is answered for each; other methods get 405.
 */
public final class OpsHttpServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OpsHttpServer.class);
    private static final String JSON = "application/json";
    // The two text formats the Prometheus client writes; the registry picks its writer by these.
    static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
    static final String OPENMETRICS_TEXT = "application/openmetrics-text; version=1.0.0; charset=utf-8";

    private final HttpServer server;
    private final ExecutorService executor;
    private final PrometheusMeterRegistry registry;
    private final HealthRegistry health;

    private OpsHttpServer(HttpServer server, ExecutorService executor, PrometheusMeterRegistry registry,
            HealthRegistry health) {
        this.server = server;
        this.executor = executor;
        this.registry = registry;
        this.health = health;
    }

    public static OpsHttpServer start(HttpConfig config, PrometheusMeterRegistry registry, HealthRegistry health) {
        return start(config.host(), config.port(), registry, health);
    }

    /**
     * Binds and starts serving.
     *
     * @param port 0 for an ephemeral port (see {@link #port()})
     * @throws PortUnavailableException when the address cannot be bound
     */
    public static OpsHttpServer start(String host, int port, PrometheusMeterRegistry registry, HealthRegistry health) {
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(health, "health");
        InetSocketAddress address = new InetSocketAddress(host, port);
        if (address.isUnresolved()) {
            throw new PortUnavailableException("http " + host + ":" + port + ": host '" + host + "' does not resolve", null);
        }
        HttpServer server;
        try {
            server = HttpServer.create(address, 16);
        } catch (IOException e) {
            throw new PortUnavailableException("http " + host + ":" + port + " is not available: " + e.getMessage(), e);
        }
        AtomicInteger n = new AtomicInteger();
        // Two threads: a slow scrape must not hold up a health probe.
        ExecutorService executor = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "pf-ops-http-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        OpsHttpServer ops = new OpsHttpServer(server, executor, registry, health);
        server.createContext("/", ops::handle);
        server.setExecutor(executor);
        server.start();
        LOG.info("Operations endpoint on http://{}:{}/ (/metrics, /health)", host, ops.port());
        return ops;
    }

    /** The bound address, with the real port when started on port 0. */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** Stops serving and frees the port. */
    public void stop() {
        // No grace period: the JDK 17 server waits out the whole delay even when idle, and a cut
        // scrape or probe during shutdown is harmless (the next one goes to the new process).
        server.stop(0);
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stop();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            String method = exchange.getRequestMethod();
            boolean known = switch (path) {
                case "/metrics", "/health", "/health/ready", "/health/live" -> true;
                default -> false;
            };
            if (!known) {
                send(exchange, 404, "text/plain; charset=utf-8", "not found: try /metrics or /health\n");
                return;
            }
            if (!method.equals("GET") && !method.equals("HEAD")) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                send(exchange, 405, "text/plain; charset=utf-8", "method not allowed\n");
                return;
            }
            switch (path) {
                case "/metrics" -> metrics(exchange);
                case "/health/live" -> send(exchange, 200, JSON, "{\"status\":\"UP\"}");
                default -> {
                    HealthReport report = health.evaluate();
                    send(exchange, report.httpStatus(), JSON, report.toJson());
                }
            }
        } catch (RuntimeException e) {
            LOG.error("Operations endpoint failed on {}", exchange.getRequestURI(), e);
            try {
                send(exchange, 500, "text/plain; charset=utf-8", "internal error\n");
            } catch (IOException | RuntimeException ignored) {
                // headers already sent: the client sees a cut response
            }
        }
    }

    private void metrics(HttpExchange exchange) throws IOException {
        String accept = exchange.getRequestHeaders().getFirst("Accept");
        String contentType = accept != null && accept.contains("application/openmetrics-text")
                ? OPENMETRICS_TEXT
                : PROMETHEUS_TEXT;
        ByteArrayOutputStream body = new ByteArrayOutputStream(16 * 1024);
        registry.scrape(body, contentType);
        String encoding = exchange.getRequestHeaders().getFirst("Accept-Encoding");
        byte[] bytes = body.toByteArray();
        if (encoding != null && encoding.contains("gzip")) {
            ByteArrayOutputStream zipped = new ByteArrayOutputStream(bytes.length / 4 + 64);
            try (GZIPOutputStream gz = new GZIPOutputStream(zipped)) {
                gz.write(bytes);
            }
            bytes = zipped.toByteArray();
            exchange.getResponseHeaders().set("Content-Encoding", "gzip");
        }
        send(exchange, 200, contentType, bytes);
    }

    private static void send(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        send(exchange, status, contentType, body.getBytes(StandardCharsets.UTF_8));
    }

    private static void send(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        boolean head = exchange.getRequestMethod().equals("HEAD");
        // For HEAD, -1 says "no body follows"; Content-Length still tells the size of a GET.
        if (head) {
            exchange.getResponseHeaders().set("Content-Length", Integer.toString(body.length));
        }
        exchange.sendResponseHeaders(status, head ? -1 : body.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }
}
