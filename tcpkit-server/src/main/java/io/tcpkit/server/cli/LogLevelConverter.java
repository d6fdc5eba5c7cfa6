package io.tcpkit.server.cli;

import ch.qos.logback.classic.Level;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

import java.util.Locale;
import java.util.Set;

/**
 * Reads {@code --log-level}. A conversion error is reported by the command being parsed, so
 * {@code tcpkit serve --log-level verbose} is an error of {@code serve}, with its hint.
 */
final class LogLevelConverter implements ITypeConverter<String> {
    private static final Set<String> LEVELS = Set.of("error", "warn", "info", "debug", "trace");

    @Override
    public String convert(String value) {
        String level = value.trim().toLowerCase(Locale.ROOT);
        if (!LEVELS.contains(level)) {
            throw new TypeConversionException("'" + value + "' is not one of error, warn, info, debug, trace");
        }
        return level;
    }

    /**
     * Loggers whose DEBUG lines are noise here (logback.xml keeps them at INFO): they follow a
     * stricter level (warn, error) but never go below INFO.
     */
    private static final java.util.List<String> QUIETED =
            java.util.List.of("java.lang.Runtime", "io.tcpkit.engine.EngineServer", "com.sun.net.httpserver");

    /** Sets the level of every logger; the quieted ones never go below INFO. */
    static void apply(String level) {
        Level wanted = Level.toLevel(level);
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
                .setLevel(wanted);
        Level quieted = wanted.isGreaterOrEqual(Level.INFO) ? wanted : Level.INFO;
        for (String name : QUIETED) {
            ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(name)).setLevel(quieted);
        }
    }
}
