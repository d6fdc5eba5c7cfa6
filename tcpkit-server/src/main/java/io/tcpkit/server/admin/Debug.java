package io.tcpkit.server.admin;

import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.net.httpserver.HttpExchange;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.function.IntConsumer;

/**
 * Profiling on demand: {@code /debug/jfr?seconds=N} records N seconds (1 to {@link #MAX_JFR_SECONDS},
 * default {@link #DEFAULT_JFR_SECONDS}) with the JDK's "profile" settings and returns the .jfr file
 * (open it in JDK Mission Control, or {@code jfr print}); one recording at a time.
 * {@code /debug/threads} returns a thread dump as JSON that includes virtual threads (the JDK's
 * {@code HotSpotDiagnosticMXBean.dumpThreads}, as {@code jcmd Thread.dump_to_file -format=json}).
 */
final class Debug {
    static final int DEFAULT_JFR_SECONDS = 10;
    static final int MAX_JFR_SECONDS = 120;

    private final Semaphore recording = new Semaphore(1);

    /**
     * Records; 409 if a recording is already running. Holds this admin thread for the duration.
     *
     * @param started told the number of seconds once this recording has the right to run
     */
    void jfr(HttpExchange exchange, Map<String, String> query, IntConsumer started)
            throws IOException, Http.BadRequest, InterruptedException {
        int seconds = (int) Http.number(query, "seconds", DEFAULT_JFR_SECONDS, 1, MAX_JFR_SECONDS);
        if (!recording.tryAcquire()) {
            Http.text(exchange, 409, "a recording is already running; try again when it ends\n");
            return;
        }
        Path file = null;
        try (Recording r = new Recording(Configuration.getConfiguration("profile"))) {
            started.accept(seconds);
            r.setName("tcpkit-admin");
            r.setToDisk(true);
            r.start();
            Thread.sleep(Duration.ofSeconds(seconds));
            r.stop();
            file = Files.createTempFile("tcpkit-", ".jfr");
            r.dump(file);
            exchange.getResponseHeaders().set("Content-Disposition",
                    "attachment; filename=\"tcpkit-" + ProcessHandle.current().pid() + ".jfr\"");
            sendFile(exchange, "application/octet-stream", file);
        } catch (ParseException e) {
            throw new IllegalStateException("the JDK's 'profile' JFR settings cannot be read", e);
        } finally {
            recording.release();
            if (file != null) {
                Files.deleteIfExists(file);
            }
        }
    }

    void threads(HttpExchange exchange) throws IOException {
        Path dir = Files.createTempDirectory("tcpkit-threads-");
        Path file = dir.resolve("threads.json"); // must not exist yet
        try {
            ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
                    .dumpThreads(file.toString(), HotSpotDiagnosticMXBean.ThreadDumpFormat.JSON);
            sendFile(exchange, "application/json", file);
        } finally {
            Files.deleteIfExists(file);
            Files.deleteIfExists(dir);
        }
    }

    private static void sendFile(HttpExchange exchange, String contentType, Path file) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(200, Files.size(file));
        try (OutputStream out = exchange.getResponseBody()) {
            Files.copy(file, out);
        }
        exchange.close();
    }
}
