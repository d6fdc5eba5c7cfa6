package io.tcpkit.server.cli;

import io.tcpkit.server.log.LogSetup;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

import java.nio.file.Path;

/** Where logs go and how they look; given to every command, applied once the command line is read. */
final class LogOptions {
    @Option(names = "--log-format", scope = ScopeType.INHERIT, paramLabel = "FORMAT", defaultValue = "text",
            description = "text (default: one line per event, with date, time and zone) or json (one JSON object per line).")
    LogSetup.Format format;

    @Option(names = "--log-file", scope = ScopeType.INHERIT, paramLabel = "FILE",
            description = "Append logs to this file instead of stderr.")
    Path file;

    /** Applies the format and destination; an error message if the file cannot be written, else null. */
    String apply() {
        if (format == LogSetup.Format.TEXT && file == null) {
            return null; // logback.xml says the same
        }
        try {
            LogSetup.configure(format, file);
            return null;
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }
}
