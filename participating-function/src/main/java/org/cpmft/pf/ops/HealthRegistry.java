package org.cpmft.pf.ops;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The named health checks of this PF node. Checks run in parallel, each bounded by a timeout, so
 * one hung dependency (a database that does not answer) cannot hang the /health endpoint. A
 * check whose previous run has not finished is not started again, which bounds the threads a
 * hung dependency can hold to one per check.
 */
public final class HealthRegistry implements AutoCloseable {

    private final Map<String, HealthCheck> checks = new ConcurrentHashMap<>();
    private final Map<String, Run> running = new ConcurrentHashMap<>();
    private final Duration timeout;
    private final ExecutorService executor;

    /** @param timeout how long one check may take before it is reported DOWN */
    public HealthRegistry(Duration timeout) {
        if (timeout.isZero() || timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must be positive: " + timeout);
        }
        this.timeout = timeout;
        AtomicInteger n = new AtomicInteger();
        this.executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "pf-health-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** Adds or replaces the check called {@code name}. */
    public void register(String name, HealthCheck check) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a health check needs a name");
        }
        checks.put(name, Objects.requireNonNull(check, "check"));
    }

    public void unregister(String name) {
        checks.remove(name);
        running.remove(name);
    }

    /** Runs every check now. With no checks registered the node is UP. */
    public HealthReport evaluate() {
        Map<String, Future<Health>> started = new LinkedHashMap<>();
        Map<String, Health> results = new LinkedHashMap<>();
        checks.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
            Run run = new Run(e.getValue());
            // Atomic, and registered before it runs: two concurrent probes never start a check twice.
            Run current = running.compute(e.getKey(),
                    (name, previous) -> previous != null && !previous.finished ? previous : run);
            if (current != run) {
                results.put(e.getKey(), Health.down("previous check still running"));
            } else {
                executor.execute(run.task);
                started.put(e.getKey(), run.task);
            }
        });
        long deadline = System.nanoTime() + timeout.toNanos();
        started.forEach((name, future) -> results.put(name, outcome(future, deadline)));
        Map<String, Health> sorted = new LinkedHashMap<>();
        results.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> sorted.put(e.getKey(), e.getValue()));
        return HealthReport.of(sorted);
    }

    private Health outcome(Future<Health> future, long deadline) {
        try {
            Health h = future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            return h == null ? Health.down("check returned nothing") : h;
        } catch (TimeoutException e) {
            future.cancel(true);
            return Health.down("timed out after " + timeout.toMillis() + " ms");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            String message = cause.getMessage();
            return Health.down(cause.getClass().getSimpleName() + (message == null ? "" : ": " + message));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            future.cancel(true);
            return Health.down("interrupted");
        }
    }

    /**
     * One execution of a check. {@code finished} is set when the check's code returns, not when
     * its future is cancelled: a check that ignores the interrupt still holds its thread.
     */
    private static final class Run {
        final FutureTask<Health> task;
        volatile boolean finished;

        Run(HealthCheck check) {
            task = new FutureTask<>(() -> {
                try {
                    return check.check();
                } finally {
                    finished = true;
                }
            });
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
