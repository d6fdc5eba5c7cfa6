package io.tcpkit.server.session;

import io.tcpkit.Connection;
import io.tcpkit.server.auth.User;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Every session of every service in the process, by connection id: what CLIENT LIST shows and
 * CLIENT KILL acts on. Thread-safe; a service opens a session when its handler starts and closes
 * it in a {@code finally}.
 */
public final class Sessions {
    private final SessionTable byId = new SessionTable();
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
        byId.put(session);
        return session;
    }

    public void close(Session session) {
        if (byId.remove(session)) {
            closeListener.accept(session);
        }
    }

    public Optional<Session> get(long id) {
        return Optional.ofNullable(byId.get(id));
    }

    /** All sessions, oldest first. */
    public List<Session> list() {
        return byId.all().stream().sorted(Comparator.comparingLong(Session::id)).toList();
    }

    public int size() {
        return byId.size();
    }
}
