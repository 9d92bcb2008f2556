package org.cpmft.pf.ops;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmHeapPressureMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmInfoMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * The JVM and process meters (memory, GC, threads, classes, CPU, uptime, file descriptors) every
 * PF node exposes. Close it to detach the GC and heap-pressure listeners.
 */
public final class JvmMetrics implements AutoCloseable {

    private final JvmGcMetrics gc;
    private final JvmHeapPressureMetrics heapPressure;

    private JvmMetrics(MeterRegistry registry) {
        new ClassLoaderMetrics().bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new JvmInfoMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        gc = new JvmGcMetrics();
        gc.bindTo(registry);
        heapPressure = new JvmHeapPressureMetrics();
        heapPressure.bindTo(registry);
    }

    public static JvmMetrics bindTo(MeterRegistry registry) {
        return new JvmMetrics(registry);
    }

    /** A Prometheus registry for the PF; pass it to {@link OpsHttpServer} and bind JVM meters to it. */
    public static PrometheusMeterRegistry newPrometheusRegistry() {
        return new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    }

    @Override
    public void close() {
        gc.close();
        heapPressure.close();
    }
}
