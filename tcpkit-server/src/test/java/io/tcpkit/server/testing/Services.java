package io.tcpkit.server.testing;

import io.tcpkit.Limits;
import io.tcpkit.TcpServer;
import io.tcpkit.codec.RespReader;
import io.tcpkit.server.Service;
import io.tcpkit.server.admin.Monitoring;
import io.tcpkit.server.auth.Authenticator;
import io.tcpkit.server.auth.PasswordHasher;
import io.tcpkit.server.auth.Users;
import io.tcpkit.server.chat.ChatLimits;
import io.tcpkit.server.chat.ChatService;
import io.tcpkit.server.command.CommandMetrics;
import io.tcpkit.server.command.CommandService;
import io.tcpkit.server.echo.EchoService;
import io.tcpkit.server.hub.Hub;
import io.tcpkit.server.hub.LocalHub;
import io.tcpkit.server.session.Sessions;
import io.tcpkit.testing.LineClient;
import io.tcpkit.testing.RespClient;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The chat and command services in this process on loopback ports chosen by the kernel, sharing
 * one set of sessions, one users file and one hub, and wired to their listeners as the program
 * wires them (service name, refusal messages, {@code started}/{@code stopped}). The one place
 * tests build services by hand; tests of the wiring itself run the program (ServeProgramTest).
 * {@link #monitored()} adds what the admin listener reads, as {@code serve} wires it with the
 * admin listener on: a {@link Monitoring} that observes every listener and counts the services'
 * pub/sub traffic and commands. Closing it closes every listener and every client opened through it.
 */
public final class Services implements AutoCloseable {
    /** Cheap hashes for tests; a hash records its own iteration count, so the server accepts them. */
    public static final int TEST_ITERATIONS = 1000;

    public final Sessions sessions = new Sessions();
    public final LocalHub hub = new LocalHub();
    public final Authenticator authenticator;
    /** What the admin listener reads, or null when the services are not monitored. */
    private final Monitoring monitoring;
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final List<Service> started = new ArrayList<>();
    /** Every listener started, which the command service's INFO sums over, as in {@code serve}. */
    private final List<TcpServer> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    private TcpServer chat;
    private TcpServer command;

    /** Without a users file: everyone is the default user. */
    public Services() {
        this(Users.open());
    }

    public Services(Users users) {
        this(users, false);
    }

    private Services(Users users, boolean monitored) {
        this.authenticator = new Authenticator(users);
        this.monitoring = monitored ? new Monitoring(true, sessions, hub) : null;
    }

    /** Without a users file, monitored with metrics as {@code serve} is with its admin listener on. */
    public static Services monitored() {
        return new Services(Users.open(), true);
    }

    /** The monitoring of {@link #monitored()} services (null otherwise). */
    public Monitoring monitoring() {
        return monitoring;
    }

    /** The command service alone, with the default limits, as {@code tcpkit command} runs it. */
    public static Services withCommand() throws IOException {
        return withCommand(Users.open());
    }

    /** The command service alone with these users. */
    public static Services withCommand(Users users) throws IOException {
        Services s = new Services(users);
        s.startCommand(Limits.DEFAULT);
        return s;
    }

    /** Starts the chat service with these limits. */
    public TcpServer startChat(Limits limits) throws IOException {
        return startChat(limits, b -> b);
    }

    /** Starts the chat service with these limits and whatever {@code edge} adds (TLS). */
    public TcpServer startChat(Limits limits, UnaryOperator<TcpServer.Builder> edge) throws IOException {
        return startChat(limits, ChatLimits.DEFAULT, edge);
    }

    /** Starts the chat service with these limits and these limits on what one person may say. */
    public TcpServer startChat(Limits limits, ChatLimits chatLimits) throws IOException {
        return startChat(limits, chatLimits, b -> b);
    }

    private TcpServer startChat(Limits limits, ChatLimits chatLimits, UnaryOperator<TcpServer.Builder> edge)
            throws IOException {
        ChatService service = new ChatService(sessions, authenticator, hubFor("chat"), chatLimits);
        if (monitoring != null) {
            monitoring.chatRooms(service::roomSizes);
        }
        chat = start(service, limits, edge);
        return chat;
    }

    /** Starts the command service with these limits. */
    public TcpServer startCommand(Limits limits) throws IOException {
        return startCommand(limits, b -> b);
    }

    /** Starts the command service with these limits and whatever {@code edge} adds (TLS, the PROXY protocol). */
    public TcpServer startCommand(Limits limits, UnaryOperator<TcpServer.Builder> edge) throws IOException {
        CommandService service = new CommandService(sessions, authenticator, hubFor("command"),
                RespReader.DEFAULT_MAX_REQUEST_BYTES, monitoring == null ? CommandMetrics.NONE : monitoring.commandMetrics());
        service.listeners(() -> List.copyOf(listeners));
        command = start(service, limits, edge);
        return command;
    }

    /** Starts the echo service with these limits (for monitored services: the admin listener lists it too). */
    public TcpServer startEcho(Limits limits) throws IOException {
        return start(new EchoService(), limits, b -> b);
    }

    private Hub hubFor(String service) {
        return monitoring == null ? hub : monitoring.hubFor(service);
    }

    private TcpServer start(Service service, Limits limits, UnaryOperator<TcpServer.Builder> edge) throws IOException {
        TcpServer.Builder builder = TcpServer.builder().port(0).service(service.name()).limits(limits)
                .rejectionMessage(service::rejectionMessage);
        if (monitoring != null) {
            builder.observer(monitoring.observer(service.name()));
        }
        service.handle(builder);
        TcpServer server = edge.apply(builder).start();
        track(server);
        listeners.add(server);
        if (monitoring != null) {
            monitoring.listening(server);
        }
        service.started(server);
        synchronized (started) {
            started.add(service);
        }
        return server;
    }

    public TcpServer chat() {
        return chat;
    }

    public TcpServer command() {
        return command;
    }

    /** A client of the chat service, closed with the fixture. */
    public LineClient chatClient(String label) throws IOException {
        return track(LineClient.connect(chat.port(), label));
    }

    /** A client of the command service, closed with the fixture. */
    public RespClient commandClient(String label) throws IOException {
        return track(RespClient.connect(command.port(), label));
    }

    public RespClient commandClient() throws IOException {
        return commandClient("resp");
    }

    /** Closes {@code closeable} with the fixture (servers first, while clients read to their end). */
    public <T extends AutoCloseable> T track(T closeable) {
        synchronized (toClose) {
            toClose.add(closeable);
        }
        return closeable;
    }

    /** Writes a users file in {@code dir}; each entry is "name password [commands...]". Returns its path. */
    public static Path usersFile(Path dir, String... entries) throws IOException {
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

    /** The users of a file written by {@link #usersFile}. */
    public static Users users(Path dir, String... entries) throws IOException {
        return Users.load(usersFile(dir, entries));
    }

    /**
     * Shuts the listeners down gracefully while every client reads what it is still owed up to the
     * server's end of stream, then closes it: each handler says goodbye to a client that is still
     * there, and no socket closes with unread data.
     */
    @Override
    public void close() {
        List<AutoCloseable> all;
        synchronized (toClose) {
            all = new ArrayList<>(toClose);
        }
        List<Thread> closers = new ArrayList<>();
        for (AutoCloseable c : all) {
            if (c instanceof TcpServer s) {
                closers.add(Thread.ofPlatform().name("close " + s.service()).start(s::close));
            }
        }
        for (AutoCloseable c : all) {
            if (c instanceof LineClient client) {
                client.awaitClosedByServer();
                client.close();
            } else if (!(c instanceof TcpServer)) {
                try {
                    c.close();
                } catch (Exception e) {
                    throw new AssertionError("closing " + c, e);
                }
            }
        }
        for (Thread t : closers) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        synchronized (started) {
            started.forEach(Service::stopped);
        }
    }
}
