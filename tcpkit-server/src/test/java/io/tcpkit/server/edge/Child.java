package io.tcpkit.server.edge;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A program (openssl s_client, say) run by a test: its stdout and stderr are collected together
 * by a pump thread, so a test can wait for a piece of output with a deadline. {@link #close()}
 * kills it and waits for it, so nothing outlives the test.
 */
public final class Child implements AutoCloseable {
    private final Process process;
    private final ByteArrayOutputStream output = new ByteArrayOutputStream();
    private final Thread pump;
    private final String name;

    private Child(Process process, String name) {
        this.process = process;
        this.name = name;
        this.pump = Thread.ofVirtual().name("pump " + name).start(() -> {
            byte[] buf = new byte[8192];
            try (InputStream in = process.getInputStream()) {
                int n;
                while ((n = in.read(buf)) >= 0) {
                    synchronized (output) {
                        output.write(buf, 0, n);
                        output.notifyAll();
                    }
                }
            } catch (IOException e) {
                // The process was killed; what it printed so far is kept.
            }
        });
    }

    public static Child start(Path dir, List<String> command) throws IOException {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        return new Child(p, command.get(0));
    }

    public Process process() {
        return process;
    }

    /** Writes to the program's stdin (and flushes). */
    public void write(String text) throws IOException {
        OutputStream in = process.getOutputStream();
        in.write(text.getBytes(StandardCharsets.UTF_8));
        in.flush();
    }

    public void closeStdin() throws IOException {
        process.getOutputStream().close();
    }

    /** Stdout and stderr so far. */
    public String output() {
        synchronized (output) {
            return output.toString(StandardCharsets.UTF_8);
        }
    }

    /** Waits until the output contains {@code text}; fails (with the output) at the deadline or if the program exits first. */
    public void awaitOutput(String text, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (output) {
            while (!output.toString(StandardCharsets.UTF_8).contains(text)) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError(name + ": no '" + text + "' within " + timeout.toMillis() + " ms; output:\n"
                            + output.toString(StandardCharsets.UTF_8));
                }
                if (!process.isAlive() && !pump.isAlive()) {
                    throw new AssertionError(name + " exited " + process.exitValue() + " without printing '" + text
                            + "'; output:\n" + output.toString(StandardCharsets.UTF_8));
                }
                output.wait(Math.max(1, Math.min(100, TimeUnit.NANOSECONDS.toMillis(left))));
            }
        }
    }

    /** Waits for the exit status (and the rest of the output); fails if it does not exit in time. */
    public int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError(name + " did not exit within " + timeout.toMillis() + " ms; output:\n" + output());
        }
        pump.join(timeout.toMillis());
        return process.exitValue();
    }

    /** Kills the program and reaps it (bounded). */
    @Override
    public void close() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
            pump.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
