package io.tcpkit.server.clients;

import io.tcpkit.server.testing.Services;
import io.tcpkit.server.testing.Tcpkit;
import io.tcpkit.testing.ChildProcess;
import io.tcpkit.testing.Require;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs the client-library scripts under {@code src/test/clients} (redis-py, node-redis) against
 * a real {@code tcpkit serve}. Their libraries are installed, at pinned versions, by
 * {@code src/test/clients/install} into {@code target/clients} (.ci/run does it, and the first
 * test that misses one runs it); one that still cannot be had skips the test, or fails it under
 * {@code CI=true}.
 */
final class ClientLibraries {
    /** Where src/test/clients/install puts the libraries (the tests run in the module's folder). */
    static final Path INSTALLED = Path.of("target", "clients").toAbsolutePath();
    static final Path SCRIPTS = Path.of("src", "test", "clients").toAbsolutePath();
    /** A bound against hangs on a busy machine, never asserted. */
    static final Duration RUN_LIMIT = Duration.ofMinutes(2);
    /** Where the install this JVM ran wrote its output. */
    private static final Path INSTALL_LOG = Path.of("target", "clients-install.log").toAbsolutePath();
    /** Bounds the install (pip and npm from their registries): past it, it is killed and the test fails. */
    private static final Duration INSTALL_LIMIT = Duration.ofMinutes(10);
    /** Whether this JVM ran the install already (guarded by the class's monitor). */
    private static boolean installTried;
    static final String USER = "app";
    static final String PASSWORD = "s3cret";
    /** What every script prints for the checks without a users file, in order. */
    static final List<String> CHECKS = List.of("echo", "pipeline 1000", "pool 32", "client setname getname id list",
            "subscribe psubscribe publish pubsub", "reconnect after client kill", "chat line reaches subscriber",
            "publish reaches chat");

    private ClientLibraries() {
    }

    static Path python() {
        return installed(INSTALLED.resolve("venv/bin/python"), "redis-py");
    }

    /** The node script, copied next to its node_modules (where an ES module finds its imports). */
    static Path nodeScript() throws IOException {
        Require.tool("node");
        Path dir = installed(INSTALLED.resolve("node/node_modules/redis/package.json"), "node-redis")
                .getParent().getParent().getParent();
        return Files.copy(SCRIPTS.resolve("node/client_check.mjs"), dir.resolve("client_check.mjs"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    private static Path installed(Path file, String library) {
        if (!Files.exists(file)) {
            installOnce();
        }
        Require.that(Files.exists(file), library + " in " + INSTALLED + " (run tcpkit-server/src/test/clients/install; "
                + "its output from this run: " + INSTALL_LOG + ")");
        return file;
    }

    /**
     * Runs the install script, once per test JVM, when a library is missing: a plain
     * {@code mvn verify} runs the client-library tests too, instead of skipping them for want of
     * a step nobody took (.ci/run installs them beforehand; then this does nothing). Where it
     * cannot install (no python3 or npm, no registry), the test skips, or fails under CI=true.
     */
    private static synchronized void installOnce() {
        if (installTried) {
            return;
        }
        installTried = true;
        try {
            Files.createDirectories(INSTALLED);
            try (ChildProcess install = ChildProcess.start(SCRIPTS.resolve("install").toString(), INSTALLED.toString())) {
                int status = install.awaitExit(INSTALL_LIMIT);
                Files.writeString(INSTALL_LOG, "exit " + status + "\n" + install.output());
            }
        } catch (IOException e) {
            // Left to Require: the library is missing, and the log says why if it could be written.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Starts {@code tcpkit serve} (with {@code users} when not null: a users file with {@link #USER}
     * allowed everything), runs {@code command} with HOST COMMAND_PORT CHAT_PORT and {@code extra}
     * appended (and USER PASSWORD after them with a users file), and returns its output once it
     * has exited 0.
     */
    static String run(Path dir, boolean users, List<String> command, String... extra)
            throws IOException, InterruptedException {
        List<String> options = new ArrayList<>();
        if (users) {
            options.add("--users");
            options.add(Services.usersFile(dir, USER + " " + PASSWORD + " all").toString());
        }
        try (Tcpkit.Serve serve = Tcpkit.serve(dir, options.toArray(String[]::new))) {
            List<String> full = new ArrayList<>(command);
            full.addAll(List.of("127.0.0.1", Integer.toString(serve.command()), Integer.toString(serve.chat())));
            full.addAll(List.of(extra));
            if (users) {
                full.addAll(List.of(USER, PASSWORD));
            }
            try (ChildProcess script = ChildProcess.start(dir, full)) {
                int status = script.awaitExit(RUN_LIMIT);
                assertThat(status).as("%s exited with %s:%n%s%nserver:%n%s", full, status, script.output(),
                        serve.process().output()).isZero();
                return script.stdout();
            }
        }
    }

    /** Threads and pooled connections in the Java libraries' "pool" check (the scripts' "pool 32"). */
    static final int POOL = 32;

    /**
     * The Java libraries' pool check: {@link #POOL} threads each borrow a connection, hold it until
     * all have one (so the pool must open {@link #POOL} connections at once), and ECHO 50 messages
     * of their own on it; each thread must get back exactly its messages, in order. The caller
     * then checks with its library how many connections the pool created.
     */
    static <C extends AutoCloseable> void echoOnPooledConnections(Callable<C> borrow, BiFunction<C, String, String> echo)
            throws Exception {
        try (ExecutorService threads = Executors.newFixedThreadPool(POOL)) {
            CountDownLatch all = new CountDownLatch(POOL);
            List<Future<List<String>>> results = new ArrayList<>();
            for (int n = 0; n < POOL; n++) {
                int t = n;
                results.add(threads.submit(() -> {
                    try (C c = borrow.call()) {
                        all.countDown();
                        all.await(); // every connection held at once
                        List<String> out = new ArrayList<>();
                        for (int i = 0; i < 50; i++) {
                            out.add(echo.apply(c, "t" + t + "-" + i));
                        }
                        return out;
                    }
                }));
            }
            for (int n = 0; n < POOL; n++) {
                List<String> expected = new ArrayList<>();
                for (int i = 0; i < 50; i++) {
                    expected.add("t" + n + "-" + i);
                }
                assertThat(results.get(n).get(60, TimeUnit.SECONDS)).isEqualTo(expected);
            }
        }
    }

    /** The "ok CHECK" lines the script printed, in order. */
    static List<String> passed(String output) {
        return output.lines().filter(l -> l.startsWith("ok ")).map(l -> l.substring(3)).toList();
    }
}
