package io.tcpkit.server.command;

import io.tcpkit.CloseReason;
import io.tcpkit.Connection;
import io.tcpkit.RequestHandler;
import io.tcpkit.RejectReason;
import io.tcpkit.LogText;
import io.tcpkit.TcpServer;
import io.tcpkit.codec.RespProtocolException;
import io.tcpkit.codec.RespReader;
import io.tcpkit.codec.RespWriter;
import io.tcpkit.server.CrossProtocol;
import io.tcpkit.server.Service;
import io.tcpkit.server.auth.Authenticator;
import io.tcpkit.server.auth.CertificateIdentity;
import io.tcpkit.server.hub.Hub;
import io.tcpkit.server.session.Session;
import io.tcpkit.server.session.Sessions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;

/**
 * The command protocol: the Redis serialization protocol (RESP2 arrays from programs, inline
 * lines from people), with connection, session and server commands, so that redis-cli,
 * redis-benchmark and Redis client libraries work against it unchanged.
 *
 * <p>Each connection is served in turns, a request per turn, so an idle client holds no thread.
 * Requests are parsed in place and replies written to the connection's output buffer; the engine
 * flushes once per read batch, so a pipeline of N requests gets one write. A protocol error gets
 * {@code -ERR Protocol error: ...} and a close, as in Redis.
 *
 * <p>Just over 300 lines: a request's path (parse, look up, check, dispatch) and the state every
 * command shares are one unit; the commands themselves live in their own classes.
 */
public final class CommandService implements Service {
    public static final int DEFAULT_PORT = 7002;
    private static final Logger LOG = LoggerFactory.getLogger(CommandService.class);
    /** What CLIENT LIST shows as the last command after an unknown one, as Redis does. */
    private static final String NO_COMMAND = "NULL";

    private final Sessions sessions;
    private final Authenticator authenticator;
    private final Hub hub;
    private final CommandTable table;
    private final LongAdder commandsProcessed = new LongAdder();
    private final Instant startedAt = Instant.now();
    private final int maxRequestBytes;
    /** Rooms and patterns one connection may subscribe to (--max-subscriptions). */
    public static final int DEFAULT_MAX_SUBSCRIPTIONS = 100_000;
    private volatile int maxSubscriptions = DEFAULT_MAX_SUBSCRIPTIONS;
    private final CrossProtocol crossProtocol = new CrossProtocol(LOG, "command port");
    private final CommandMetrics metrics;
    private volatile TcpServer server;
    /** For INFO: by default this listener alone. */
    private final InfoFigures figures = new InfoFigures(() -> server == null ? List.of() : List.of(server));

    public CommandService(Sessions sessions, Authenticator authenticator, Hub hub, int maxRequestBytes) {
        this(sessions, authenticator, hub, maxRequestBytes, CommandMetrics.NONE);
    }

    /** @param metrics told of every command run ({@link CommandMetrics#NONE} for none) */
    public CommandService(Sessions sessions, Authenticator authenticator, Hub hub, int maxRequestBytes,
                          CommandMetrics metrics) {
        this.metrics = metrics;
        this.sessions = sessions;
        this.authenticator = authenticator;
        this.hub = hub;
        this.maxRequestBytes = maxRequestBytes;
        this.table = new CommandTable(commands());
    }

    /**
     * Where INFO finds every listener of the program (echo, chat and command), so that its
     * clients and traffic figures are the whole server's, as Redis's are.
     */
    public void listeners(java.util.function.Supplier<List<TcpServer>> all) {
        figures.listeners(all);
    }

    static List<Command> commands() {
        List<Command> commands = new ArrayList<>();
        commands.addAll(ConnectionCommands.all());
        commands.add(ClientCommand.command());
        commands.addAll(ServerCommands.all());
        commands.addAll(PubSubCommands.all());
        return commands;
    }

    /**
     * Whether a users-file rule names a command, as {@code tcpkit passwd} checks before writing
     * one: {@code ping}, {@code client}, {@code client|kill} (any case; not "all" and without a
     * leading '-').
     */
    public static boolean isCommandName(String rule) {
        String r = rule.toLowerCase(java.util.Locale.ROOT);
        int bar = r.indexOf('|');
        String parent = bar < 0 ? r : r.substring(0, bar);
        for (Command c : commands()) {
            if (c.lowerName().equals(parent)) {
                return bar < 0 || c.subcommands().contains(r.substring(bar + 1));
            }
        }
        return false;
    }

    @Override
    public String name() {
        return "command";
    }

    @Override
    public int defaultPort() {
        return DEFAULT_PORT;
    }

    @Override
    public Optional<byte[]> rejectionMessage(RejectReason reason) {
        String text = switch (reason) {
            case MAX_CONNECTIONS -> "-ERR max number of clients reached\r\n";
            case MAX_CONNECTIONS_PER_ADDRESS -> "-ERR max number of clients reached for your address\r\n";
            case DENIED -> "-ERR access denied\r\n";
            case RATE_LIMITED -> "-ERR too many connections per second from your address\r\n";
            case BAD_PROXY_HEADER -> "-ERR bad PROXY protocol header\r\n";
            case SHUTTING_DOWN -> "-ERR server is shutting down\r\n";
        };
        return Optional.of(text.getBytes(StandardCharsets.US_ASCII));
    }

