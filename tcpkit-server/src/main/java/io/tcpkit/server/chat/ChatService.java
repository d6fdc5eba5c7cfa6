package io.tcpkit.server.chat;

import io.tcpkit.Connection;
import io.tcpkit.TcpServer;
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
import java.util.Map;

/**
 * Chat for people on telnet, nc or {@code tcpkit connect}: the Protohackers "Budget Chat" rules
 * (name prompt, presence line, join and leave notices, {@code [name] text} relayed to everyone else
 * in the room), plus rooms, private messages and logins through {@code /commands}. Rooms live in
 * the {@link Hub}, shared with the command protocol's pub/sub.
 *
 * <p>Each connection is a {@link ChatMember} served in turns: a member who is not typing holds
 * no thread, and what others say reaches them through the connection's ordered output (written by
 * the engine's reactor while they wait).
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
    public TcpServer.Builder handle(TcpServer.Builder builder) {
        return builder.requestHandlers(this::open);
    }

    /** A new connection: a session, the welcome, and a member-to-be waiting for the name. */
    private ChatMember open(Connection conn) throws IOException {
        Session session = sessions.open(conn, CertificateIdentity.initialUser(conn, authenticator.users()));
        conn.write(WELCOME);
        return new ChatMember(this, session);
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

    ChatLimits limits() {
        return limits;
    }

    CrossProtocol crossProtocol() {
        return crossProtocol;
    }
}
