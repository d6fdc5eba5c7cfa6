package io.tcpkit.server.chat;

import io.tcpkit.Connection;
import io.tcpkit.ConnectionHandler;
import io.tcpkit.codec.FrameTooLongException;
import io.tcpkit.codec.LineReader;
import io.tcpkit.server.CrossProtocol;
import io.tcpkit.server.Service;
import io.tcpkit.server.auth.Authenticator;
import io.tcpkit.server.auth.CertificateIdentity;
import io.tcpkit.server.auth.User;
import io.tcpkit.server.hub.Hub;
import io.tcpkit.server.hub.Message;
import io.tcpkit.server.hub.Names;
import io.tcpkit.server.session.Session;
import io.tcpkit.server.session.Sessions;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.Map;
import java.util.Optional;

/**
 * Chat for people on telnet, nc or {@code tcpkit connect}: the Protohackers "Budget Chat" rules
 * (name prompt, presence line, join and leave notices, {@code [name] text} relayed to everyone else
 * in the room), plus rooms, private messages and logins through {@code /commands}. Rooms live in
 * the {@link Hub}, shared with the command protocol's pub/sub.
 */
public final class ChatService implements Service {
    public static final int DEFAULT_PORT = 7001;
    static final String WELCOME = "Welcome to tcpkit chat! What shall I call you?\n";
    /** A login refused unchecked: the address has as many attempts waiting as it may. */
    static final String TOO_MANY_LOGINS = "* too many login attempts from your address at once: try again later";
    /** Taken names a newcomer may try before the connection ends. */
    static final int MAX_NAME_TRIES = 5;
    private static final Logger LOG = LoggerFactory.getLogger(ChatService.class);

    private final Sessions sessions;
    private final Authenticator authenticator;
    private final ChatRooms rooms;
    private final ChatCommands commands;
    private final ChatLimits limits;
    private final CrossProtocol crossProtocol = new CrossProtocol(LOG, "chat port");

    public ChatService(Sessions sessions, Authenticator authenticator, Hub hub) {
        this(sessions, authenticator, hub, ChatLimits.DEFAULT);
    }

    public ChatService(Sessions sessions, Authenticator authenticator, Hub hub, ChatLimits limits) {
        this.limits = limits;
        this.sessions = sessions;
        this.authenticator = authenticator;
        this.rooms = new ChatRooms(hub);
        this.commands = new ChatCommands(rooms, authenticator);
    }

    @Override
    public String name() {
        return "chat";
    }

    @Override
    public int defaultPort() {
        return DEFAULT_PORT;
    }

    /** Rooms with people in them and how many are in each, by name (for the admin listener). */
    public Map<String, Integer> roomSizes() {
        return rooms.roomSizes();
    }

    @Override
    public ConnectionHandler handler() {
        return this::serve;
    }

    private void serve(Connection conn) throws IOException, InterruptedException {
        Session session = sessions.open(conn, CertificateIdentity.initialUser(conn, authenticator.users()));
        try {
            conn.write(WELCOME);
            conn.flush();
            LineReader lines = conn.lines();
            ChatMember me = chooseName(conn, lines, session);
            if (me == null) {
                return; // left, or refused and told why; nobody hears of it
            }
            try {
                rooms.join(me, ChatRooms.LOBBY);
                converse(conn, lines, me);
            } finally {
                // After "the server is shutting down: bye" nobody is told who else leaves.
                rooms.leave(me, !conn.isDraining());
                rooms.release(me.name(), me);
            }
        } finally {
            sessions.close(session);
        }
    }

    /**
     * Reads names until one is free, and claims it: a taken name is asked again (up to
     * {@link #MAX_NAME_TRIES} times); an illegal name (Budget Chat's rule) or a wrong password for
     * a registered one ends the connection. Null if it ended.
     */
    private ChatMember chooseName(Connection conn, LineReader lines, Session session)
            throws IOException, InterruptedException {
        ChatMember me = null;
        for (int tries = 1; ; tries++) {
            String name = readLine(lines);
            if (name == null) {
                return null;
            }
            name = name.strip();
            if (!Names.isValid(name)) {
                // An HTTP request sent here by a web page ends here too: its first line cannot be a
                // name (names have no spaces), so it never joins or speaks. Say so in the log.
                if (CrossProtocol.isHttpRequestLine(name)) {
                    crossProtocol.report(conn.remoteAddress());
                }
                conn.write("* illegal name: use 1 to 32 letters and digits\n");
                return null;
            }
            if (!checkRegisteredName(conn, lines, session, name)) {
                return null;
            }
            if (me == null) {
                me = new ChatMember(conn, session, name);
            } else {
                me.name(name);
            }
            if (rooms.claim(name, me)) {
                session.name(name);
                return me;
            }
            if (tries == MAX_NAME_TRIES) {
                conn.write("* the name " + name + " is taken too: bye\n");
                return null;
            }
            conn.write("* the name " + name + " is taken: choose another\n");
            conn.flush();
        }
    }

    /** The next line; "" for one over the limit (never a name or password); null at the end of input. */
    private static String readLine(LineReader lines) throws IOException {
        try {
            return lines.readLine();
        } catch (FrameTooLongException e) {
            return "";
        }
    }

    private void converse(Connection conn, LineReader lines, ChatMember me) throws IOException, InterruptedException {
        FloodControl flood = new FloodControl(limits, System.nanoTime());
        while (true) {
            String line;
            try {
                line = lines.readLine();
            } catch (FrameTooLongException e) {
                me.tell("* line too long (over " + e.limit() + " bytes): dropped");
                flood.sent(me, conn, e.limit());
                continue;
            }
            if (line == null) {
                if (conn.isDraining()) {
                    me.tell("* the server is shutting down: bye");
                }
                return;
            }
            me.session().active(); // CLIENT LIST's idle
            if (line.startsWith("/")) {
                if (!commands.run(me, line)) {
                    return;
                }
            } else if (!line.isEmpty()) {
                Hub.yieldToReceivers(rooms.hub().publish(Message.chat(me.room().channel(), me.name(), line), me));
            }
            flood.sent(me, conn, lines.length() + 1);
        }
    }

    /**
     * A registered name needs its password, unless the session is that user already; false (after
     * saying why) if it was wrong. Chat names are unique ignoring case, so "ALICE" is alice's name
     * too and needs her password.
     */
    private boolean checkRegisteredName(Connection conn, LineReader lines, Session session, String name)
            throws IOException, InterruptedException {
        Optional<User> registered = authenticator.users().findIgnoringCase(name);
        if (registered.isEmpty()) {
            return true;
        }
        // Logged in already as that user: by the client certificate's CN, or a password given before.
        if (session.user() != null && session.user().name().equals(registered.get().name())) {
            return true;
        }
        conn.write("* " + name + " is a registered name: password?\n");
        conn.flush();
        String password = readLine(lines);
        if (password == null) {
            return false;
        }
        Optional<User> user;
        try {
            user = authenticator.login(registered.get().name(), password.toCharArray(), conn.remoteAddress().getAddress());
        } catch (Authenticator.TooManyLoginsException e) {
            conn.write(TOO_MANY_LOGINS + "\n");
            return false;
        }
        if (user.isEmpty()) {
            conn.write("* wrong password for " + name + "\n");
            return false;
        }
        session.user(user.get());
        return true;
    }
}