    @Override
    public void started(TcpServer server) {
        this.server = server;
        if (!authenticator.users().required() && !server.localAddress().getAddress().isLoopbackAddress()) {
            LOG.warn("command service listens on {} without a users file: anyone who can reach it may run "
                    + "every command (use --users FILE)", server.localAddress());
        }
    }

    @Override
    public TcpServer.Builder handle(TcpServer.Builder builder) {
        return builder.requestHandlers(this::open);
    }

    /** A new connection: its session, and a handler that serves its requests in turns. */
    private RequestHandler open(Connection conn) {
        Session session = sessions.open(conn, CertificateIdentity.initialUser(conn, authenticator.users()));
        return new CommandContext(this, session, conn);
    }

    RespReader newReader(Connection conn) {
        return new RespReader(conn.input(), conn.limits().maxLineBytes(), maxRequestBytes, RespReader.DEFAULT_MAX_ARGUMENTS);
    }

    /** One turn: one request (reading the rest of it if it is still arriving); false to end. */
    boolean serveOne(CommandContext ctx) throws IOException, InterruptedException {
        RespReader request = ctx.reader();
        try {
            // As Redis with a password set: small requests only until the client has logged in.
            request.limitUnauthenticated(!ctx.session.isAuthenticated());
            if (!request.next()) {
                return false;
            }
        } catch (RespProtocolException e) {
            // ISO-8859-1: the message quotes a client's byte as that byte ("expected '$', got 'x'"), as Redis.
            ctx.reply.error(("ERR Protocol error: " + e.getMessage()).getBytes(StandardCharsets.ISO_8859_1));
            LOG.debug("{}: protocol error: {}", ctx.connection, LogText.of(e.getMessage()));
            ctx.connection.close(CloseReason.PROTOCOL_ERROR);
            return false;
        }
        execute(ctx);
        if (ctx.quitRequested()) {
            return false;
        }
        CloseReason close = ctx.closeRequested();
        if (close != null) {
            // The reply first (a close from the connection's own thread writes what is owed),
            // then the close; nothing else pipelined behind it runs.
            ctx.connection.close(close);
            return false;
        }
        return true;
    }

    private void execute(CommandContext ctx) throws IOException, InterruptedException {
        commandsProcessed.increment();
        Command command = table.lookup(ctx.request);
        ctx.beginReply();
        if (metrics == CommandMetrics.NONE) {
            dispatch(ctx, command);
            countError(ctx);
            return;
        }
        boolean timed = metrics.timeNext();
        long started = timed ? System.nanoTime() : 0;
        dispatch(ctx, command);
        countError(ctx);
        metrics.commandRan(command == null ? null : command.lowerName(), timed ? System.nanoTime() - started : -1,
                ctx.replyWasError());
    }

    private void countError(CommandContext ctx) {
        String code = ctx.errorCode();
        if (code != null) {
            figures.errorReplied(code);
        }
    }

    private void dispatch(CommandContext ctx, Command command) throws IOException, InterruptedException {
        if (command == null) {
            ctx.session.commandRun(NO_COMMAND);
            if (CrossProtocol.isHttp(ctx.request.array(0), ctx.request.start(0), ctx.request.length(0))) {
                // An HTTP request (a browser sent by a web page): nothing more from it may run.
                crossProtocol.report(ctx.session.remoteAddress());
                ctx.closeAfterReply(CloseReason.PROTOCOL_ERROR);
                return;
            }
            ctx.unknownCommand();
            return;
        }
        // The name is read once (ASCII case only): the permission check, CLIENT LIST and the
        // handler's dispatch all see the same value. An unknown subcommand is shown as Redis does.
        ctx.begin(command);
        String fullName = command.fullName(ctx.subcommand());
        ctx.session.commandRun(fullName == null ? NO_COMMAND : fullName);
        if (!ctx.session.isAuthenticated() && !command.beforeLogin()) {
            ctx.reply.error("NOAUTH Authentication required.");
            return;
        }
        if (!command.arityMatches(ctx.argc())) {
            ctx.wrongArity(command.name());
            return;
        }
        if (fullName == null) {
            ctx.unknownSubcommand(command.name());
            return;
        }
        if (ctx.session.isAuthenticated() && !command.neverRefused() && !ctx.permitted(fullName)) {
            return;
        }
        if (ctx.subscribedMode() && !PubSubCommands.ALLOWED_WHILE_SUBSCRIBED.contains(command.name())) {
            ctx.reply.error("ERR Can't execute '" + command.lowerName() + "': only (P|S)SUBSCRIBE / "
                    + "(P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context");
            return;
        }
        command.handler().run(ctx);
    }

    // ---- for commands ----

    Sessions sessions() {
        return sessions;
    }

    Hub hub() {
        return hub;
    }

    Authenticator authenticator() {
        return authenticator;
    }

    CommandTable table() {
        return table;
    }

    /** Sets how many rooms and patterns one connection may subscribe to; returns this. */
    public CommandService maxSubscriptions(int max) {
        if (max < 1) {
            throw new IllegalArgumentException("max subscriptions must be at least 1, got " + max);
        }
        this.maxSubscriptions = max;
        return this;
    }

    int maxSubscriptions() {
        return maxSubscriptions;
    }

    int maxRequestBytes() {
        return maxRequestBytes;
    }

    long commandsProcessed() {
        return commandsProcessed.sum();
    }

    InfoFigures figures() {
        return figures;
    }

    Instant startedAt() {
        return startedAt;
    }

    /** The listener this service runs on (null before it started). */
    TcpServer server() {
        return server;
    }
}
