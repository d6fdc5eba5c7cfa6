package io.tcpkit.server.testing;

import io.tcpkit.server.cli.Main;
import io.tcpkit.testing.ChildProcess;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The tcpkit program as a user runs it, as a child process on this JVM and class path: what a
 * test sees is what a user sees (stdout, stderr, exit status, real signals).
 */
public final class Tcpkit {
    /** A JVM start on a busy 2-core machine; a bound against hangs, never asserted. */
    public static final Duration STARTUP = Duration.ofSeconds(30);
    private static final Set<String> SERVER_COMMANDS = Set.of("serve", "echo", "chat", "command");
    private static final Pattern LISTENING = Pattern.compile("(?m)^(\\S+)\\s+listening on (\\S+):(\\d+)");

    private Tcpkit() {
    }

    /** {@code tcpkit ARGS...} in the current folder. */
    public static ChildProcess start(String... args) throws IOException {
        return start(Path.of("."), args);
    }

    /**
     * {@code tcpkit ARGS...} in {@code dir}. A server command that does not name an admin port gets
     * {@code --admin-port 0} (no admin listener): its default port is fixed (7080), and tests run
     * side by side.
     */
    public static ChildProcess start(Path dir, String... args) throws IOException {
        return ChildProcess.java(dir, Main.class.getName(), withoutAdminListener(args));
    }

    /**
     * {@code tcpkit ARGS...} on a JVM with {@code jvmOptions} (a small {@code -Xmx}), as the
     * launcher runs it: with {@code -XX:+ExitOnOutOfMemoryError}.
     */
    public static ChildProcess startWithJvm(List<String> jvmOptions, String... args) throws IOException {
        List<String> jvm = new ArrayList<>(List.of("-XX:+ExitOnOutOfMemoryError"));
        jvm.addAll(jvmOptions);
        return ChildProcess.java(Path.of("."), jvm, Main.class.getName(), withoutAdminListener(args));
    }

    /** The arguments with {@code --admin-port 0} after a server command that names no admin port. */
    static String[] withoutAdminListener(String... args) {
        if (args.length == 0 || !SERVER_COMMANDS.contains(args[0])
                || Arrays.stream(args).anyMatch(a -> a.startsWith("--admin-port"))) {
            return args;
        }
        List<String> with = new ArrayList<>(List.of(args));
        with.addAll(1, List.of("--admin-port", "0"));
        return with.toArray(String[]::new);
    }

    /** A running {@code tcpkit serve} and the ports of its three services. */
    public record Serve(ChildProcess process, int echo, int chat, int command) implements AutoCloseable {
        @Override
        public void close() {
            process.close();
        }
    }

    /**
     * {@code tcpkit serve} on free ports with {@code options}, in {@code dir}, once all three
     * services listen. The caller closes it.
     */
    public static Serve serve(Path dir, String... options) throws IOException, InterruptedException {
        String[] args = new String[options.length + 7];
        System.arraycopy(new String[] {"serve", "--echo-port", "0", "--chat-port", "0", "--command-port", "0"}, 0,
                args, 0, 7);
        System.arraycopy(options, 0, args, 7, options.length);
        ChildProcess p = start(dir, args);
        try {
            return new Serve(p, awaitPort(p, "echo"), awaitPort(p, "chat"), awaitPort(p, "command"));
        } catch (AssertionError | InterruptedException e) {
            p.close();
            throw e;
        }
    }

    /** Waits for the line "SERVICE listening on HOST:PORT" and returns the port. */
    public static int awaitPort(ChildProcess program, String service) throws InterruptedException {
        return Integer.parseInt(awaitListening(program, service).group(3));
    }

    /** The "SERVICE listening on HOST:PORT" line's match: group 2 is the host, 3 the port. */
    public static Matcher awaitListening(ChildProcess program, String service) throws InterruptedException {
        String out = program.awaitStdout("'" + service + " listening on'", STARTUP, s -> find(service, s) != null);
        return find(service, out);
    }

    private static Matcher find(String service, String out) {
        // Complete lines only: the rest of a line may still be on its way.
        Matcher m = LISTENING.matcher(out.substring(0, out.lastIndexOf('\n') + 1));
        while (m.find()) {
            if (m.group(1).equals(service)) {
                return m;
            }
        }
        return null;
    }
}
