package org.cpmft.pf.config;

import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The whole PF configuration, immutable. Load it with {@link ConfigLoader#load}; the policy and
 * retry sections can be replaced at run time ({@link #withReloadable}), the others need a restart.
 */
public record PfConfig(SipConfig sip, MsrpConfig msrp, StoreConfig store, HttpConfig http, PolicyConfig policy,
        RetryConfig retry, DeferralConfig deferral) {

    public PfConfig {
        Objects.requireNonNull(sip, "sip");
        Objects.requireNonNull(msrp, "msrp");
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(http, "http");
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(retry, "retry");
        Objects.requireNonNull(deferral, "deferral");
    }

    /** Every value at its embedded default. */
    public static PfConfig defaults() {
        return ConfigLoader.load(null, Map.of());
    }

    /** This configuration with the reloadable sections (policy, retry) taken from {@code next}. */
    public PfConfig withReloadable(PfConfig next) {
        return new PfConfig(sip, msrp, store, http, next.policy, next.retry, deferral);
    }

    /** The keys ({@code section.key}) whose values differ between this and {@code other}. */
    public List<String> changedKeys(PfConfig other) {
        List<String> changed = new ArrayList<>();
        for (RecordComponent section : PfConfig.class.getRecordComponents()) {
            Object mine = get(section, this);
            Object theirs = get(section, other);
            for (RecordComponent key : section.getType().getRecordComponents()) {
                if (!Objects.equals(get(key, mine), get(key, theirs))) {
                    changed.add(section.getName() + "." + key.getName());
                }
            }
        }
        return changed;
    }

    private static Object get(RecordComponent component, Object record) {
        try {
            return component.getAccessor().invoke(record);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }
}
