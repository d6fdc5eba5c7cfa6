package io.tcpkit.server.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The tcpkit program as a real child process (same JVM and class path as the tests), so that
 * tests see what a user sees: stdout, stderr, exit status, and real signals. Shared by the tests of
 * every package that runs the program.
 */
public final class Program implements AutoCloseable {
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

    public static Program start(String... args) throws IOException {
        return start(Path.of("."), args);
    }

    /** Starts the program in folder {@code dir}. */
    public static Program start(Path dir, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElseThrow());
        command.add("-XX:TieredStopAtLevel=1"); // starts faster; these runs are short
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add("io.tcpkit.server.cli.Main");
        command.addAll(withoutAdminListener(List.of(args)));
        return new Program(new ProcessBuilder(command).directory(dir.toFile()).start());
    }

    /**
     * The arguments with {@code --admin-port 0} added to a server command that does not name an
     * admin port: the admin listener's default port is fixed (7080), and tests run side by side.
     */
    public static List<String> withoutAdminListener(List<String> args) {
        if (args.isEmpty() || !SERVER_COMMANDS.contains(args.get(0))
                || args.stream().anyMatch(a -> a.startsWith("--admin-port"))) {
            return args;
        }
        List<String> with = new ArrayList<>(args);
        with.addAll(1, List.of("--admin-port", "0"));
        return with;
    }

    private static final java.util.Set<String> SERVER_COMMANDS = java.util.Set.of("serve", "echo", "chat", "command");

    public Process process() {
        return process;
    }

    /** Writes {@code input} to the program's stdin and closes it. */
    public Program stdin(byte[] input) throws IOException {
        try (var in = process.getOutputStream()) {
            in.write(input);
        }
        return this;
    }

    /** Waits for the line "SERVICE listening on HOST:PORT" and returns the port. */
    public int awaitPort(String service, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            String out = stdout();
            // Complete lines only: the rest of a line may still be on its way.
            for (String line : out.substring(0, out.lastIndexOf('\n') + 1).split("\n")) {
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

    /** Waits until stdout has a match for {@code pattern} and returns it. */
    public java.util.regex.MatchResult awaitStdout(Pattern pattern, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Matcher m = pattern.matcher(stdout());
            if (m.find()) {
                return m.toMatchResult();
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no match for '" + pattern + "' on stdout: " + stdout() + " stderr: " + stderr());
            }
            if (!process.isAlive()) {
                throw new AssertionError("program exited " + process.exitValue() + "; stdout: " + stdout() + " stderr: " + stderr());
            }
            synchronized (stdout) {
                stdout.wait(50);
            }
        }
    }

    /** Waits until stderr contains {@code text}. */
    public void awaitStderr(String text, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!stderr().contains(text)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no '" + text + "' on stderr; stderr: " + stderr());
            }
            if (!process.isAlive()) {
                throw new AssertionError("program exited " + process.exitValue() + " without '" + text + "': " + stderr());
            }
            synchronized (stderr) {
                stderr.wait(50);
            }
        }
    }

    /** Waits for the exit status; fails if the program does not exit in time. */
    public int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("program did not exit; stderr: " + stderr());
        }
        outPump.join();
        errPump.join();
        return process.exitValue();
    }

    public byte[] stdoutBytes() {
        synchronized (stdout) {
            return stdout.toByteArray();
        }
    }

    public String stdout() {
        return new String(stdoutBytes(), StandardCharsets.UTF_8);
    }

    public String stderr() {
        synchronized (stderr) {
            return stderr.toString(StandardCharsets.UTF_8);
        }
    }

    /** Kills the program and reaps it (bounded). */
    @Override
    public void close() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
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
                // The process is gone; what it wrote so far is kept.
            }
        });
    }
}
