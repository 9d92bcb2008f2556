package org.cpmft.pf.cli;

import org.cpmft.pf.config.ConfigLoader;
import java.util.concurrent.Callable;

import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Command;

/** The top-level command. Without a sub-command it runs the server, as `serve` does. */
@Command(name = "participating-function", mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "OMA CPM File Transfer Participating Function.",
        subcommands = {ServeCommand.class, MsrpCommand.class, StoreCommand.class, PolicyCommand.class})
public final class PfCommand implements Callable<Integer> {


    @Mixin
    ConfigFileOption config;

    @Override
    public Integer call() {
        return ServeCommand.serve(config.file());
    }

    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new PfCommand()).setCaseInsensitiveEnumValuesAllowed(true);
        String keys = ConfigLoader.helpText();
        cl.getCommandSpec().usageMessage().footerHeading("%n").footer(keys);
        cl.getSubcommands().get("serve").getCommandSpec().usageMessage().footerHeading("%n").footer(keys);
        return cl;
    }
}
