package org.cpmft.pf.cli;

import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.cpmft.pf.config.ConfigException;
import org.cpmft.pf.config.ConfigLoader;
import org.cpmft.pf.config.PfConfig;
import org.cpmft.pf.deferral.StoreConfigs;
import org.cpmft.store.DeferredStore;
import org.cpmft.store.StoreException;
import org.cpmft.store.transfer.DeferredTransfer;
import org.cpmft.store.transfer.TransferState;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * Operator commands on the deferred store named by the configuration (the same file and
 * {@code PF_*} variables {@code serve} reads). With the embedded H2 store the database file is
 * locked by a running PF: stop it first, or use a PostgreSQL store.
 * Exit status: 0 done, 1 not possible (unknown id, wrong state, store unreachable), 2 bad configuration.
 */
@Command(name = "store", mixinStandardHelpOptions = true,
        description = "Deferred file transfers: list, show, retry now, purge.",
        subcommands = {StoreCommand.ListTransfers.class, StoreCommand.Show.class, StoreCommand.Retry.class,
                StoreCommand.Purge.class})
public final class StoreCommand {

    /** Loads the configuration, opens the store, runs, closes. */
    abstract static class StoreAction implements Callable<Integer> {
        @Mixin
        ConfigFileOption config;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter err = spec.commandLine().getErr();
            PfConfig pf;
            try {
                pf = ConfigLoader.load(config.file(), System.getenv());
            } catch (ConfigException e) {
                err.println("participating-function: " + e.getMessage());
                err.flush();
                return 2;
            }
            try (DeferredStore store = DeferredStore.open(StoreConfigs.from(pf.store()))) {
                PrintWriter out = spec.commandLine().getOut();
                int status = run(store, out, err);
                out.flush();
                err.flush();
                return status;
            } catch (StoreException e) {
                err.println("participating-function: " + e.getMessage());
                err.flush();
                return 1;
            }
        }

        abstract int run(DeferredStore store, PrintWriter out, PrintWriter err);
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Deferred transfers, newest first.")
    static final class ListTransfers extends StoreAction {
        @Option(names = "--state", paramLabel = "STATE",
                description = "Only this state: ${COMPLETION-CANDIDATES}.")
        TransferState state;

        @Option(names = "--limit", defaultValue = "50", description = "At most this many rows. Default: ${DEFAULT-VALUE}.")
        int limit;

        @Option(names = "--offset", defaultValue = "0", description = "Skip this many rows. Default: ${DEFAULT-VALUE}.")
        int offset;

        @Override
        int run(DeferredStore store, PrintWriter out, PrintWriter err) {
            if (limit < 1 || offset < 0) {
                err.println("--limit must be >= 1 and --offset >= 0");
                return 1;
            }
            List<DeferredTransfer> rows = state == null ? store.transfers().listAll(offset, limit)
                    : store.transfers().listByState(state, offset, limit);
            out.printf("%-36s  %-10s  %4s  %-20s  %-20s  %s%n", "ID", "STATE", "TRY", "NEXT ATTEMPT", "SIZE", "SENDER -> RECIPIENT");
            for (DeferredTransfer t : rows) {
                out.printf("%-36s  %-10s  %4d  %-20s  %-20s  %s -> %s%n", t.id(), t.state(), t.attempts(),
                        t.state().isTerminal() ? "-" : short_(t.nextAttemptAt()),
                        t.bytesStored() + "/" + (t.totalSize() == null ? "?" : t.totalSize()), t.senderUri(),
                        t.recipientUri());
            }
            out.printf("%d transfer(s)%n", rows.size());
            return 0;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Every attribute of one transfer.")
    static final class Show extends StoreAction {
        @Parameters(paramLabel = "ID", description = "Transfer id (UUID).")
        UUID id;

        @Override
        int run(DeferredStore store, PrintWriter out, PrintWriter err) {
            Optional<DeferredTransfer> found = store.transfers().find(id);
            if (found.isEmpty()) {
                err.println("no deferred transfer " + id);
                return 1;
            }
            DeferredTransfer t = found.get();
            line(out, "id", t.id());
            line(out, "state", t.state());
            line(out, "sender", t.senderUri() + (t.senderInstance() == null ? "" : " " + t.senderInstance()));
            line(out, "recipient", t.recipientUri() + (t.recipientInstance() == null ? "" : " " + t.recipientInstance()));
            line(out, "file name", t.file().name());
            line(out, "file type", t.file().type());
            line(out, "file size", t.totalSize());
            line(out, "file hash", t.file().hash());
            line(out, "file-transfer-id", t.file().transferId());
            line(out, "file icon", t.file().iconContentType() == null ? null
                    : t.file().iconContentType() + ", " + t.file().icon().length + " bytes");
            line(out, "content type", t.contentType());
            line(out, "stored", t.contentStart() + ".." + t.bytesStored());
            line(out, "delivered", t.bytesDelivered());
            line(out, "conversation-id", t.conversationId());
            line(out, "contribution-id", t.contributionId());
            line(out, "in-reply-to", t.inReplyToContributionId());
            line(out, "imdn", t.imdnRequest() == null ? null
                    : t.imdnRequest().messageId() + " (" + t.imdnRequest().dispositionNotification() + ")");
            line(out, "attempts", t.attempts());
            line(out, "next attempt", t.nextAttemptAt());
            line(out, "expires", t.expiresAt());
            line(out, "lease", t.leaseOwner() == null ? null : t.leaseOwner() + " until " + t.leaseUntil());
            line(out, "last error", t.lastError());
            line(out, "created", t.createdAt());
            line(out, "updated", t.updatedAt());
            return 0;
        }

        private static void line(PrintWriter out, String name, Object value) {
            out.printf("%-17s %s%n", name + ":", value == null ? "-" : value);
        }
    }

    @Command(name = "retry", mixinStandardHelpOptions = true,
            description = "Make a stored transfer due now: the next timer round of any PF node offers it.")
    static final class Retry extends StoreAction {
        @Parameters(paramLabel = "ID", description = "Transfer id (UUID).")
        UUID id;

        @Override
        int run(DeferredStore store, PrintWriter out, PrintWriter err) {
            Optional<DeferredTransfer> found = store.transfers().find(id);
            if (found.isEmpty()) {
                err.println("no deferred transfer " + id);
                return 1;
            }
            if (!store.transfers().makeDue(id)) {
                err.println("transfer " + id + " is " + store.transfers().show(id).state()
                        + "; only a STORED transfer can be retried");
                return 1;
            }
            out.println("transfer " + id + " is due now");
            return 0;
        }
    }

    @Command(name = "purge", mixinStandardHelpOptions = true,
            description = "Delete a transfer and its content, in any state, without telling the sender.")
    static final class Purge extends StoreAction {
        @Parameters(paramLabel = "ID", description = "Transfer id (UUID).")
        UUID id;

        @Override
        int run(DeferredStore store, PrintWriter out, PrintWriter err) {
            if (!store.transfers().purge(id)) {
                err.println("no deferred transfer " + id);
                return 1;
            }
            out.println("transfer " + id + " purged");
            return 0;
        }
    }

    private static String short_(Instant t) {
        return t == null ? "-" : t.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
    }
}
