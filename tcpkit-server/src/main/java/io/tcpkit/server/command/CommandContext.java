package io.tcpkit.server.command;

import io.tcpkit.CloseReason;
import io.tcpkit.Connection;
import io.tcpkit.RequestHandler;
import io.tcpkit.codec.RespReader;
import io.tcpkit.codec.RespWriter;
import io.tcpkit.server.session.Session;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Locale;

/**
 * What a command handler works with: the request's arguments, the reply writer, the session, and
 * the service. One per connection, reused for every request on it.
 *
 * <p>Replies go to the connection's output buffer (flushed once per read batch). Published
 * messages reach a subscribed connection through {@link Connection#send}, which keeps the order in
 * which things were issued: a message that arrives through a subscription is written after the
 * subscription's confirmation, however the two threads interleave, and a long run of replies
 * (SUBSCRIBE with 100,000 rooms) goes out as the buffer fills, never counted against the
 * slow-consumer limit that guards messages from others.
 */
final class CommandContext implements RequestHandler, RespWriter.ByteSink {
    final CommandService service;
    final Session session;
    final Connection connection;
    /**
     * The current request's decoder; dropped while the connection is idle (some 110 bytes with its
     * arrays, a tenth of an idle connection) and made again by the next turn (see {@link #reader}).
     */
    RespReader request;
    final RespWriter reply;
    private PubSubClient pubsub;
    private boolean quit;
    private CloseReason closeAfterReply;
    /** The current request's subcommand (argument 1 of CLIENT, CONFIG...), ASCII upper-case; else null. */
    private String subcommand;
    // For CommandMetrics: whether the current command's reply began with '-' (an error).
    private boolean replyBegun;
    private boolean replyIsError;
    private String errorCode;
    /** What this connection's PUBLISHes delivered since it last gave way (see {@link io.tcpkit.server.hub.Hub#yieldToReceivers}). */
    int deliveredSinceTurn;

    CommandContext(CommandService service, Session session, Connection connection) {
        this.service = service;
        this.session = session;
        this.connection = connection;
        this.reply = new RespWriter(this);
    }

    /** The decoder for the next request, made again after the connection was idle. */
    RespReader reader() {
        RespReader r = request;
        if (r == null) {
            request = r = service.newReader(connection);
        }
        return r;
    }

    /** Waiting without a thread, nothing buffered: the decoder holds no state worth its memory. */
    @Override
    public void idle(Connection c) {
        if (c.input().readable() == 0) {
            request = null;
        }
    }

    /** A turn: one request (see {@link CommandService#serveOne}). */
    @Override
    public boolean serve(Connection c) throws IOException, InterruptedException {
        return service.serveOne(this);
    }

    /** However the connection ended: out of every room, the session gone. */
    @Override
    public void closed(Connection c, CloseReason reason) {
        leaveAll();
        service.sessions().close(session);
    }

