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
    /**
     * What one subscription holds besides its name, counted in the client memory budget: the set
     * entry here, the room or pattern object, its slot in the hub's map and array.
     */
    static final int SUBSCRIPTION_OVERHEAD_BYTES = 160;

    private final Connection connection;
    private final Session session;
    private final Hub hub;
    final SmallSet<Channel> rooms = new SmallSet<>();
    /** Made at the first PSUBSCRIBE: most subscribers have none (24 bytes each otherwise). */
    private SmallSet<Glob> patterns;
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
        return rooms.size() + patternCount();
    }

    private int patternCount() {
        return patterns == null ? 0 : patterns.size();
    }

    boolean hasPattern(Glob pattern) {
        return patterns != null && patterns.contains(pattern);
    }

    /** The patterns subscribed to, in order. */
    Iterable<Glob> patterns() {
        return patterns == null ? java.util.List.of() : patterns;
    }

    /** Subscribes; false if the memory budget evicted the connection instead (nothing was subscribed). */
    boolean subscribe(Channel room) {
        if (rooms.contains(room)) {
            return true;
        }
        if (!connection.accountMemory(cost(room.bytes()))) {
            return false;
        }
        rooms.add(room);
        hub.subscribe(room, this);
        counted();
        return true;
    }

    void unsubscribe(Channel room) {
        if (rooms.remove(room)) {
            hub.unsubscribe(room, this);
            connection.accountMemory(-cost(room.bytes()));
            counted();
        }
    }

    /** Subscribes to a pattern; false if the memory budget evicted the connection instead. */
    boolean psubscribe(Glob pattern) {
        if (hasPattern(pattern)) {
            return true;
        }
        if (!connection.accountMemory(cost(pattern.bytes()))) {
            return false;
        }
        if (patterns == null) {
            patterns = new SmallSet<>();
        }
        patterns.add(pattern);
        hub.psubscribe(pattern, this);
        counted();
        return true;
    }

    void punsubscribe(Glob pattern) {
        if (patterns != null && patterns.remove(pattern)) {
            hub.punsubscribe(pattern, this);
            connection.accountMemory(-cost(pattern.bytes()));
            counted();
        }
    }

    private static long cost(byte[] name) {
        return SUBSCRIPTION_OVERHEAD_BYTES + name.length;
    }

    /** Leaves everything; in the connection's finally (the engine returns its memory to the budget itself). */
    void leaveAll() {
        rooms.forEach(r -> hub.unsubscribe(r, this));
        patterns().forEach(p -> hub.punsubscribe(p, this));
        rooms.clear();
        patterns = null;
        counted();
    }

    private void counted() {
        session.subscriptions(rooms.size(), patternCount());
    }
}
