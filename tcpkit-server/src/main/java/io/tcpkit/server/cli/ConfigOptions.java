package io.tcpkit.server.cli;

import picocli.CommandLine.Option;

import java.nio.file.Path;

/**
 * {@code --config FILE} and {@code --print-config} on every command that serves. The file's
 * values are read by {@link ConfigFile} as the defaults of the command's options, so every option
 * has a key without being listed here.
 */
final class ConfigOptions {
    static final String CONFIG = "--config";
    static final String PRINT_CONFIG = "--print-config";

    @Option(names = CONFIG, paramLabel = "FILE",
            description = "Read options from FILE: one 'key = value' per line, the keys being the long options "
                    + "without '--' (see --print-config). The command line overrides the file.")
    Path file;

    @Option(names = PRINT_CONFIG,
            description = "Print the options in force (the file's, the command line's and the defaults) in the format of "
                    + "--config, and exit.")
    boolean print;
}