    /** Where {@link #reply} writes: the connection, noting whether the reply is an error. */
    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (!replyBegun && len > 0) {
            replyBegun = true;
            replyIsError = b[off] == '-';
            if (replyIsError && len > 1) {
                errorCode = code(b, off + 1, len - 1);
            }
        } else if (replyIsError && errorCode == null && len > 0) {
            errorCode = code(b, off, len); // RespWriter writes the '-' on its own
        }
        connection.write(b, off, len);
    }

    /** An error's code as Redis counts it: its first word if there is a space in its first 32 bytes, else ERR. */
    private static String code(byte[] b, int off, int len) {
        for (int i = 0; i < Math.min(len, 32); i++) {
            if (b[off + i] == ' ') {
                return new String(b, off, i, java.nio.charset.StandardCharsets.ISO_8859_1);
            }
        }
        return "ERR";
    }

    /** Marks the start of a command's reply, for {@link #replyWasError()} and {@link #errorCode()}. */
    void beginReply() {
        replyBegun = false;
        replyIsError = false;
        errorCode = null;
    }

    /** The code of the error replied since {@link #beginReply()} ("ERR", "NOAUTH"), or null. */
    String errorCode() {
        return errorCode;
    }

    /** Whether the reply written since {@link #beginReply()} is an error reply. */
    boolean replyWasError() {
        return replyIsError;
    }

    /** The connection's subscriptions. */
    PubSubClient pubsub() {
        if (pubsub == null) {
            pubsub = new PubSubClient(connection, session, service.hub());
            pubsub.protocol(reply.protocol());
        }
        return pubsub;
    }

    /**
     * Switches the connection to RESP version 2 or 3 (HELLO, RESET): its replies, the messages its
     * subscriptions bring (push frames in RESP3) and what CLIENT LIST shows.
     */
    void protocol(int version) {
        reply.protocol(version);
        session.protocol(version);
        if (pubsub != null) {
            pubsub.protocol(version);
        }
    }

    /**
     * Whether the connection is in RESP2's subscribed mode, where only the pub/sub commands, PING,
     * QUIT and RESET may run. A RESP3 connection may run anything while subscribed, as in Redis.
     */
    boolean subscribedMode() {
        return subscribed() && reply.protocol() == 2;
    }

    /** Whether the connection has subscriptions. */
    boolean subscribed() {
        return pubsub != null && pubsub.count() > 0;
    }

    /** Leaves every subscription; when the connection ends. */
    void leaveAll() {
        if (pubsub != null) {
            pubsub.leaveAll();
        }
    }

    int argc() {
        return request.argc();
    }

    /** Argument i as UTF-8 text. */
    String arg(int i) {
        return request.string(i);
    }

    /** Argument i upper-cased (ASCII only, as Redis compares keywords), for options such as SKIPME. */
    String keyword(int i) {
        return Ascii.upperCase(request.string(i));
    }

    /** Reads the current request's subcommand, once, for the command it names. */
    void begin(Command command) {
        subcommand = command.hasSubcommands() && argc() >= 2 ? keyword(1) : null;
    }

    /**
     * The subcommand as its handler dispatches on it ("LIST"): the same reading of argument 1 that
     * the permission check and CLIENT LIST used.
     */
    String subcommand() {
        return subcommand;
    }

    /** Ends the conversation after this reply (QUIT). */
    void quit() {
        quit = true;
    }

    boolean quitRequested() {
        return quit;
    }

    /**
     * Closes the connection after this command's reply, for this reason, running nothing more
     * from it (CLIENT KILL of oneself, as Redis does; a cross-protocol request).
     */
    void closeAfterReply(CloseReason reason) {
        closeAfterReply = reason;
    }

    /** The reason to close after this command, or null to carry on. */
    CloseReason closeRequested() {
        return closeAfterReply;
    }

    /** Writes {@code -ERR wrong number of arguments for 'name' command}. */
    void wrongArity(String name) throws IOException {
        reply.error("ERR wrong number of arguments for '" + name.toLowerCase(Locale.ROOT) + "' command");
    }

    /** Writes Redis's reply to an unknown subcommand, quoting the client's bytes as Redis does. */
    void unknownSubcommand(String command) throws IOException {
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        e.writeBytes(ascii("ERR unknown subcommand '"));
        quote(e, 1, 128);
        e.writeBytes(ascii("'. Try " + command + " HELP."));
        reply.error(e.toByteArray());
    }

    /**
     * Writes Redis's reply when a subcommand checks its own arguments and finds too many
     * (addReplySubcommandSyntaxError: PUBSUB CHANNELS a b), quoting the client's bytes.
     */
    void subcommandSyntaxError(String command) throws IOException {
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        e.writeBytes(ascii("ERR unknown subcommand or wrong number of arguments for '"));
        quote(e, 1, 128);
        e.writeBytes(ascii("'. Try " + command + " HELP."));
        reply.error(e.toByteArray());
    }

    /**
     * Writes Redis's reply to an unknown command: "ERR unknown command 'x', with args beginning
     * with: 'a' 'b' ", quoting at most 128 bytes of the name and about 128 of the arguments, each
     * cut at a NUL byte (Redis formats them as C strings).
     */
    void unknownCommand() throws IOException {
        ByteArrayOutputStream args = new ByteArrayOutputStream();
        for (int i = 1; i < argc() && args.size() < 128; i++) {
            args.write('\'');
            quote(args, i, 128 - args.size() + 1);
            args.writeBytes(ascii("' "));
        }
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        e.writeBytes(ascii("ERR unknown command '"));
        quote(e, 0, 128);
        e.writeBytes(ascii("', with args beginning with: "));
        args.writeTo(e);
        reply.error(e.toByteArray());
    }

    /** Argument i as C's printf "%.*s" writes it: up to its first NUL, at most {@code max} bytes. */
    private void quote(ByteArrayOutputStream out, int i, int max) {
        byte[] a = request.array(i);
        int start = request.start(i);
        int n = 0;
        while (n < request.length(i) && n < max && a[start + n] != 0) {
            n++;
        }
        out.write(a, start, n);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }

    /**
     * Whether the session's user may run {@code command} (e.g. "client|kill"); if not, writes
     * Redis's NOPERM error.
     */
    boolean permitted(String command) throws IOException {
        if (session.user().mayRun(command)) {
            return true;
        }
        reply.error("NOPERM User " + session.user().name() + " has no permissions to run the '"
                + command + "' command");
        return false;
    }

    static String abbreviate(String s) {
        return s.length() <= 128 ? s : s.substring(0, 128);
    }
}
