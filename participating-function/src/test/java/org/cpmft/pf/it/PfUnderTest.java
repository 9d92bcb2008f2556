package org.cpmft.pf.it;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** The PF started as operators start it: `java -jar`, configured through environment variables. */
final class PfUnderTest implements AutoCloseable {

    final int sipPort = FreePorts.next();
    final int msrpPort = FreePorts.next();
    final int httpPort = FreePorts.next();
    private final ProcessUnderTest process;

    PfUnderTest(Path workDir, Map<String, String> extraEnv) throws IOException, InterruptedException {
        Map<String, String> env = new HashMap<>();
        env.put("PF_SIP_HOST", "127.0.0.1");
        env.put("PF_SIP_PORT", Integer.toString(sipPort));
        env.put("PF_MSRP_HOST", "127.0.0.1");
        env.put("PF_MSRP_PORT", Integer.toString(msrpPort));
        env.put("PF_HTTP_HOST", "127.0.0.1");
        env.put("PF_HTTP_PORT", Integer.toString(httpPort));
        env.put("PF_STORE_DATA_DIR", workDir.resolve("pf-data").toString());
        env.putAll(extraEnv);
        process = ProcessUnderTest.start("pf", ProcessUnderTest.javaJar(), env, workDir);
        awaitHealthy(Duration.ofSeconds(60));
    }

    private void awaitHealthy(Duration timeout) throws InterruptedException {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("PF exited during start-up:\n" + process.output());
            }
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(
                        "http://127.0.0.1:" + httpPort + "/health")).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new AssertionError("PF not healthy within " + timeout + ":\n" + process.output());
    }

    String metrics() throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                "http://127.0.0.1:" + httpPort + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    ProcessUnderTest process() {
        return process;
    }

    int terminate(Duration timeout) throws InterruptedException {
        return process.terminate(timeout);
    }

    @Override
    public void close() {
        process.close();
    }
}
