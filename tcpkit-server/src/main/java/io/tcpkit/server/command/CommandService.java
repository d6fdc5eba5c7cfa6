package io.tcpkit.server.command;

import io.tcpkit.CloseReason;
import io.tcpkit.Connection;
import io.tcpkit.ConnectionHandler;
import io.tcpkit.RejectReason;
import io.tcpkit.TcpServer;
import io.tcpkit.codec.RespProtocolException;
import io.tcpkit.codec.RespReader;
import io.tcpkit.codec.RespWriter;
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
 * <p>Each connection parses requests in place and writes replies to its output buffer; the
 * engine flushes once per read batch, so a pipeline of N requests gets one write. A protocol
 * error gets {@code -ERR Protocol error: ...} and a close, as in Redis.
 */
public final class CommandService implements Service {
    public static final int DEFAULT_PORT = 7002;
    private static final Logger LOG = LoggerFactory.getLogger(CommandService.class);

    private final Sessions sessions;
    private final Authenticator authenticator;
    private final Hub hub;
    private final CommandTable table;
    private final LongAdder commandsProcessed = new LongAdder();
    private final Instant startedAt = Instant.now();
    private final int maxRequestBytes;
    private final CommandMetrics metrics;
    private volatile TcpServer server;

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
    public ConnectionHandler handler() {
        return this::serve;
    }

    private void serve(Connection conn) throws IOException, InterruptedException {
        Session session = sessions.open(conn, CertificateIdentity.initialUser(conn, authenticator.users()));
        try {
            RespReader request = new RespReader(conn.input(), conn.limits().maxLineBytes(), maxRequestBytes,
                    RespReader.DEFAULT_MAX_ARGUMENTS);
            CommandContext ctx = new CommandContext(this, session, conn, request);
            try {
                serve(conn, ctx);
            } finally {
                ctx.leaveAll();
            }
        } finally {
            sessions.close(session);
        }
    }

    private void serve(Connection conn, CommandContext ctx) throws IOException, InterruptedException {
        RespReader request = ctx.request;
        while (true) {
            try {
                if (!request.next()) {
                    return;
                }
            } catch (RespProtocolException e) {
                ctx.reply.error("ERR Protocol error: " + e.getMessage());
                ctx.endCommand();
                LOG.debug("{}: protocol error: {}", conn, e.getMessage());
                conn.close(CloseReason.PROTOCOL_ERROR);
                return;
            }
            execute(ctx);
            ctx.endCommand();
            if (ctx.quitRequested()) {
                return;
            }
        }
    }

    private void execute(CommandContext ctx) throws IOException, InterruptedException {
        commandsProcessed.increment();
        Command command = table.lookup(ctx.request);
        if (metrics == CommandMetrics.NONE) {
            dispatch(ctx, command);
            return;
        }
        boolean timed = metrics.timeNext();
        long started = timed ? System.nanoTime() : 0;
        ctx.beginReply();
        dispatch(ctx, command);
        metrics.commandRan(command == null ? null : command.lowerName(), timed ? System.nanoTime() - started : -1,
                ctx.replyWasError());
    }

    private void dispatch(CommandContext ctx, Command command) throws IOException, InterruptedException {
        if (command == null) {
            unknownCommand(ctx);
            return;
        }
        ctx.session.commandRun(command.lowerName());
        if (!ctx.session.isAuthenticated() && !command.beforeLogin()) {
            ctx.reply.error("NOAUTH Authentication required.");
            return;
        }
        if (!command.arityMatches(ctx.argc())) {
            ctx.wrongArity(command.name());
            return;
        }
        if (ctx.session.isAuthenticated() && !command.neverRefused()
                && !ctx.permitted(permission(command, ctx))) {
            return;
        }
        if (ctx.subscribed() && !PubSubCommands.ALLOWED_WHILE_SUBSCRIBED.contains(command.name())) {
            ctx.reply.error("ERR Can't execute '" + command.lowerName() + "': only (P|S)SUBSCRIBE / "
                    + "(P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context");
            return;
        }
        command.handler().run(ctx);
    }

    /** The name a user's rules are checked against: "ping", or "client|list" for a subcommand. */
    private static String permission(Command command, CommandContext ctx) {
        if (command.hasSubcommands() && ctx.argc() >= 2) {
            return command.lowerName() + "|" + ctx.arg(1).toLowerCase(java.util.Locale.ROOT);
        }
        return command.lowerName();
    }

    private static void unknownCommand(CommandContext ctx) throws IOException {
        StringBuilder args = new StringBuilder();
        for (int i = 1; i < ctx.argc() && args.length() < 128; i++) {
            args.append('\'').append(CommandContext.abbreviate(ctx.arg(i))).append("' ");
        }
        ctx.reply.error("ERR unknown command '" + CommandContext.abbreviate(ctx.arg(0))
                + "', with args beginning with: " + args);
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

    int maxRequestBytes() {
        return maxRequestBytes;
    }

    long commandsProcessed() {
        return commandsProcessed.sum();
    }

    Instant startedAt() {
        return startedAt;
    }

    /** The listener this service runs on (null before it started). */
    TcpServer server() {
        return server;
    }
}
