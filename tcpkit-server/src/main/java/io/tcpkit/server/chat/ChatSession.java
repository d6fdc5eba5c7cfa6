package io.tcpkit.server.chat;

import io.tcpkit.CloseReason;
import io.tcpkit.Connection;
import io.tcpkit.RequestHandler;
import io.tcpkit.codec.FrameTooLongException;
import io.tcpkit.codec.LineReader;
import io.tcpkit.server.CrossProtocol;
import io.tcpkit.server.auth.Authenticator;
import io.tcpkit.server.auth.User;
import io.tcpkit.server.hub.Hub;
import io.tcpkit.server.hub.Message;
import io.tcpkit.server.hub.Names;
import io.tcpkit.server.session.Session;

import java.io.IOException;
import java.util.Optional;

/**
 * One person's conversation with the chat, a line per turn: first their name (and the password
 * of a registered one), then what they say and their {@code /commands}. The state lives here, not
 * on a thread's stack, so that between lines the connection holds no thread.
 */
final class ChatSession implements RequestHandler {
    private final ChatService chat;
    private final Session session;
    /** Until the member has joined: what they have said so far; then null (16 bytes an idle member does not keep). */
    private Joining joining = new Joining();
    /** The member, once joined. */
    private ChatMember me;
    /**
     * The member's allowance of lines and bytes, made at their first line: its buckets start
     * full, as they would be had it been made when they joined, and a member who only listens
     * never needs one.
     */
    private FloodControl flood;

    /** The state of the conversation before the member joins. */
    private static final class Joining {
        String name;
        /** The registered user whose name was asked for, while the password is awaited; else null. */
        User registered;
        /** Names tried that were taken. */
        int taken;
    }

    ChatSession(ChatService chat, Connection conn, Session session) {
        this.chat = chat;
        this.session = session;
    }

    @Override
    public boolean serve(Connection conn) throws IOException, InterruptedException {
        LineReader lines = conn.lines();
        String line;
        try {
            line = lines.readLine();
        } catch (FrameTooLongException e) {
            if (me != null) {
                me.tell("* line too long (over " + e.limit() + " bytes): dropped");
                flood().sent(me, conn, e.limit());
                return true;
            }
            line = ""; // an overlong name or password is a wrong one
        }
        if (me != null) {
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
        ChatMember member = new ChatMember(conn, session, name);
        if (!chat.rooms().claim(name, member)) {
            if (++joining.taken == ChatService.MAX_NAME_TRIES) {
                conn.write("* the name " + name + " is taken too: bye\n");
                return false;
            }
            conn.write("* the name " + name + " is taken: choose another\n");
            joining.registered = null; // the name is asked again
            return true;
        }
        me = member;
        joining = null;
        session.name(name);
        return chat.rooms().join(me, ChatRooms.LOBBY); // false: evicted by the memory budget
    }

    private boolean converse(Connection conn, String line) throws InterruptedException {
        if (line == null) {
            if (conn.isDraining()) {
                me.tell("* the server is shutting down: bye");
            }
            return false;
        }
        session.active(); // CLIENT LIST's idle
        if (line.startsWith("/")) {
            if (!chat.commands().run(me, line)) {
                return false;
            }
        } else if (!line.isEmpty()) {
            Hub.yieldToReceivers(chat.rooms().hub().publish(Message.chat(me.room().channel(), me.name(), line), me));
        }
        flood().sent(me, conn, conn.lines().length() + 1);
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
        if (me != null) {
            // After "the server is shutting down: bye" nobody is told who else leaves.
            chat.rooms().leave(me, !conn.isDraining());
            chat.rooms().release(me.name(), me);
        }
        chat.sessions().close(session);
    }
}
