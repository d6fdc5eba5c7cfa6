package io.tcpkit.server.log;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.FileAppender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;

/**
 * Where the program's logs go and how they look, set once the command line is read: text (one line
 * per event, with date, time and zone) or JSON (one object per line, through Logback's own
 * {@link JsonEncoder}, which escapes every control character of a message), on stderr or appended
 * to a file. {@code logback.xml} gives the same text
 * format on stderr until then.
 *
 * <p>Why Logback's JsonEncoder rather than logstash-logback-encoder: it ships with the Logback we
 * already have and is kept by the same project, so JSON logs cost no new dependency (the other
 * needs Jackson databind); its objects carry the timestamp (epoch milliseconds, UTC), level,
 * thread, logger, message and stack trace, which is what log shippers index.
 */
public final class LogSetup {
    /**
     * The text layout: {@code 2026-12-01T15:04:05.123+01:00 INFO  [thread] Logger: message}, the
     * message and any exception's messages each one escaped line ({@link SafeLogConverters}).
     */
    public static final String TEXT_PATTERN =
            "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level [%thread] %logger{0}: %safeMsg%n%safeEx";
    private static final String APPENDER = "MAIN";

    /** Log formats. */
    public enum Format {
        TEXT, JSON
    }

    private LogSetup() {
    }

    /** Sends every log event to {@code file} (appending), or stderr if null, in {@code format}. */
    public static void configure(Format format, Path file) {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        Encoder<ILoggingEvent> encoder = format == Format.JSON ? json(context) : text(context);
        OutputStreamAppender<ILoggingEvent> appender;
        if (file == null) {
            ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
            console.setTarget("System.err");
            appender = console;
        } else {
            FileAppender<ILoggingEvent> toFile = new FileAppender<>();
            toFile.setFile(file.toAbsolutePath().toString());
            toFile.setAppend(true);
            appender = toFile;
        }
        appender.setContext(context);
        appender.setName(APPENDER);
        appender.setEncoder(encoder);
        appender.start();
        if (!appender.isStarted()) {
            throw new IllegalArgumentException("cannot write the log file " + file);
        }
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.detachAndStopAllAppenders();
        root.addAppender(appender);
    }

    private static Encoder<ILoggingEvent> text(LoggerContext context) {
        PatternLayout layout = new PatternLayout();
        layout.setContext(context);
        layout.getInstanceConverterMap().put("safeMsg", SafeLogConverters.Msg::new);
        layout.getInstanceConverterMap().put("safeEx", SafeLogConverters.Ex::new);
        layout.setPattern(TEXT_PATTERN);
        layout.start();
        LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
        encoder.setContext(context);
        encoder.setLayout(layout);
        encoder.start();
        return encoder;
    }

    private static Encoder<ILoggingEvent> json(LoggerContext context) {
        JsonEncoder encoder = new JsonEncoder();
        encoder.setContext(context);
        // One self-contained object per event: no context block, sequence or raw arguments.
        encoder.setWithContext(false);
        encoder.setWithSequenceNumber(false);
        encoder.setWithNanoseconds(false);
        encoder.setWithMessage(false);
        encoder.setWithArguments(false);
        encoder.setWithFormattedMessage(true);
        encoder.start();
        return encoder;
    }
}
