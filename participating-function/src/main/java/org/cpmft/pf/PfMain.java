package org.cpmft.pf;

import org.cpmft.pf.cli.PfCommand;
import picocli.CommandLine;

/** {@code java -jar participating-function.jar [command]}; without a command it runs the server. */
public final class PfMain {

    private PfMain() {
    }

    public static void main(String[] args) {
        Logging.configure();
        System.exit(PfCommand.commandLine().execute(args));
    }
}
