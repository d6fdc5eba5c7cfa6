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
 *
 * <p>Every connection of the chat and command services has one, idle or not, so its size counts
 * (issue 12: an idle connection holds at most Netty's 1.25 KiB): 48 bytes, which is why the
 * client library's name and version share one field, set by few clients, and the last activity
 * is kept in whole seconds, as Redis keeps it.
 */
public final class Session {
    private final Connection connection;
    private volatile String name = "";
    private volatile User user;
    private volatile String lastCommand = "NULL";
    /** When the client last did something: {@link #second} rounded up, so that idle is never overstated. */
    private volatile int lastActiveSecond = second(true);
    /** What CLIENT SETINFO said, or null. */
    private volatile Library library;
    private volatile int subscribedRooms;
    private volatile int subscribedPatterns;
    /** The RESP version the connection speaks (HELLO 3 switches it), for CLIENT LIST's resp=. */
    private volatile int protocol = 2;

    /** The client library a command client named (CLIENT SETINFO); either part "" until given. */
    private record Library(String name, String version) {
    }

    /** The origin of {@link #lastActiveSecond}'s clock (an int of seconds lasts 68 years from it). */
    private static final long CLOCK_ORIGIN_NANOS = System.nanoTime();

    /** Seconds since {@link #CLOCK_ORIGIN_NANOS}, rounded up or down. */
    private static int second(boolean roundUp) {
        long nanos = System.nanoTime() - CLOCK_ORIGIN_NANOS + (roundUp ? 999_999_999 : 0);
        return (int) (nanos / 1_000_000_000);
    }

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

    /** Time since the last command (or chat line), in whole seconds; at most a second and a bit short. */
    public Duration idle() {
        return Duration.ofSeconds(Math.max(0, second(false) - lastActiveSecond));
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
        lastActiveSecond = second(true);
    }

    /**
     * Records a command (its lower-case name, e.g. "client|list") as the last one run. Called for
     * every command, so it writes only what changed: a volatile write is a full fence on x86, and
     * two of them per command were a few percent of a pipelined PING's CPU (names are constants,
     * so a pipeline of one command writes its name once, and the second changes once a second).
     */
    public void commandRun(String command) {
        if (lastCommand != command) {
            lastCommand = command;
        }
        int now = second(true);
        if (lastActiveSecond != now) {
            lastActiveSecond = now;
        }
    }

    public String libName() {
        Library l = library;
        return l == null ? "" : l.name();
    }

    public String libVersion() {
        Library l = library;
        return l == null ? "" : l.version();
    }

    /** Sets the library's name or version (null: that part stays as it is). */
    public void library(String name, String version) {
        Library l = library;
        library = new Library(name != null ? name : l == null ? "" : l.name(),
                version != null ? version : l == null ? "" : l.version());
    }

    /** 2, or 3 after HELLO 3; chat sessions stay at 2. */
    public int protocol() {
        return protocol;
    }

    public void protocol(int version) {
        protocol = version;
    }

    /** Rooms subscribed to (pub/sub or chat), for listings. */
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
