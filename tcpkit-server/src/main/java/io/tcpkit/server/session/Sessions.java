package io.tcpkit.server.session;

import io.tcpkit.Connection;
import io.tcpkit.server.auth.User;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Every session of every service in the process, by connection id: what CLIENT LIST shows and
 * CLIENT KILL acts on. Thread-safe; a service opens a session when its handler starts and closes
 * it in a {@code finally}.
 */
public final class Sessions {
    /**
     * Each session keyed by itself (its hash is its id's), found by id through an {@link Id}
     * probe: a Long key per session would cost 24 bytes for every connection of the process.
     */
    private final ConcurrentHashMap<Object, Session> byId = new ConcurrentHashMap<>();
    private volatile Consumer<Session> closeListener = s -> {
    };

    /**
     * Told of each session as it closes, on its connection's thread, before the connection does
     * (the program's close log line names the user and chat name from it). Quick, never blocking.
     */
    public void onClose(Consumer<Session> listener) {
        this.closeListener = listener;
    }

    /** Registers a session for the connection, logged in as {@code user} (null: not yet). */
    public Session open(Connection connection, User user) {
        Session session = new Session(connection, user);
        byId.put(session, session);
        return session;
    }

    public void close(Session session) {
        if (byId.remove(session, session)) {
            closeListener.accept(session);
        }
    }

    public Optional<Session> get(long id) {
        return Optional.ofNullable(byId.get(new Id(id)));
    }

    /** All sessions, oldest first. */
    public List<Session> list() {
        return byId.values().stream().sorted(Comparator.comparingLong(Session::id)).toList();
    }

    public int size() {
        return byId.size();
    }

    /** Looks up a session by id: equal to the session with that id (the map calls the probe's equals). */
    private record Id(long id) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Session s && s.id() == id || o instanceof Id other && other.id == id;
        }

        @Override
        public int hashCode() {
            return Long.hashCode(id);
        }
    }
}
