package io.tcpkit.server.command;

import io.tcpkit.Connection;
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
 * <p>Replies normally go to the connection's output buffer (flushed once per read batch). While
 * the connection has subscriptions, published messages reach it through its outbound queue, so
 * replies go there too, in order: each command's replies are queued when it ends, or earlier with
 * {@link #flushReply()}, which pub/sub commands call before they (un)subscribe.
 */
final class CommandContext {
    final CommandService service;
    final Session session;
    final Connection connection;
    final RespReader request;
    final RespWriter reply;
    private final ByteArrayOutputStream queuedReply = new ByteArrayOutputStream();
    private boolean queueReplies;
    private PubSubClient pubsub;
    private boolean quit;
    // For CommandMetrics: whether the current command's reply began with '-' (an error).
    private boolean replyBegun;
    private boolean replyIsError;

    CommandContext(CommandService service, Session session, Connection connection, RespReader request) {
        this.service = service;
        this.session = session;
        this.connection = connection;
        this.request = request;
        this.reply = new RespWriter(this::sink);
    }

    private void sink(byte[] b, int off, int len) throws IOException {
        if (!replyBegun && len > 0) {
            replyBegun = true;
            replyIsError = b[off] == '-';
        }
        if (queueReplies) {
            queuedReply.write(b, off, len);
        } else {
            connection.write(b, off, len);
        }
    }

    /** Marks the start of a command's reply, for {@link #replyWasError()}. */
    void beginReply() {
        replyBegun = false;
        replyIsError = false;
    }

    /** Whether the reply written since {@link #beginReply()} is an error reply. */
    boolean replyWasError() {
        return replyIsError;
    }

    /** Sends the replies written so far now: queued in subscribed mode, else flushed. */
    void flushReply() throws IOException {
        if (queueReplies) {
            if (queuedReply.size() > 0) {
                connection.send(queuedReply.toByteArray());
                queuedReply.reset();
            }
        } else {
            connection.flush();
        }
    }

    /** After each command: hands queued replies over, and leaves subscribed mode when nothing is left. */
    void endCommand() throws IOException, InterruptedException {
        if (!queueReplies) {
            return;
        }
        flushReply();
        if (pubsub.count() == 0) {
            // Later replies go straight to the socket: let queued messages and replies go first.
            connection.awaitSent(connection.limits().writeTimeout().isZero()
                    ? java.time.Duration.ofSeconds(30) : connection.limits().writeTimeout());
            queueReplies = false;
        }
    }

    /** The connection's subscriptions; entering subscribed mode flushes what was written before. */
    PubSubClient pubsub() throws IOException {
        if (pubsub == null) {
            pubsub = new PubSubClient(connection, session, service.hub());
        }
        if (!queueReplies) {
            connection.flush();
            queueReplies = true;
        }
        return pubsub;
    }

    /** Whether the connection has subscriptions (RESP2's subscribed mode). */
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

    /** Argument i upper-cased, for keywords (subcommands, options). */
    String keyword(int i) {
        return request.string(i).toUpperCase(Locale.ROOT);
    }

    /** Ends the conversation after this reply (QUIT). */
    void quit() {
        quit = true;
    }

    boolean quitRequested() {
        return quit;
    }

    /** Writes {@code -ERR wrong number of arguments for 'name' command}. */
    void wrongArity(String name) throws IOException {
        reply.error("ERR wrong number of arguments for '" + name.toLowerCase(Locale.ROOT) + "' command");
    }

    /** Writes Redis's reply to an unknown subcommand. */
    void unknownSubcommand(String command) throws IOException {
        reply.error("ERR unknown subcommand '" + abbreviate(arg(1)) + "'. Try " + command + " HELP.");
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
