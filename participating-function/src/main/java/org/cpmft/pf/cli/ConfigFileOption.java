package org.cpmft.pf.cli;

import java.nio.file.Path;

import picocli.CommandLine.Option;

/** The {@code --config FILE} option shared by the commands that read the PF configuration. */
public final class ConfigFileOption {

    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
            description = "YAML config file (see deploy/pf.example.yaml); environment variables PF_* override it.")
    Path file;

    public Path file() {
        return file;
    }
}
