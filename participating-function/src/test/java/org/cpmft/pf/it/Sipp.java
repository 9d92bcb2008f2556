package org.cpmft.pf.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One SIPp run of a scenario from deploy/sipp: a UAC towards an address, or a UAS listening on a
 * port. Exit status 0 means every call of the scenario passed its checks; on failure
 * {@link #report()} gives SIPp's error log and message trace.
 */
final class Sipp {

    /** Longest a single SIPp run may take; SIPp's own -timeout stops it first. */
    static final Duration LIMIT = Duration.ofSeconds(40);

    private final String scenario;
    private final String name;
    private final Path dir;
    private final Map<String, String> keys = new LinkedHashMap<>();
    private String localIp = "127.0.0.1";
    private int localPort = FreePorts.next();
    private String remote;
    private boolean tcp;
    private int pauseMillis = -1;
    private int calls = 1;
    private int rate;
    private String service;
    private ProcessUnderTest process;

    private Sipp(Path scenarioFile, String name, Path dir) {
        this.scenario = scenarioFile.toString();
        this.name = name;
        this.dir = dir;
    }

    /** A scenario under deploy/sipp, e.g. "conformance/c-push-orig.xml". */
    static Sipp scenario(String relativePath, String name, Path dir) {
        Path file = PfJar.deployDir().resolve("sipp").resolve(relativePath);
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("no SIPp scenario " + file);
        }
        return new Sipp(file, name, dir);
    }

    Sipp to(String hostPort) {
        this.remote = hostPort;
        return this;
    }

    Sipp from(String ip) {
        this.localIp = ip;
        return this;
    }

    Sipp tcp(boolean on) {
        this.tcp = on;
        return this;
    }

    /** Listen and send on this port (e.g. the one a device registered from). */
    Sipp atPort(int port) {
        this.localPort = port;
        return this;
    }

    /** The user part of the Request-URI of UAC scenarios that use [service] (SIPp -s). */
    Sipp service(String user) {
        this.service = user;
        return this;
    }

    Sipp key(String name, String value) {
        keys.put(name, value);
        return this;
    }

    /** A UAC places {@code calls} calls at {@code perSecond} (SIPp -m, -r); a UAS serves that many (-m). */
    Sipp calls(int calls, int perSecond) {
        this.calls = calls;
        this.rate = perSecond;
        return this;
    }

    /** The scenario's {@code <pause/>} (SIPp -d). */
    Sipp pause(Duration d) {
        this.pauseMillis = (int) d.toMillis();
        return this;
    }

    int port() {
        return localPort;
    }

    /** host:port of this SIPp, with ;transport=tcp when it runs over TCP (for a Request-URI). */
    String address() {
        return localIp + ":" + localPort + (tcp ? ";transport=tcp" : "");
    }

    Sipp start() throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("sipp", "-sf", scenario));
        if (remote != null) {
            cmd.add(remote);
        }
        cmd.addAll(List.of("-i", localIp, "-p", Integer.toString(localPort), "-m", Integer.toString(calls), "-nostdin",
                "-timeout", "30s", "-timeout_error", "-trace_err", "-error_file", errorFile().toString(),
                "-trace_msg", "-message_file", messageFile().toString()));
        if (rate > 0) {
            cmd.addAll(List.of("-r", Integer.toString(rate)));
        }
        if (tcp) {
            cmd.addAll(List.of("-t", "t1"));
        }
        if (service != null) {
            cmd.addAll(List.of("-s", service));
        }
        if (pauseMillis >= 0) {
            cmd.addAll(List.of("-d", Integer.toString(pauseMillis)));
        }
        keys.forEach((k, v) -> cmd.addAll(List.of("-key", k, v)));
        process = ProcessUnderTest.start("sipp " + name, cmd, Map.of(), dir);
        if (remote == null) {
            awaitListening(Duration.ofSeconds(10));
        }
        return this;
    }

    /** A UAS is ready once its port is bound; bounded wait. */
    private void awaitListening(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline && process.isAlive()) {
            if (LocalPorts.isBound(localPort, tcp)) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError(name + ": SIPp did not start listening on " + localIp + ":" + localPort + "\n" + report());
    }

    int awaitExit() throws InterruptedException {
        return process.awaitExit(LIMIT);
    }

    void kill() {
        if (process != null) {
            process.close();
        }
    }

    Path messageFile() {
        return dir.resolve(name + "-messages.log");
    }

    private Path errorFile() {
        return dir.resolve(name + "-errors.log");
    }

    String messages() {
        return read(messageFile());
    }

    String report() {
        return "--- " + name + " output:\n" + (process == null ? "" : process.output())
                + "\n--- errors:\n" + read(errorFile()) + "\n--- messages:\n" + read(messageFile());
    }

    private static String read(Path p) {
        try {
            return Files.isRegularFile(p) ? Files.readString(p) : "(none)";
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }
}
