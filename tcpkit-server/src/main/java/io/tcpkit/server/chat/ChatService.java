package io.tcpkit.server.chat;

import io.tcpkit.Connection;
import io.tcpkit.TcpServer;
import io.tcpkit.server.Service;
import io.tcpkit.server.auth.Authenticator;
import io.tcpkit.server.auth.CertificateIdentity;
import io.tcpkit.server.hub.Hub;
import io.tcpkit.server.session.Session;
import io.tcpkit.server.session.Sessions;

import java.io.IOException;
import java.util.regex.Pattern;

/**
 * Chat for people on telnet, nc or {@code tcpkit connect}: the Protohackers "Budget Chat" rules
 * (name prompt, presence line, join and leave notices, {@code [name] text} relayed to everyone else
 * in the room), plus rooms, private messages and logins through {@code /commands}. Rooms live in
 * the {@link Hub}, shared with the command protocol's pub/sub.
 *
 * <p>Each connection is a {@link ChatSession} served in turns: a member who is not typing holds
 * no thread, and what others say reaches them through the connection's ordered output (written by
 * the engine's reactor while they wait).
 */
public final class ChatService implements Service {
    public static final int DEFAULT_PORT = 7001;
    /** Names: 1 to 32 ASCII letters and digits (Budget Chat asks for at least 16). */
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9]{1,32}");
    static final String WELCOME = "Welcome to tcpkit chat! What shall I call you?\n";
    /** Taken names a newcomer may try before the connection ends. */
    static final int MAX_NAME_TRIES = 5;

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

    @Override
    public TcpServer.Builder handle(TcpServer.Builder builder) {
        return builder.requestHandlers(this::open);
    }

    /** A new connection: a session, the welcome, and a chat session waiting for the name. */
    private ChatSession open(Connection conn) throws IOException {
        Session session = sessions.open(conn, CertificateIdentity.initialUser(conn, authenticator.users()));
        conn.write(WELCOME);
        return new ChatSession(this, conn, session);
    }

    Sessions sessions() {
        return sessions;
    }

    Authenticator authenticator() {
        return authenticator;
    }

    ChatRooms rooms() {
        return rooms;
    }

    ChatCommands commands() {
        return commands;
    }
}
