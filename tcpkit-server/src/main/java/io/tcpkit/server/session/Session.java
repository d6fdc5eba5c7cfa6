package io.tcpkit.server.session;

import io.tcpkit.CloseReason;
import io.tcpkit.Connection;
import io.tcpkit.server.auth.User;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;

/**
 * Who is on the other end of one connection, whatever the service: the connection's id, the name
 * the client gave itself, the user it logged in as, and what it did last. Fields are written by
 * the connection's own thread and read by others (CLIENT LIST), hence volatile.
 */
public final class Session {
    private final Connection connection;
    private volatile String name = "";
    private volatile User user;
    private volatile String lastCommand = "NULL";
    private volatile long lastCommandNanos = System.nanoTime();
    private volatile String libName = "";
    private volatile String libVersion = "";
    private volatile int subscribedRooms;
    private volatile int subscribedPatterns;
    /** The RESP version the connection speaks (HELLO 3 switches it), for CLIENT LIST's resp=. */
    private volatile int protocol = 2;

    Session(Connection connection, User user) {
        this.connection = connection;
        this.user = user;
    }

    public long id() {
        return connection.id();
    }

    public String service() {
        return connection.service();
    }

    public Connection connection() {
        return connection;
    }

    public InetSocketAddress remoteAddress() {
        return connection.remoteAddress();
    }

    public InetSocketAddress localAddress() {
        return connection.localAddress();
    }

    public Duration age() {
        return Duration.between(connection.openedAt(), Instant.now());
    }

    /** Time since the last command (or chat line). */
    public Duration idle() {
        return Duration.ofNanos(Math.max(0, System.nanoTime() - lastCommandNanos));
    }

    public String name() {
        return name;
    }

    public void name(String name) {
        this.name = name;
    }

    /** The user logged in as, or null before authentication. */
    public User user() {
        return user;
    }

    public void user(User user) {
        this.user = user;
    }

    public boolean isAuthenticated() {
        return user != null;
    }

    public String lastCommand() {
        return lastCommand;
    }

    /** Records activity that is no command (a chat line), so that {@link #idle()} counts from it. */
    public void active() {
        lastCommandNanos = System.nanoTime();
    }

    /** Records a command (its lower-case name, e.g. "client|list") as the last one run. */
    public void commandRun(String command) {
        lastCommand = command;
        lastCommandNanos = System.nanoTime();
    }

    public String libName() {
        return libName;
    }

    public String libVersion() {
        return libVersion;
    }

    public void library(String name, String version) {
        if (name != null) {
            libName = name;
        }
        if (version != null) {
            libVersion = version;
        }
    }

    /** Rooms subscribed to (pub/sub or chat), for listings. */
    /** 2, or 3 after HELLO 3; chat sessions stay at 2. */
    public int protocol() {
        return protocol;
    }

    public void protocol(int version) {
        protocol = version;
    }

    public int subscribedRooms() {
        return subscribedRooms;
    }

    public int subscribedPatterns() {
        return subscribedPatterns;
    }

    public void subscriptions(int rooms, int patterns) {
        subscribedRooms = rooms;
        subscribedPatterns = patterns;
    }

    /** Closes the session's connection from any thread. */
    public void kill() {
        connection.close(CloseReason.KILLED);
    }
}
