package org.cpmft.pf.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The PF under measurement: its runnable jar started as operators start it ({@code java -jar},
 * configured by PF_* environment variables), on 127.0.0.1 with the given PostgreSQL store, output
 * to a log file. {@code PF_JVM_OPTS} (space separated) goes to its JVM, e.g. a JFR recording.
 */
final class PfNode implements AutoCloseable {
    final int sipPort = BenchPorts.next();
    final int msrpPort = BenchPorts.next();
    final int httpPort = BenchPorts.next();
    private final Process process;
    private final Path log;

    PfNode(Path jar, Path dir, String jdbcUrl, String user, String password, int outboundProxyPort,
           Map<String, String> extraEnv) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        String opts = System.getenv().getOrDefault("PF_JVM_OPTS", "-Xmx1g");
        cmd.addAll(Arrays.stream(opts.trim().split("\\s+")).filter(s -> !s.isEmpty()).toList());
        cmd.addAll(List.of("-jar", jar.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
        log = dir.resolve("pf.log");
        pb.redirectOutput(log.toFile());
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("PF_") && !k.equals("PF_JVM_OPTS"));
        env.put("PF_SIP_HOST", "127.0.0.1");
        env.put("PF_SIP_PORT", Integer.toString(sipPort));
        env.put("PF_MSRP_HOST", "127.0.0.1");
        env.put("PF_MSRP_PORT", Integer.toString(msrpPort));
        env.put("PF_HTTP_HOST", "127.0.0.1");
        env.put("PF_HTTP_PORT", Integer.toString(httpPort));
        env.put("PF_STORE_DATA_DIR", dir.resolve("pf-data").toString());
        env.put("PF_STORE_JDBC_URL", jdbcUrl);
        env.put("PF_STORE_USER", user);
        env.put("PF_STORE_PASSWORD", password);
        env.put("PF_SIP_OUTBOUND_PROXY", "sip:127.0.0.1:" + outboundProxyPort + ";lr");
        env.putAll(extraEnv);
        process = pb.start();
        awaitHealthy(Duration.ofSeconds(90));
    }

    private void awaitHealthy(Duration timeout) throws InterruptedException, IOException {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("PF exited during start-up:\n" + Files.readString(log));
            }
            try {
                if (http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/health"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding())
                        .statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("PF not healthy within " + timeout);
    }

    String metrics() throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                "http://127.0.0.1:" + httpPort + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    long pid() {
        return process.pid();
    }

    Path log() {
        return log;
    }

    /** SIGTERM (orderly stop: leases released), then kill after 30 s. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
