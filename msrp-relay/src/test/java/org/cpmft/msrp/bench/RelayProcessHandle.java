package org.cpmft.msrp.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.cpmft.msrp.message.MsrpUri;

/** Starts {@link RelayProcess} in a child JVM on this JVM's class path and talks to it. */
final class RelayProcessHandle implements AutoCloseable {
    private static final Duration REPLY_TIMEOUT = Duration.ofSeconds(60);
    private final Process process;
    private final Writer commands;
    private final BlockingQueue<String> replies = new LinkedBlockingQueue<>();
    private final int port;

    /** The two URIs of an allocated pair. */
    record Pair(String tag, MsrpUri offererLeg, MsrpUri answererLeg) {
    }

    /** Relay meter totals. */
    record Metrics(long frames, long bytes, long backpressurePauses, long wireWaits, long pendingThrottles,
                   long errors) {
    }

    /** Heap in use after GC and direct memory in use. */
    record Heap(long usedAfterGc, long nettyDirect, long jdkDirect) {
    }

    private RelayProcessHandle(Process process) throws IOException, TimeoutException {
        this.process = process;
        this.commands = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.US_ASCII);
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.US_ASCII))) {
                String line;
                while ((line = in.readLine()) != null) {
                    if (line.startsWith("OK") || line.startsWith("ERR") || line.startsWith("PORT ")) {
                        replies.add(line);
                    } else {
                        System.err.println("relay: " + line); // e.g. the JVM announcing a JFR recording
                    }
                }
            } catch (IOException ignored) {
                // the process ended
            }
        }, "relay-process-reader");
        reader.setDaemon(true);
        reader.start();
        String first = next(Duration.ofSeconds(60));
        if (!first.startsWith("PORT ")) {
            throw new IOException("relay process said: " + first);
        }
        this.port = Integer.parseInt(first.substring(5));
    }

    /**
     * @param maxHeap  -Xmx value, e.g. "256m"
     * @param jvmOptions further options, e.g. a JFR recording
     */
    static RelayProcessHandle start(String maxHeap, int ioThreads, List<String> jvmOptions)
            throws IOException, TimeoutException {
        return start(maxHeap, ioThreads, jvmOptions, System.getProperty("java.class.path"));
    }

    /** As {@link #start(String, int, List)} with another class path (e.g. the relay's classes of an older build). */
    static RelayProcessHandle start(String maxHeap, int ioThreads, List<String> jvmOptions, String classPath)
            throws IOException, TimeoutException {
        List<String> cmd = new ArrayList<>();
        // e.g. "strace -f -c -o /tmp/relay.strace" to count the relay's system calls
        String prefix = System.getProperty("bench.relayCommandPrefix", "").trim();
        if (!prefix.isEmpty()) {
            cmd.addAll(List.of(prefix.split("\\s+")));
        }
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx" + maxHeap);
        cmd.add("-Xms" + maxHeap);
        cmd.addAll(jvmOptions);
        cmd.add("-cp");
        cmd.add(classPath);
        cmd.add(RelayProcess.class.getName());
        cmd.add(Integer.toString(ioThreads));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            return new RelayProcessHandle(p);
        } catch (IOException | TimeoutException | RuntimeException e) {
            p.destroyForcibly();
            throw e;
        }
    }

    /**
     * This JVM's class path with the module's main classes ({@code .../classes} next to {@code .../test-classes})
     * replaced by {@code relayClasses}, so that the benchmark's own classes run against another relay build.
     */
    static String classPathWithRelayClasses(String relayClasses) {
        String sep = java.io.File.pathSeparator;
        List<String> out = new ArrayList<>();
        boolean replaced = false;
        for (String e : System.getProperty("java.class.path").split(java.util.regex.Pattern.quote(sep))) {
            Path p = Path.of(e);
            if (!replaced && p.getFileName() != null && p.getFileName().toString().equals("classes")
                    && p.resolveSibling("test-classes").toFile().isDirectory()) {
                out.add(relayClasses);
                replaced = true;
            } else {
                out.add(e);
            }
        }
        if (!replaced) {
            throw new IllegalStateException("no .../classes entry next to .../test-classes on the class path");
        }
        return String.join(sep, out);
    }

    long pid() {
        return process.pid();
    }

    int port() {
        return port;
    }

    private String next(Duration timeout) throws IOException, TimeoutException {
        try {
            String line = replies.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (line == null) {
                throw new TimeoutException("relay process did not answer in " + timeout
                        + (process.isAlive() ? "" : " (exited " + process.exitValue() + ")"));
            }
            return line;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private synchronized String[] call(String command) throws IOException, TimeoutException {
        commands.write(command + "\n");
        commands.flush();
        String line = next(REPLY_TIMEOUT);
        if (!line.startsWith("OK")) {
            throw new IOException(command + ": " + line);
        }
        return line.split(" ");
    }

    /**
     * Allocates one pair per element and binds it: offerer leg to {@code offererPaths[i]}, answerer leg
     * to {@code answererPaths[i]} (the relay connects to it). Commands are pipelined.
     */
    synchronized List<Pair> pairs(List<MsrpUri> offererPaths, List<MsrpUri> answererPaths)
            throws IOException, TimeoutException {
        int n = offererPaths.size();
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append("PAIR ").append(i).append(' ').append(offererPaths.get(i).format()).append(' ')
                    .append(answererPaths.get(i).format()).append('\n');
        }
        commands.write(sb.toString());
        commands.flush();
        Map<Integer, Pair> byTag = new HashMap<>();
        for (int i = 0; i < n; i++) {
            String[] r = next(REPLY_TIMEOUT).split(" ");
            if (!r[0].equals("OK")) {
                throw new IOException("PAIR failed: " + String.join(" ", r));
            }
            byTag.put(Integer.parseInt(r[1]), new Pair(r[1], MsrpUri.parse(r[2]), MsrpUri.parse(r[3])));
        }
        List<Pair> result = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            result.add(byTag.get(i));
        }
        return result;
    }

    /** Allocates {@code n} pairs without binding them (tags 0..n-1). */
    synchronized List<Pair> allocate(int n) throws IOException, TimeoutException {
        List<Pair> result = new ArrayList<>(n);
        for (int from = 0; from < n; from += 1000) {
            StringBuilder sb = new StringBuilder();
            int to = Math.min(n, from + 1000);
            for (int i = from; i < to; i++) {
                sb.append("ALLOC ").append(i).append('\n');
            }
            commands.write(sb.toString());
            commands.flush();
            for (int i = from; i < to; i++) {
                String[] r = next(REPLY_TIMEOUT).split(" ");
                if (!r[0].equals("OK")) {
                    throw new IOException("ALLOC failed: " + String.join(" ", r));
                }
                result.add(new Pair(r[1], MsrpUri.parse(r[2]), MsrpUri.parse(r[3])));
            }
        }
        return result;
    }

    /** Binds pairs made by {@link #allocate}. */
    synchronized void bind(List<Pair> pairs, List<MsrpUri> offererPaths, List<MsrpUri> answererPaths)
            throws IOException, TimeoutException {
        for (int from = 0; from < pairs.size(); from += 1000) {
            int to = Math.min(pairs.size(), from + 1000);
            StringBuilder sb = new StringBuilder();
            for (int i = from; i < to; i++) {
                sb.append("BIND ").append(pairs.get(i).tag()).append(' ').append(offererPaths.get(i).format())
                        .append(' ').append(answererPaths.get(i).format()).append('\n');
            }
            commands.write(sb.toString());
            commands.flush();
            for (int i = from; i < to; i++) {
                String line = next(REPLY_TIMEOUT);
                if (!line.startsWith("OK")) {
                    throw new IOException("BIND failed: " + line);
                }
            }
        }
    }

    void closePairs() throws IOException, TimeoutException {
        call("CLOSE");
    }

    /** Starts a {@link TcpSpliceProxy} in the relay JVM towards 127.0.0.1:targetPort; returns its port. */
    int startProxy(int targetPort) throws IOException, TimeoutException {
        return Integer.parseInt(call("PROXY " + targetPort)[1]);
    }

    long cpuNanos() throws IOException, TimeoutException {
        return Long.parseLong(call("CPU")[1]);
    }

    /** CPU time of the relay JVM's Netty event-loop threads. */
    long ioCpuNanos() throws IOException, TimeoutException {
        return Long.parseLong(call("IOCPU")[1]);
    }

    Heap heap() throws IOException, TimeoutException {
        String[] r = call("HEAP");
        return new Heap(Long.parseLong(r[1]), Long.parseLong(r[2]), Long.parseLong(r[3]));
    }

    /** Peak heap in use since the last call, and the maximum heap. */
    long[] peakHeap() throws IOException, TimeoutException {
        String[] r = call("PEAK");
        return new long[] {Long.parseLong(r[1]), Long.parseLong(r[2])};
    }

    Metrics metrics() throws IOException, TimeoutException {
        String[] r = call("METRICS");
        return new Metrics(Long.parseLong(r[1]), Long.parseLong(r[2]), Long.parseLong(r[3]), Long.parseLong(r[4]),
                Long.parseLong(r[5]), Long.parseLong(r[6]));
    }

    @Override
    public void close() {
        try {
            synchronized (this) {
                commands.write("QUIT\n");
                commands.flush();
            }
        } catch (IOException ignored) {
            // already gone
        }
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
