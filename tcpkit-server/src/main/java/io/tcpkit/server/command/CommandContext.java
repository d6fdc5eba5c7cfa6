package io.tcpkit.server.command;

import io.tcpkit.Connection;
import io.tcpkit.codec.RespReader;
import io.tcpkit.codec.RespWriter;
import io.tcpkit.server.session.Session;

import java.io.IOException;
import java.util.Locale;

/**
 * What a command handler works with: the request's arguments, the reply writer, the session, and
 * the service. One per connection, reused for every request on it.
 *
 * <p>Replies go to the connection's output buffer (flushed once per read batch). Published
 * messages reach a subscribed connection through {@link Connection#send}, which keeps the order in
 * which things were issued: a message that arrives through a subscription is written after the
 * subscription's confirmation, however the two threads interleave.
 */
final class CommandContext {
    final CommandService service;
    final Session session;
    final Connection connection;
    final RespReader request;
    final RespWriter reply;
    private PubSubClient pubsub;
    private boolean quit;

    CommandContext(CommandService service, Session session, Connection connection, RespReader request) {
        this.service = service;
        this.session = session;
        this.connection = connection;
        this.request = request;
        this.reply = new RespWriter(connection::write);
    }

    /** The connection's subscriptions. */
    PubSubClient pubsub() {
        if (pubsub == null) {
            pubsub = new PubSubClient(connection, session, service.hub());
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
