package io.tcpkit.server.chat;

import io.tcpkit.Connection;
import io.tcpkit.server.hub.Glob;
import io.tcpkit.server.hub.Message;
import io.tcpkit.server.hub.Subscriber;
import io.tcpkit.server.session.Session;

import java.nio.charset.StandardCharsets;

/**
 * A person in the chat. Everything sent to them after they join, from others or from their own
 * commands, goes through their connection's outbound queue, so it arrives in order and a slow
 * reader never holds up anyone else.
 */
final class ChatMember implements Subscriber {
    /**
     * What one room membership holds besides the room's name, counted in the client memory budget
     * as a command connection's subscription is (PubSubClient): the member's slot in the room's
     * list and in the hub's subscriber array, its share of the room and channel objects.
     */
    static final int MEMBERSHIP_OVERHEAD_BYTES = 160;

    private final Connection connection;
    private final Session session;
    private volatile String name;
    private volatile ChatRoom room;

    ChatMember(Connection connection, Session session, String name) {
        this.connection = connection;
        this.session = session;
        this.name = name;
    }

    @Override
    public boolean deliver(Message message, Glob pattern) {
        return connection.send(message.line());
    }

    /** Sends a line to this member only (a newline is added). */
    boolean tell(String line) {
        return connection.send((line + "\n").getBytes(StandardCharsets.UTF_8));
    }

    String name() {
        return name;
    }

    void name(String name) {
        this.name = name;
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
        return connection;
    }
}
