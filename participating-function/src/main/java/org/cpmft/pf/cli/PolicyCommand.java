package org.cpmft.pf.cli;

import java.io.PrintWriter;
import java.lang.reflect.RecordComponent;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.cpmft.pf.config.ConfigException;
import org.cpmft.pf.config.ConfigLoader;
import org.cpmft.pf.config.DurationText;
import org.cpmft.pf.config.PfConfig;
import org.cpmft.pf.deferral.RetryPolicies;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** Shows the file transfer policy and the deferred delivery retry schedule in effect. */
@Command(name = "policy", mixinStandardHelpOptions = true,
        description = "The policy and retry sections in effect (file, PF_* variables, defaults).",
        subcommands = {PolicyCommand.Show.class})
public final class PolicyCommand {

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "Print the policy and retry keys in effect, and the resulting retry schedule.")
    static final class Show implements Callable<Integer> {
        @Mixin
        ConfigFileOption config;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PfConfig pf;
            try {
                pf = ConfigLoader.load(config.file(), System.getenv());
            } catch (ConfigException e) {
                spec.commandLine().getErr().println("participating-function: " + e.getMessage());
                spec.commandLine().getErr().flush();
                return 2;
            }
            PrintWriter out = spec.commandLine().getOut();
            print(out, "policy", pf.policy());
            print(out, "retry", pf.retry());
            var p = RetryPolicies.from(pf.retry());
            StringBuilder schedule = new StringBuilder();
            Duration total = Duration.ZERO;
            for (int n = 1; n <= Math.min(p.maxAttempts(), 12); n++) {
                total = total.plus(p.delayBeforeAttempt(n));
                if (total.compareTo(p.expiry()) >= 0) {
                    break;
                }
                schedule.append(n == 1 ? "" : ", ").append(DurationText.format(total));
            }
            out.println("retry schedule (attempt times after deferral): " + schedule
                    + (p.maxAttempts() > 12 ? ", ..." : ""));
            out.flush();
            return 0;
        }

        private static void print(PrintWriter out, String section, Record values) {
            for (RecordComponent c : values.getClass().getRecordComponents()) {
                Object v;
                try {
                    v = c.getAccessor().invoke(values);
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException(e);
                }
                if (v instanceof Duration d) {
                    v = DurationText.format(d);
                }
                out.printf("%s.%s: %s%n", section, c.getName(), v);
            }
        }
    }
}
