package org.cpmft.pf.bench;

import java.util.List;

/** Nearest-rank percentiles and medians of measured values. */
final class Percentiles {
    private Percentiles() {
    }

    /** The nearest-rank {@code p}th percentile (p in 0..100) of {@code values}, NaN when empty. */
    static double of(List<Long> values, double p) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        long[] a = values.stream().mapToLong(Long::longValue).sorted().toArray();
        int rank = (int) Math.ceil(p / 100.0 * a.length);
        return a[Math.max(0, Math.min(a.length - 1, rank - 1))];
    }

    static double median(List<Double> values) {
        double[] a = values.stream().mapToDouble(Double::doubleValue).filter(d -> !Double.isNaN(d)).sorted().toArray();
        if (a.length == 0) {
            return Double.NaN;
        }
        return a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
    }
}
