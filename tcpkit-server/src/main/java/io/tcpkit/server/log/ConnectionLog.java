package io.tcpkit.server.log;

import io.tcpkit.LogText;
import io.tcpkit.CloseReason;
import io.tcpkit.ConnectionInfo;
import io.tcpkit.ConnectionObserver;
import io.tcpkit.server.session.Session;
import io.tcpkit.server.session.Sessions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The program's line per connection opened (at debug) and closed (naming the service, the user and
 * the chat or client name; at info for {@link #NOTABLE} reasons, else at debug), and the most
 * recent closes for the admin page. The
 * engine's own close line knows no users, so the program's logging setup silences it.
 *
 * <p>A service closes its session before its connection ends, so the user and name are kept from
 * the session's close ({@link Sessions#onClose}) until the connection's close picks them up.
 * Runs on connections' threads; every method is short and takes its lock only briefly.
 */
public final class ConnectionLog implements ConnectionObserver {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionLog.class);
    /** Closes kept for the admin page. */
    public static final int RECENT_CLOSES = 100;
    /**
     * Closes worth a line at info, where the operator sees them by default: someone was cut off
     * (too slow, killed, forced out at shutdown) or the service failed. The rest are at debug.
     */
    static final Set<CloseReason> NOTABLE = EnumSet.of(CloseReason.SLOW_CONSUMER, CloseReason.KILLED,
            CloseReason.HANDLER_ERROR, CloseReason.SHUTDOWN_FORCED);
    /** Identities kept between a session's close and its connection's; a bound, normally a handful. */
    static final int MAX_PENDING = 4096;

    /** Who was on a connection, as its session last said. */
    record Identity(String user, String name) {
    }

    /** One connection that ended, for the admin page. */
    public record Closed(Instant at, long id, String service, String address, String user, String name,
                         CloseReason reason, Duration duration, long bytesIn, long bytesOut) {
    }

    private final Sessions sessions;
    private final Map<Long, Identity> pending = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Identity> eldest) {
            return size() > MAX_PENDING;
        }
    };
    private final ArrayDeque<Closed> recent = new ArrayDeque<>();

    /** @param sessions the program's sessions, or null when its services have none (echo) */
    public ConnectionLog(Sessions sessions) {
        this.sessions = sessions;
        if (sessions != null) {
            sessions.onClose(this::sessionClosed);
        }
    }

    private void sessionClosed(Session session) {
        Identity identity = identity(session);
        synchronized (pending) {
            pending.put(session.id(), identity);
        }
    }

    @Override
    public void opened(ConnectionInfo connection) {
        LOG.debug("{} conn-{} {} opened", connection.service(), connection.id(), address(connection.remoteAddress()));
    }

    @Override
    public void closed(ConnectionInfo connection, CloseReason reason) {
        Identity who;
        synchronized (pending) {
            who = pending.remove(connection.id());
        }
        if (who == null && sessions != null) {
            who = sessions.get(connection.id()).map(ConnectionLog::identity).orElse(null);
        }
        Duration lasted = Duration.between(connection.openedAt(), Instant.now());
        String address = address(connection.remoteAddress());
        Level level = NOTABLE.contains(reason) ? Level.INFO : Level.DEBUG;
        if (LOG.isEnabledForLevel(level)) {
            LOG.atLevel(level).log("{} conn-{} {}{} closed: {} after {} ms, {} bytes in, {} bytes out",
                    connection.service(), connection.id(), address, describe(who), reason.description(),
                    lasted.toMillis(), connection.bytesIn(), connection.bytesOut());
        }
        Closed closed = new Closed(Instant.now(), connection.id(), connection.service(), address,
                who == null ? null : who.user(), who == null ? null : who.name(), reason, lasted,
                connection.bytesIn(), connection.bytesOut());
        synchronized (recent) {
            if (recent.size() == RECENT_CLOSES) {
                recent.removeLast();
            }
            recent.addFirst(closed);
        }
    }

    /** The most recent closes, newest first. */
    public List<Closed> recentCloses() {
        synchronized (recent) {
            return new ArrayList<>(recent);
        }
    }

    private static Identity identity(Session session) {
        return new Identity(session.user() == null ? null : session.user().name(),
                session.name().isEmpty() ? null : session.name());
    }

    private static String describe(Identity who) {
        if (who == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder();
        sb.append(" user ").append(who.user() == null ? "(none)" : "'" + LogText.of(who.user()) + "'");
        if (who.name() != null) {
            sb.append(" name '").append(LogText.of(who.name())).append('\'');
        }
        return sb.toString();
    }

    /** 127.0.0.1:50312, [::1]:50312. */
    public static String address(InetSocketAddress address) {
        InetAddress ip = address.getAddress();
        String host = ip == null ? address.getHostString() : ip.getHostAddress();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.getPort();
    }
}
