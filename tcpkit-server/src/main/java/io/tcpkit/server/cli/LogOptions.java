package io.tcpkit.server.cli;

import io.tcpkit.server.log.LogSetup;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.TypeConversionException;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Where logs go and how they look; given to every command, applied once the command line is read. */
final class LogOptions {
    static final String LOG_FILE = "--log-file";

    @Option(names = "--log-format", scope = ScopeType.INHERIT, paramLabel = "FORMAT", defaultValue = "text",
            converter = FormatConverter.class,
            description = "text (default: one line per event, with date, time and zone) or json (one JSON object per line).")
    LogSetup.Format format;

    @Option(names = LOG_FILE, scope = ScopeType.INHERIT, paramLabel = "FILE",
            description = "Append logs to this file instead of stderr.")
    Path file;

    /** Applies the format and destination; an error message naming the option if the file cannot be written, else null. */
    String apply() {
        if (format == LogSetup.Format.TEXT && file == null) {
            return null; // logback.xml says the same
        }
        try {
            LogSetup.configure(format, file);
            return null;
        } catch (IllegalArgumentException e) {
            return LOG_FILE + " " + file + ": cannot be written";
        }
    }

    /** The format, checked here so that a wrong one is one line listing the formats, as for --log-level. */
    static final class FormatConverter implements ITypeConverter<LogSetup.Format> {
        @Override
        public LogSetup.Format convert(String value) {
            for (LogSetup.Format f : LogSetup.Format.values()) {
                if (f.name().equalsIgnoreCase(value.trim())) {
                    return f;
                }
            }
            throw new TypeConversionException("'" + value + "' is not one of " + Arrays.stream(LogSetup.Format.values())
                    .map(f -> f.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", ")));
        }
    }
}
