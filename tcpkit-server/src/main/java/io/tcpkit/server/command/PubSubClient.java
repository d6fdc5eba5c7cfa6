package io.tcpkit.server.command;

import io.tcpkit.Connection;
import io.tcpkit.server.hub.Channel;
import io.tcpkit.server.hub.Glob;
import io.tcpkit.server.hub.Hub;
import io.tcpkit.server.hub.Message;
import io.tcpkit.server.hub.Subscriber;
import io.tcpkit.server.session.Session;


/**
 * One command-protocol connection's subscriptions. Messages reach it from publishers' threads
 * through {@link #deliver}, which only queues them on the connection; the sets of rooms and
 * patterns belong to the connection's own thread.
 */
final class PubSubClient implements Subscriber {
    private final Connection connection;
    private final Session session;
    private final Hub hub;
    final SmallSet<Channel> rooms = new SmallSet<>();
    final SmallSet<Glob> patterns = new SmallSet<>();
    /** RESP3: messages go as push frames. Read by publishers' threads, hence volatile. */
    private volatile boolean resp3;

    PubSubClient(Connection connection, Session session, Hub hub) {
        this.connection = connection;
        this.session = session;
        this.hub = hub;
    }

    @Override
    public boolean deliver(Message message, Glob pattern) {
        // The connection's output keeps the order: no message overtakes the confirmation that
        // was written before its subscription was made (see PubSubCommands.subscribe).
        if (resp3) {
            return connection.send(pattern == null ? message.push() : message.push(pattern));
        }
        return connection.send(pattern == null ? message.resp() : message.resp(pattern));
    }

    /** The RESP version the connection speaks, 2 or 3 (HELLO). */
    void protocol(int version) {
        resp3 = version == 3;
    }

    int count() {
        return rooms.size() + patterns.size();
    }

    void subscribe(Channel room) {
        if (rooms.add(room)) {
            hub.subscribe(room, this);
            counted();
        }
    }

    void unsubscribe(Channel room) {
        if (rooms.remove(room)) {
            hub.unsubscribe(room, this);
            counted();
        }
    }

    void psubscribe(Glob pattern) {
        if (patterns.add(pattern)) {
            hub.psubscribe(pattern, this);
            counted();
        }
    }

    void punsubscribe(Glob pattern) {
        if (patterns.remove(pattern)) {
            hub.punsubscribe(pattern, this);
            counted();
        }
    }

    /** Leaves everything; in the connection's finally. */
    void leaveAll() {
        rooms.forEach(r -> hub.unsubscribe(r, this));
        patterns.forEach(p -> hub.punsubscribe(p, this));
        rooms.clear();
        patterns.clear();
        counted();
    }

    private void counted() {
        session.subscriptions(rooms.size(), patterns.size());
    }
}
