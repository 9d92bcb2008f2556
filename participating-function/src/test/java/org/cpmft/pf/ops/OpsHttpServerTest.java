package org.cpmft.pf.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.zip.GZIPInputStream;
import org.cpmft.pf.config.PortUnavailableException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OpsHttpServerTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private PrometheusMeterRegistry registry;
    private JvmMetrics jvm;
    private HealthRegistry health;
    private OpsHttpServer server;

    @BeforeEach
    void start() {
        registry = JvmMetrics.newPrometheusRegistry();
        jvm = JvmMetrics.bindTo(registry);
        health = new HealthRegistry(Duration.ofMillis(500));
        server = OpsHttpServer.start("127.0.0.1", 0, registry, health);
    }

    @AfterEach
    void stop() {
        server.stop();
        health.close();
        jvm.close();
        registry.close();
    }

    private HttpResponse<byte[]> request(String method, String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .timeout(Duration.ofSeconds(10))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (headers.length > 0) {
            b.headers(headers);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private HttpResponse<byte[]> get(String path, String... headers) throws Exception {
        return request("GET", path, headers);
    }

    private static String text(HttpResponse<byte[]> r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    @Test
    void metricsArePrometheusTextWithJvmAndApplicationMeters() throws Exception {
        Counter.builder("pf.transfers").tag("outcome", "delivered").register(registry).increment(3);

        HttpResponse<byte[]> r = get("/metrics");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
        assertThat(text(r))
                .contains("pf_transfers_total{outcome=\"delivered\"} 3.0")
                .contains("jvm_memory_used_bytes")
                .contains("jvm_threads_live_threads")
                .contains("process_uptime_seconds")
                .contains("system_cpu_count")
                .contains("jvm_classes_loaded_classes");
    }

    @Test
    void metricsInOpenMetricsWhenAskedFor() throws Exception {
        HttpResponse<byte[]> r = get("/metrics", "Accept", "application/openmetrics-text; version=1.0.0,text/plain;q=0.5");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).get().asString().startsWith("application/openmetrics-text");
        assertThat(text(r)).endsWith("# EOF\n");
    }

    @Test
    void metricsAreGzippedWhenAccepted() throws Exception {
        HttpResponse<byte[]> r = get("/metrics", "Accept-Encoding", "gzip");
        assertThat(r.headers().firstValue("Content-Encoding")).hasValue("gzip");
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(r.body()))) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).contains("jvm_memory_used_bytes");
        }
    }

    @Test
    void healthIsUpWithNoChecks() throws Exception {
        HttpResponse<byte[]> r = get("/health");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(text(r)).isEqualTo("{\"status\":\"UP\",\"checks\":{}}");
    }

    @Test
    void healthIsDownWhenAnyCheckIsDown() throws Exception {
        health.register("store", () -> Health.up(Map.of("pendingFiles", 4)));
        health.register("msrp", () -> Health.down("listener closed"));
        health.register("sip", () -> {
            throw new IOException("container not started");
        });

        HttpResponse<byte[]> r = get("/health");

        assertThat(r.statusCode()).isEqualTo(503);
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.get("status").asText()).isEqualTo("DOWN");
        assertThat(body.at("/checks/store/status").asText()).isEqualTo("UP");
        assertThat(body.at("/checks/store/pendingFiles").asInt()).isEqualTo(4);
        assertThat(body.at("/checks/msrp/status").asText()).isEqualTo("DOWN");
        assertThat(body.at("/checks/msrp/error").asText()).isEqualTo("listener closed");
        assertThat(body.at("/checks/sip/error").asText()).isEqualTo("IOException: container not started");
        assertThat(get("/health/ready").statusCode()).isEqualTo(503);
        assertThat(get("/health/live").statusCode()).as("liveness ignores dependencies").isEqualTo(200);

        health.unregister("msrp");
        health.unregister("sip");
        assertThat(get("/health").statusCode()).isEqualTo(200);
    }

    @Test
    void aHungCheckIsReportedDownWithoutHangingTheEndpoint() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        health.register("db", () -> {
            release.await();
            return Health.up();
        });
        try {
            HttpResponse<byte[]> first = get("/health");
            assertThat(first.statusCode()).isEqualTo(503);
            assertThat(JSON.readTree(first.body()).at("/checks/db/error").asText()).isEqualTo("timed out after 500 ms");
        } finally {
            release.countDown();
        }
    }

    @Test
    void aCheckStillRunningIsNotStartedTwice() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch started = new CountDownLatch(1);
        HealthRegistry slow = new HealthRegistry(Duration.ofSeconds(10));
        slow.register("db", () -> {
            started.countDown();
            release.await();
            return Health.up();
        });
        Thread first = new Thread(slow::evaluate);
        try {
            first.start();
            assertThat(started.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            HealthReport second = slow.evaluate();
            assertThat(second.checks().get("db").details()).containsEntry("error", "previous check still running");
        } finally {
            release.countDown();
            first.join(10_000);
            slow.close();
        }
    }

    @Test
    void aCheckThatIgnoresInterruptsHoldsOnlyOneThread() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        HealthRegistry stubborn = new HealthRegistry(Duration.ofMillis(200));
        stubborn.register("db", () -> {
            while (true) {
                try {
                    if (release.await(30, java.util.concurrent.TimeUnit.SECONDS)) {
                        return Health.up();
                    }
                    return Health.down("never released");
                } catch (InterruptedException ignored) {
                    // a badly behaved check: keeps waiting after the registry gave up on it
                }
            }
        });
        try {
            assertThat(stubborn.evaluate().checks().get("db").details()).containsEntry("error", "timed out after 200 ms");
            assertThat(stubborn.evaluate().checks().get("db").details())
                    .containsEntry("error", "previous check still running");
            release.countDown();
            HealthReport after = null;
            for (int i = 0; i < 50 && (after == null || !after.isUp()); i++) {
                Thread.sleep(100);
                after = stubborn.evaluate();
            }
            assertThat(after.isUp()).isTrue();
        } finally {
            release.countDown();
            stubborn.close();
        }
    }

    @Test
    void headGetsHeadersOnlyAndOtherMethodsAreRefused() throws Exception {
        HttpResponse<byte[]> head = request("HEAD", "/health");
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.body()).isEmpty();

        HttpResponse<byte[]> post = request("POST", "/metrics");
        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(post.headers().firstValue("Allow")).hasValue("GET, HEAD");
    }

    @Test
    void unknownPathsAreNotFound() throws Exception {
        assertThat(get("/").statusCode()).isEqualTo(404);
        assertThat(get("/metricsx").statusCode()).isEqualTo(404);
        assertThat(get("/health/other").statusCode()).isEqualTo(404);
    }

    @Test
    void aTakenPortFailsLoudlyAndAStoppedServerFreesIt() throws Exception {
        int port = server.port();
        assertThatThrownBy(() -> OpsHttpServer.start("127.0.0.1", port, registry, health))
                .isInstanceOf(PortUnavailableException.class)
                .hasMessageStartingWith("http 127.0.0.1:" + port + " is not available: ");

        server.stop();
        try (ServerSocket again = new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1"))) {
            assertThat(again.getLocalPort()).isEqualTo(port);
        }
        server = OpsHttpServer.start("127.0.0.1", 0, registry, health); // for @AfterEach
    }
}
