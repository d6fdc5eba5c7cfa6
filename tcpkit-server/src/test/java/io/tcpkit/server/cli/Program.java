package io.tcpkit.server.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The tcpkit program as a real child process (same JVM and class path as the tests), so that
 * tests see what a user sees: stdout, stderr, exit status, and real signals.
 */
final class Program implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("^(\\S+)\\s+listening on (\\S+):(\\d+)");

    private final Process process;
    private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    private final Thread outPump;
    private final Thread errPump;

    private Program(Process process) {
        this.process = process;
        this.outPump = pump(process.getInputStream(), stdout);
        this.errPump = pump(process.getErrorStream(), stderr);
    }

    static Program start(String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElseThrow());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(Main.class.getName());
        command.addAll(List.of(args));
        return new Program(new ProcessBuilder(command).start());
    }

    Process process() {
        return process;
    }

    /** Writes {@code input} to the program's stdin and closes it. */
    Program stdin(byte[] input) throws IOException {
        try (var in = process.getOutputStream()) {
            in.write(input);
        }
        return this;
    }

    /** Waits for the line "SERVICE listening on HOST:PORT" and returns the port. */
    int awaitPort(String service, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (String line : stdout().split("\n")) {
                Matcher m = LISTENING.matcher(line);
                if (m.find() && m.group(1).equals(service)) {
                    return Integer.parseInt(m.group(3));
                }
            }
            if (!process.isAlive()) {
                throw new AssertionError("program exited " + process.exitValue() + ": " + stderr());
            }
            synchronized (stdout) {
                stdout.wait(50);
            }
        }
        throw new AssertionError("no '" + service + " listening' line; stdout: " + stdout() + " stderr: " + stderr());
    }

    /** Waits for the exit status; fails if the program does not exit in time. */
    int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("program did not exit; stderr: " + stderr());
        }
        outPump.join();
        errPump.join();
        return process.exitValue();
    }

    byte[] stdoutBytes() {
        synchronized (stdout) {
            return stdout.toByteArray();
        }
    }

    String stdout() {
        return new String(stdoutBytes(), StandardCharsets.UTF_8);
    }

    String stderr() {
        synchronized (stderr) {
            return stderr.toString(StandardCharsets.UTF_8);
        }
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }

    private static Thread pump(InputStream in, ByteArrayOutputStream sink) {
        return Thread.ofVirtual().start(() -> {
            byte[] buf = new byte[8192];
            try {
                int n;
                while ((n = in.read(buf)) >= 0) {
                    synchronized (sink) {
                        sink.write(buf, 0, n);
                        sink.notifyAll();
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }
}
