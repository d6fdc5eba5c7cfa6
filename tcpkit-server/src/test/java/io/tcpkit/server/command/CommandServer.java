package io.tcpkit.server.command;

import io.tcpkit.CloseReason;
import io.tcpkit.TcpServer;
import io.tcpkit.codec.RespReader;
import io.tcpkit.server.auth.Authenticator;
import io.tcpkit.server.auth.PasswordHasher;
import io.tcpkit.server.auth.Users;
import io.tcpkit.server.hub.LocalHub;
import io.tcpkit.server.session.Sessions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/** The command service in-process on a loopback port chosen by the kernel, as {@code tcpkit command} runs it. */
final class CommandServer implements AutoCloseable {
    /** Cheap hashes for tests; a hash records its own iteration count, so the server accepts them. */
    static final int TEST_ITERATIONS = 1000;

    final Sessions sessions = new Sessions();
    final Authenticator authenticator;
    final CommandService service;
    final TcpServer server;

    CommandServer(Users users) throws IOException {
        authenticator = new Authenticator(users);
        service = new CommandService(sessions, authenticator, new LocalHub(), RespReader.DEFAULT_MAX_REQUEST_BYTES);
        server = service.handle(TcpServer.builder().port(0).service("command"))
                .rejectionMessage(service::rejectionMessage).start();
        service.started(server);
    }

    /** Without a users file: everyone is the default user. */
    CommandServer() throws IOException {
        this(Users.open());
    }

    int port() {
        return server.port();
    }

    RespPeer connect() throws IOException {
        return RespPeer.connect(port());
    }

    long closed(CloseReason reason) {
        return server.stats().closed().getOrDefault(reason, 0L);
    }

    /**
     * Writes a users file in {@code dir}; each entry is "name password [commands...]".
     * Returns the file's path.
     */
    static Path usersFile(Path dir, String... entries) throws IOException {
        List<String> lines = new ArrayList<>();
        lines.add("# written by a test");
        for (String e : entries) {
            String[] f = e.split(" ", 3);
            lines.add(f[0] + " " + PasswordHasher.hash(f[1].toCharArray(), TEST_ITERATIONS)
                    + (f.length > 2 ? " " + f[2] : ""));
        }
        Path file = dir.resolve("users");
        Files.write(file, lines);
        return file;
    }

    static Users users(Path dir, String... entries) throws IOException {
        return Users.load(usersFile(dir, entries));
    }

    /** Polls {@code condition} until it holds; fails after {@code timeout}. */
    static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what);
            }
            Thread.sleep(5); // a poll interval, not synchronisation: the condition decides
        }
    }

    @Override
    public void close() {
        server.close();
    }
}
