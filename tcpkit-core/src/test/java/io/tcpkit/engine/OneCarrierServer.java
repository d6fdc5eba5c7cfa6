package io.tcpkit.engine;

import io.tcpkit.testing.ChildProcess;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A test's server in a child JVM, run as bench/run runs one: on one core, its virtual threads on
 * one carrier, so that what the scheduler does with its queues shows as it does there. The
 * child's main prints {@code port N} once it listens.
 */
final class OneCarrierServer {
    private static final Pattern PORT = Pattern.compile("port (\\d+)");

    private OneCarrierServer() {
    }

    /** Starts {@code main} of this test run's class path so, and returns the child and its port. */
    static Started start(Path dir, Class<?> main) throws IOException, InterruptedException {
        ChildProcess child = ChildProcess.javaOnOneCore(dir,
                List.of("-Djdk.virtualThreadScheduler.parallelism=1", "-Djdk.virtualThreadScheduler.maxPoolSize=1"),
                main.getName());
        try {
            return new Started(child, Integer.parseInt(child.awaitStdout(PORT, Duration.ofSeconds(30)).group(1)));
        } catch (RuntimeException | InterruptedException | Error e) {
            child.close();
            throw e;
        }
    }

    /** The child, stopped by {@link #close}, and the port it listens on. */
    record Started(ChildProcess child, int port) implements AutoCloseable {
        @Override
        public void close() {
            child.close();
        }
    }
}
