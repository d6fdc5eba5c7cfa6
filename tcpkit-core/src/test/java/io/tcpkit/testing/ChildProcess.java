package io.tcpkit.testing;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A program run by a test (a tool such as redis-cli or openssl, or a Java main class on this
 * class path, such as tcpkit itself): stdout and stderr are collected apart by two pump threads
 * as they arrive, stdin stays open for writing, and every wait is bounded and fails with what the
 * program printed. {@link #close()} kills it if it still runs and reaps it, so nothing outlives
 * the test.
 */
public final class ChildProcess implements AutoCloseable {
    private final String name;
    private final Process process;
    private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    private final Thread outPump;
    private final Thread errPump;
    /** Where {@link #nextLine} continues in stdout. */
    private int linePosition;

    private ChildProcess(Path dir, List<String> command, String name) throws IOException {
        this.name = name;
        this.process = new ProcessBuilder(command).directory(dir.toFile()).start();
        this.outPump = pump(process.getInputStream(), stdout, name + " stdout");
        this.errPump = pump(process.getErrorStream(), stderr, name + " stderr");
    }

    /** Starts {@code command} (the program first, found on PATH unless it is a path) in the current folder. */
    public static ChildProcess start(String... command) throws IOException {
        return start(Path.of("."), List.of(command));
    }

    /** Starts {@code command} in {@code dir}. */
    public static ChildProcess start(Path dir, List<String> command) throws IOException {
        return new ChildProcess(dir, command,
                Path.of(command.get(0)).getFileName() + (command.size() > 1 ? " " + command.get(1) : ""));
    }

    /**
     * Starts {@code mainClass} of this test run's class path on the JVM running the tests (C1 only:
     * these runs are short, and start faster that way), in {@code dir}.
     */
    public static ChildProcess java(Path dir, String mainClass, String... args) throws IOException {
        return java(dir, List.of(), mainClass, args);
    }

    /** As {@link #java(Path, String, String...)}, with options for the JVM ({@code -Xmx64m}, say). */
    public static ChildProcess java(Path dir, List<String> jvmOptions, String mainClass, String... args) throws IOException {
        return startJava(dir, List.of(), jvmOptions, mainClass, args);
    }

    /**
     * As {@link #java(Path, List, String, String...)}, on one core only (the last), as a server
     * pinned to a core runs ({@code taskset}, see {@link Require#tool}): its carrier and its
     * platform threads share that core.
     */
    public static ChildProcess javaOnOneCore(Path dir, List<String> jvmOptions, String mainClass, String... args) throws IOException {
        String taskset = Require.tool("taskset").toString();
        int core = Runtime.getRuntime().availableProcessors() - 1;
        return startJava(dir, List.of(taskset, "-c", Integer.toString(core)), jvmOptions, mainClass, args);
    }

    private static ChildProcess startJava(Path dir, List<String> prefix, List<String> jvmOptions, String mainClass, String... args)
            throws IOException {
        List<String> command = new ArrayList<>(prefix);
        command.add(ProcessHandle.current().info().command().orElseThrow());
        command.add("-XX:TieredStopAtLevel=1");
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(classPath(mainClass));
        command.add(mainClass);
        command.addAll(List.of(args));
        String simpleName = mainClass.substring(mainClass.lastIndexOf('.') + 1);
        return new ChildProcess(dir, command, simpleName + (args.length > 0 ? " " + args[0] : ""));
    }

    /**
     * This run's class path and module path, and the main class's own folder: a module's tests
     * are patched into it, on neither path (tcpkit-core's), and the child runs them all from its
     * class path.
     */
    private static String classPath(String mainClass) throws IOException {
        Set<String> entries = new LinkedHashSet<>();
        try {
            Class<?> main = Class.forName(mainClass, false, ChildProcess.class.getClassLoader());
            entries.add(Path.of(main.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
        } catch (ClassNotFoundException | URISyntaxException e) {
            throw new IOException("no class " + mainClass + " to run", e);
        }
        for (String path : List.of(System.getProperty("jdk.module.path", ""), System.getProperty("java.class.path", ""))) {
            for (String entry : path.split(File.pathSeparator)) {
                if (!entry.isEmpty()) {
                    entries.add(entry);
                }
            }
        }
        return String.join(File.pathSeparator, entries);
    }

    /** Runs {@code command} with {@code input} as its whole stdin and waits (up to {@code timeout}) for it to end. */
    public static ChildProcess run(Duration timeout, byte[] input, String... command) throws IOException, InterruptedException {
        ChildProcess p = start(command);
        try {
            p.stdin(input);
            p.awaitExit(timeout);
            return p;
        } finally {
            p.close();
        }
    }

    public Process process() {
        return process;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Writes to the program's stdin and flushes. */
    public ChildProcess write(byte[] input) throws IOException {
        OutputStream in = process.getOutputStream();
        in.write(input);
        in.flush();
        return this;
    }

    /** Writes UTF-8 text to the program's stdin and flushes. */
    public ChildProcess write(String input) throws IOException {
        return write(input.getBytes(StandardCharsets.UTF_8));
    }

    public ChildProcess closeStdin() throws IOException {
        process.getOutputStream().close();
        return this;
    }

    /** Writes {@code input} to stdin and closes it. */
    public ChildProcess stdin(byte[] input) throws IOException {
        return write(input).closeStdin();
    }

    public byte[] stdoutBytes() {
        synchronized (stdout) {
            return stdout.toByteArray();
        }
    }

    public String stdout() {
        synchronized (stdout) {
            return stdout.toString(StandardCharsets.UTF_8);
        }
    }

    public String stderr() {
        synchronized (stderr) {
            return stderr.toString(StandardCharsets.UTF_8);
        }
    }

    /** Stdout, then stderr: everything it printed so far, for searches and failure messages. */
    public String output() {
        return stdout() + stderr();
    }

    /** Waits until stdout satisfies {@code condition} and returns it; fails on timeout or if the program ends first. */
    public String awaitStdout(String what, Duration timeout, Predicate<String> condition) throws InterruptedException {
        return await(stdout, outPump, what, timeout, condition);
    }

    /** Waits until stdout contains {@code text}. */
    public String awaitStdout(String text, Duration timeout) throws InterruptedException {
        return awaitStdout("'" + text + "' on stdout", timeout, out -> out.contains(text));
    }

    /** Waits until stdout has a match for {@code pattern} and returns it. */
    public MatchResult awaitStdout(Pattern pattern, Duration timeout) throws InterruptedException {
        String out = awaitStdout("a match for '" + pattern + "' on stdout", timeout, s -> pattern.matcher(s).find());
        Matcher m = pattern.matcher(out);
        if (!m.find()) {
            throw new IllegalStateException("matched once, not again: " + pattern);
        }
        return m.toMatchResult();
    }

    /** Waits until stderr contains {@code text} and returns stderr. */
    public String awaitStderr(String text, Duration timeout) throws InterruptedException {
        return await(stderr, errPump, "'" + text + "' on stderr", timeout, err -> err.contains(text));
    }

    /** Waits until stdout or stderr contains {@code text}. */
    public void awaitOutput(String text, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            boolean ended = !outPump.isAlive() && !errPump.isAlive();
            if (output().contains(text)) {
                return;
            }
            if (ended) {
                throw failure("ended its output without printing '" + text + "'");
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw failure("no '" + text + "' within " + timeout.toMillis() + " ms");
            }
            synchronized (stdout) {
                stdout.wait(Math.max(1, Math.min(20, TimeUnit.NANOSECONDS.toMillis(left))));
            }
        }
    }

    /**
     * The next complete line of stdout (without its line end), waiting up to {@code timeout}; null
     * if the program ended without another line.
     */
    public String nextLine(Duration timeout) throws InterruptedException {
        awaitStdout("another line on stdout", timeout, s -> s.indexOf('\n', linePosition) >= 0 || !outPump.isAlive());
        String out = stdout(); // complete if the pump has ended meanwhile
        int end = out.indexOf('\n', linePosition);
        if (end < 0) {
            return null;
        }
        String line = out.substring(linePosition, end);
        linePosition = end + 1;
        return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
    }

    /** Reads the next lines of stdout and checks they are exactly {@code expected}. */
    public void expectLines(Duration timeout, String... expected) throws InterruptedException {
        for (String e : expected) {
            String line = nextLine(timeout);
            if (!e.equals(line)) {
                throw failure("expected the line '" + e + "' but got " + (line == null ? "end of output" : "'" + line + "'"));
            }
        }
    }

    /** Waits for the exit status and the rest of the output; kills the program and fails if it does not exit in time. */
    public int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.toHandle().destroyForcibly();
            throw failure("did not exit within " + timeout.toMillis() + " ms");
        }
        outPump.join(timeout.toMillis());
        errPump.join(timeout.toMillis());
        return process.exitValue();
    }

    /** The exit status; the program must have ended. */
    public int exitValue() {
        return process.exitValue();
    }

    /** Sends a signal by name ("INT", "HUP", "TERM") with the real {@code kill}, as an operator would. */
    public void signal(String signal) throws IOException, InterruptedException {
        Path kill = Require.tool("kill");
        Process p = new ProcessBuilder(kill.toString(), "-s", signal, Long.toString(process.pid()))
                .redirectErrorStream(true).start();
        try {
            String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new AssertionError("kill -s " + signal + " " + process.pid() + " failed: " + said);
            }
        } finally {
            p.destroyForcibly();
        }
    }

    /**
     * SIGTERM, as a service manager stops a server. (Through the process handle: {@link Process#destroy}
     * would also close our ends of its pipes and lose what it prints while it stops.)
     */
    public void terminate() {
        process.toHandle().destroy();
    }

    /**
     * Stops a server as an operator would: SIGTERM, up to {@code grace} to exit, then killed;
     * reaped either way. Not an assertion: a test that cares how it ended asks {@link #awaitExit}.
     */
    public void stop(Duration grace) {
        terminate();
        try {
            process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        close();
    }

    /** Kills the program if it still runs and reaps it (bounded). */
    @Override
    public void close() {
        process.toHandle().destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
            outPump.join(10_000);
            errPump.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return name + " (pid " + process.pid() + ")";
    }

    private String await(ByteArrayOutputStream sink, Thread pump, String what, Duration timeout,
                         Predicate<String> condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            boolean ended = !pump.isAlive(); // before reading: then the text read is all there will be
            String text;
            synchronized (sink) {
                text = sink.toString(StandardCharsets.UTF_8);
            }
            if (condition.test(text)) {
                return text;
            }
            if (ended) {
                // The stream has ended: nothing more can arrive.
                process.waitFor(5, TimeUnit.SECONDS);
                throw failure((process.isAlive() ? "closed its output" : "exited " + process.exitValue())
                        + " before " + what);
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw failure("timed out after " + timeout.toMillis() + " ms waiting for " + what);
            }
            synchronized (sink) {
                // Woken by the pump as soon as more output arrives.
                sink.wait(Math.max(1, Math.min(100, TimeUnit.NANOSECONDS.toMillis(left))));
            }
        }
    }

    private AssertionError failure(String what) {
        return new AssertionError(this + " " + what + "\n--- stdout:\n" + stdout() + "\n--- stderr:\n" + stderr());
    }

    private static Thread pump(InputStream in, ByteArrayOutputStream sink, String name) {
        return Thread.ofVirtual().name("pump " + name).start(() -> {
            byte[] buf = new byte[8192];
            try (in) {
                int n;
                while ((n = in.read(buf)) >= 0) {
                    synchronized (sink) {
                        sink.write(buf, 0, n);
                        sink.notifyAll();
                    }
                }
            } catch (IOException e) {
                // The program was killed: what it printed so far is kept.
            } finally {
                synchronized (sink) {
                    sink.notifyAll();
                }
            }
        });
    }
}
