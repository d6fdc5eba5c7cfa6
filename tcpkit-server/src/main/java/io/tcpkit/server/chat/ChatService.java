package io.tcpkit.server.chat;

import io.tcpkit.Connection;
import io.tcpkit.ConnectionHandler;
import io.tcpkit.codec.FrameTooLongException;
import io.tcpkit.codec.LineReader;
import io.tcpkit.server.Service;
import io.tcpkit.server.auth.Authenticator;
import io.tcpkit.server.auth.CertificateIdentity;
import io.tcpkit.server.auth.User;
import io.tcpkit.server.hub.Hub;
import io.tcpkit.server.hub.Message;
import io.tcpkit.server.session.Session;
import io.tcpkit.server.session.Sessions;

import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Chat for people on telnet, nc or {@code tcpkit connect}: the Protohackers "Budget Chat" rules
 * (name prompt, presence line, join and leave notices, {@code [name] text} relayed to everyone else
 * in the room), plus rooms, private messages and logins through {@code /commands}. Rooms live in
 * the {@link Hub}, shared with the command protocol's pub/sub.
 */
public final class ChatService implements Service {
    public static final int DEFAULT_PORT = 7001;
    /** Names: 1 to 32 ASCII letters and digits (Budget Chat asks for at least 16). */
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9]{1,32}");
    static final String WELCOME = "Welcome to tcpkit chat! What shall I call you?\n";

    private final Sessions sessions;
    private final Authenticator authenticator;
    private final ChatRooms rooms;
    private final ChatCommands commands;

    public ChatService(Sessions sessions, Authenticator authenticator, Hub hub) {
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
            String name;
            try {
                name = lines.readLine();
            } catch (FrameTooLongException e) {
                name = "";
            }
            if (name == null) {
                return; // left before joining: nobody hears of it
            }
            name = name.strip();
            if (!NAME.matcher(name).matches()) {
                conn.write("* illegal name: use 1 to 32 letters and digits\n");
                return;
            }
            if (!checkRegisteredName(conn, lines, session, name)) {
                return;
            }
            ChatMember me = new ChatMember(conn, session, name);
            if (!rooms.claim(name, me)) {
                conn.write("* the name " + name + " is taken: reconnect and choose another\n");
                return;
            }
            session.name(name);
            try {
                rooms.join(me, ChatRooms.LOBBY);
                converse(conn, lines, me);
            } finally {
                rooms.leave(me);
                rooms.release(me.name(), me);
            }
        } finally {
            sessions.close(session);
        }
    }

    private void converse(Connection conn, LineReader lines, ChatMember me) throws IOException, InterruptedException {
        while (true) {
            String line;
            try {
                line = lines.readLine();
            } catch (FrameTooLongException e) {
                me.tell("* line too long (over " + e.limit() + " bytes): dropped");
                continue;
            }
            if (line == null) {
                if (conn.isDraining()) {
                    me.tell("* the server is shutting down: bye");
                }
                return;
            }
            if (line.startsWith("/")) {
                if (!commands.run(me, line)) {
                    return;
                }
            } else if (!line.isEmpty()) {
                Hub.yieldToReceivers(rooms.hub().publish(Message.chat(me.room().name(), me.name(), line), me));
            }
        }
    }

    /**
     * A registered name needs its password; false (after saying why) if it was wrong. Chat names
     * are unique ignoring case, so "ALICE" is alice's name too and needs her password.
     */
    private boolean checkRegisteredName(Connection conn, LineReader lines, Session session, String name)
            throws IOException, InterruptedException {
        Optional<User> registered = authenticator.users().all().stream()
                .filter(u -> u.name().equalsIgnoreCase(name)).findFirst();
        if (registered.isEmpty()) {
            return true;
        }
        conn.write("* " + name + " is a registered name: password?\n");
        conn.flush();
        String password;
        try {
            password = lines.readLine();
        } catch (FrameTooLongException e) {
            password = "";
        }
        if (password == null) {
            return false;
        }
        Optional<User> user = authenticator.login(registered.get().name(), password.toCharArray(),
                conn.remoteAddress().getAddress());
        if (user.isEmpty()) {
            conn.write("* wrong password for " + name + "\n");
            return false;
        }
        session.user(user.get());
        return true;
    }
}
