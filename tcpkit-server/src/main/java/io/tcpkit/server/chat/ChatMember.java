package io.tcpkit.server.chat;

import io.tcpkit.CloseReason;
import io.tcpkit.Connection;
import io.tcpkit.RequestHandler;
import io.tcpkit.codec.FrameTooLongException;
import io.tcpkit.codec.LineReader;
import io.tcpkit.server.CrossProtocol;
import io.tcpkit.server.auth.Authenticator;
import io.tcpkit.server.auth.User;
import io.tcpkit.server.hub.Glob;
import io.tcpkit.server.hub.Hub;
import io.tcpkit.server.hub.Message;
import io.tcpkit.server.hub.Names;
import io.tcpkit.server.hub.Subscriber;
import io.tcpkit.server.session.Session;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * A person in the chat, from their first line: their conversation, a line per turn (their name
 * and the password of a registered one, then what they say and their {@code /commands}), and,
 * once they have joined, the receiver of what is said in their room. The state lives here, not on
 * a thread's stack, so that between lines the connection holds no thread.
 *
 * <p>Everything sent to them after they join, from others or from their own commands, goes
 * through their connection's ordered output, so it arrives in order and a slow reader never holds
 * up anyone else.
 *
 * <p>One object for the conversation and the receiver, and the name kept in the {@link Session}
 * alone: most members are idle most of the time, and what an idle member holds is the chat's
 * memory (a second object and a second name field cost 32 bytes a member; see the README's
 * Performance section for the figure this keeps under Netty's).
 */
final class ChatMember implements RequestHandler, Subscriber {
    /**
     * What one room membership holds besides the room's name, counted in the client memory budget
     * as a command connection's subscription is (PubSubClient): the member's slot in the room's
     * list and in the hub's subscriber array, its share of the room and channel objects.
     */
    static final int MEMBERSHIP_OVERHEAD_BYTES = 160;

    private final ChatService chat;
    /** Who this is for CLIENT LIST, and the member's name ({@link Session#name}) once joined. */
    private final Session session;
    /** Until the member has joined: what they have said so far; then null (16 bytes an idle member does not keep). */
    private Joining joining = new Joining();
    /** The room the member is in; null before they join and after they leave. Read by other threads. */
    private volatile ChatRoom room;
    /**
     * The member's allowance of lines and bytes, made at their first line: its buckets start
     * full, as they would be had it been made when they joined, and a member who only listens
     * never needs one.
     */
    private FloodControl flood;
    /** What this member's lines delivered since it last gave way (see {@link Hub#yieldToReceivers}). */
    private int deliveredSinceTurn;

    /** The state of the conversation before the member joins. */
    private static final class Joining {
        String name;
        /** The registered user whose name was asked for, while the password is awaited; else null. */
        User registered;
        /** Names tried that were taken. */
        int taken;
    }

    ChatMember(ChatService chat, Session session) {
        this.chat = chat;
        this.session = session;
    }

    private boolean joined() {
        return joining == null;
    }

    // ---- the conversation: the member's own turns ----

    @Override
    public boolean serve(Connection conn) throws IOException, InterruptedException {
        LineReader lines = conn.lines();
        String line;
        try {
            line = lines.readLine();
        } catch (FrameTooLongException e) {
            if (joined()) {
                tell("* line too long (over " + e.limit() + " bytes): dropped");
                flood().sent(this, conn, e.limit());
                return true;
            }
            line = ""; // an overlong name or password is a wrong one
        }
        if (joined()) {
            return converse(conn, line);
        }
        return line != null && (joining.registered == null ? name(conn, line.strip()) : password(conn, line));
    }

    private boolean name(Connection conn, String wanted) throws IOException {
        if (!Names.isValid(wanted)) {
            // An HTTP request sent here by a web page ends here too: its first line cannot be a
            // name (names have no spaces), so it never joins or speaks. Say so in the log.
            if (CrossProtocol.isHttpRequestLine(wanted)) {
                chat.crossProtocol().report(conn.remoteAddress());
            }
            conn.write("* illegal name: use 1 to 32 letters and digits\n");
            return false;
        }
        joining.name = wanted;
        // Chat names are unique ignoring case, so "ALICE" is alice's name too and needs her password,
        // unless the session is that user already (by its client certificate, or a password given before).
        Optional<User> user = chat.authenticator().users().findIgnoringCase(wanted);
        if (user.isPresent() && !(session.user() != null && session.user().name().equals(user.get().name()))) {
            joining.registered = user.get();
            conn.write("* " + wanted + " is a registered name: password?\n");
            return true;
        }
        return join(conn);
    }

    private boolean password(Connection conn, String password) throws IOException, InterruptedException {
        Optional<User> user;
        try {
            user = chat.authenticator().login(joining.registered.name(), password.toCharArray(),
                    conn.remoteAddress().getAddress());
        } catch (Authenticator.TooManyLoginsException e) {
            conn.write(ChatService.TOO_MANY_LOGINS + "\n");
            return false;
        }
        if (user.isEmpty()) {
            conn.write("* wrong password for " + joining.name + "\n");
            return false;
        }
        session.user(user.get());
        return join(conn);
    }

    private boolean join(Connection conn) throws IOException {
        String name = joining.name;
        // Named before the name is claimed: whoever finds this member by it sees it at once.
        session.name(name);
        if (!chat.rooms().claim(name, this)) {
            session.name("");
            if (++joining.taken == ChatService.MAX_NAME_TRIES) {
                conn.write("* the name " + name + " is taken too: bye\n");
                return false;
            }
            conn.write("* the name " + name + " is taken: choose another\n");
            joining.registered = null; // the name is asked again
            return true;
        }
        joining = null;
        return chat.rooms().join(this, ChatRooms.LOBBY); // false: evicted by the memory budget
    }

    private boolean converse(Connection conn, String line) throws InterruptedException {
        if (line == null) {
            if (conn.isDraining()) {
                tell("* the server is shutting down: bye");
            }
            return false;
        }
        session.active(); // CLIENT LIST's idle
        if (line.startsWith("/")) {
            if (!chat.commands().run(this, line)) {
                return false;
            }
        } else if (!line.isEmpty()) {
            deliveredSinceTurn = Hub.yieldToReceivers(deliveredSinceTurn,
                    chat.rooms().hub().publish(Message.chat(room.channel(), name(), line), this));
        }
        flood().sent(this, conn, conn.lines().length() + 1);
        return true;
    }

    private FloodControl flood() {
        if (flood == null) {
            flood = new FloodControl(chat.limits(), System.nanoTime());
        }
        return flood;
    }

    /** However the connection ended: out of the room, the name free again, the session gone. */
    @Override
    public void closed(Connection conn, CloseReason reason) {
        if (joined()) {
            // After "the server is shutting down: bye" nobody is told who else leaves.
            chat.rooms().leave(this, !conn.isDraining());
            chat.rooms().release(name(), this);
        }
        chat.sessions().close(session);
    }

    // ---- the receiver: any thread ----

    @Override
    public boolean deliver(Message message, Glob pattern) {
        return session.connection().send(message.line());
    }

    /** Sends a line to this member only (a newline is added). */
    boolean tell(String line) {
        return session.connection().send((line + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /** The member's chat name; empty before they join. */
    String name() {
        return session.name();
    }

    /** Takes another name (the caller has claimed it). */
    void name(String name) {
        session.name(name);
    }

    ChatRoom room() {
        return room;
    }

    void room(ChatRoom room) {
        this.room = room;
        session.subscriptions(room == null ? 0 : 1, 0);
    }

    Session session() {
        return session;
    }

    Connection connection() {
        return session.connection();
    }
}
