package io.tcpkit.server.command;

import io.tcpkit.server.cli.Main;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A child process (tcpkit itself on this JVM and class path, or a tool such as redis-cli) with its
 * stdout and stderr collected as they arrive, stdin open for writing, and bounded waits.
 * {@link #close()} kills it if it is still running.
 */
final class ChildProcess implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("(?m)^(\\S+)\\s+listening on (\\S+):(\\d+)");

    private final List<String> command;
    private final Process process;
    private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    private final Thread outPump;
    private final Thread errPump;

    private ChildProcess(List<String> command) throws IOException {
        this.command = command;
        this.process = new ProcessBuilder(command).start();
        this.outPump = pump(process.getInputStream(), stdout);
        this.errPump = pump(process.getErrorStream(), stderr);
    }

    /** Any program. */
    static ChildProcess start(String... command) throws IOException {
        return new ChildProcess(List.of(command));
    }

    /** {@code tcpkit ARGS...} as a user runs it. */
    static ChildProcess tcpkit(String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElseThrow());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(Main.class.getName());
        command.addAll(io.tcpkit.server.cli.Program.withoutAdminListener(List.of(args)));
        return new ChildProcess(command);
    }

    /** Runs a program to its end (killed after {@code timeout}) with {@code stdin} as its input. */
    static ChildProcess run(Duration timeout, byte[] stdin, String... command) throws IOException, InterruptedException {
        ChildProcess p = start(command);
        p.write(stdin).closeStdin();
        p.awaitExit(timeout);
        return p;
    }

    ChildProcess write(byte[] input) throws IOException {
        OutputStream in = process.getOutputStream();
        in.write(input);
        in.flush();
        return this;
    }

    ChildProcess write(String input) throws IOException {
        return write(input.getBytes(StandardCharsets.UTF_8));
    }

    ChildProcess closeStdin() throws IOException {
        process.getOutputStream().close();
        return this;
    }

    String stdout() {
        synchronized (stdout) {
            return stdout.toString(StandardCharsets.UTF_8);
        }
    }

    String stderr() {
        synchronized (stderr) {
            return stderr.toString(StandardCharsets.UTF_8);
        }
    }

    /** Waits until stdout satisfies {@code condition}; fails on timeout or if the program exits first. */
    String awaitStdout(String what, Duration timeout, Predicate<String> condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            String out = stdout();
            if (condition.test(out)) {
                return out;
            }
            if (!process.isAlive() && !outPump.isAlive()) {
                throw new AssertionError(command + " exited " + process.exitValue() + " before " + what
                        + "; stdout: " + out + " stderr: " + stderr());
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("timed out waiting for " + what + "; stdout: " + out + " stderr: " + stderr());
            }
            synchronized (stdout) {
                // Woken by the pump as soon as more output arrives.
                stdout.wait(Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMillis(left), 100)));
            }
        }
    }

    /** Waits for tcpkit's "SERVICE listening on HOST:PORT" line and returns the port. */
    int awaitPort(String service, Duration timeout) throws InterruptedException {
        String out = awaitStdout("'" + service + " listening'", timeout, s -> portOf(service, s) > 0);
        return portOf(service, out);
    }

    private static int portOf(String service, String out) {
        Matcher m = LISTENING.matcher(out);
        while (m.find()) {
            if (m.group(1).equals(service)) {
                return Integer.parseInt(m.group(3));
            }
        }
        return -1;
    }

    /** Waits for the exit status; kills the program and fails if it does not exit in time. */
    int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(command + " did not exit within " + timeout + "; stdout: " + stdout()
                    + " stderr: " + stderr());
        }
        outPump.join(5_000);
        errPump.join(5_000);
        return process.exitValue();
    }

    int exitValue() {
        return process.exitValue();
    }

    /** SIGTERM, as a service manager stops a server. */
    void terminate() {
        process.destroy();
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }

    private static Thread pump(InputStream in, ByteArrayOutputStream sink) {
        return Thread.ofVirtual().start(() -> {
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
                // The process was killed; what arrived is kept.
            } finally {
                synchronized (sink) {
                    sink.notifyAll();
                }
            }
        });
    }
}
