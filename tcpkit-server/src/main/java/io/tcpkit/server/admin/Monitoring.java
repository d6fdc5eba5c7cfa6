package io.tcpkit.server.admin;

import io.tcpkit.CloseReason;
import io.tcpkit.MemoryBudget;
import io.tcpkit.ConnectionInfo;
import io.tcpkit.ConnectionObserver;
import io.tcpkit.RejectReason;
import io.tcpkit.TcpServer;
import io.tcpkit.server.ReadinessCheck;
import io.tcpkit.server.command.CommandMetrics;
import io.tcpkit.server.hub.Hub;
import io.tcpkit.server.log.ConnectionLog;
import io.tcpkit.server.metrics.Metrics;
import io.tcpkit.server.session.Sessions;

import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/**
 * Everything the program knows about itself while it runs, in one place for the admin listener
 * and the logs: its listeners, sessions, hub and chat rooms, its metrics (none when the admin
 * listener is off: nobody could read them), the connection log, the options in force and whether
 * it is ready. The command line builds one and hands its parts to the services as hooks.
 */
public final class Monitoring {
    /** Where the program is in its life, for {@code /readyz}. */
    enum Phase {
        STARTING, SERVING, DRAINING
    }

    private final Instant startedAt = Instant.now();
    private final Metrics metrics;
    private final Sessions sessions;
    private final Hub hub;
    private final ConnectionLog connectionLog;
    private final CopyOnWriteArrayList<TcpServer> servers = new CopyOnWriteArrayList<>();
    private final CopyOnWriteArrayList<ReadinessCheck> checks = new CopyOnWriteArrayList<>();
    private volatile Supplier<Map<String, Integer>> chatRooms = Map::of;
    private volatile Map<String, String> options = Map.of();
    private volatile Phase phase = Phase.STARTING;
    private volatile MemoryBudget budget;

    /**
     * @param withMetrics whether to keep metrics (the admin listener is on)
     * @param sessions    the program's sessions, or null when its services have none (echo)
     * @param hub         the rooms the services share, or null when they have none (echo)
     */
    public Monitoring(boolean withMetrics, Sessions sessions, Hub hub) {
        this.metrics = withMetrics ? new Metrics() : null;
        this.sessions = sessions;
        this.hub = hub;
        this.connectionLog = new ConnectionLog(sessions);
        checks.add(new ReadinessCheck() {
            @Override
            public String name() {
                return "listeners";
            }

            @Override
            public String notReadyReason() {
                return switch (phase) {
                    case STARTING -> "starting";
                    case DRAINING -> "draining";
                    case SERVING -> servers.stream().anyMatch(TcpServer::isDraining) ? "draining" : null;
                };
            }
        });
        if (hub instanceof ReadinessCheck check) {
            checks.add(check);
        }
        if (metrics != null && hub != null) {
            metrics.hub(hub);
        }
    }

    // ---- hooks for the services ----

    /** What a listener of {@code service} tells of its connections: the connection log and metrics. */
    public ConnectionObserver observer(String service) {
        if (metrics == null) {
            return connectionLog;
        }
        ConnectionObserver durations = metrics.observer(service);
        return new ConnectionObserver() {
            @Override
            public void opened(ConnectionInfo connection) {
                connectionLog.opened(connection);
            }

            @Override
            public void closed(ConnectionInfo connection, CloseReason reason) {
                durations.closed(connection, reason);
                connectionLog.closed(connection, reason);
            }

            @Override
            public void rejected(InetSocketAddress client, RejectReason reason) {
                // Counted by the listener itself (stats().rejected()); the engine logs refusals.
            }
        };
    }

    /** The shared hub as {@code service} should use it: counting its pub/sub traffic. */
    public Hub hubFor(String service) {
        return metrics == null ? hub : metrics.countPubSub(hub, service);
    }

    public CommandMetrics commandMetrics() {
        return metrics == null ? CommandMetrics.NONE : metrics.commands();
    }

    /** The chat's rooms and how many people are in each (the chat service's {@code roomSizes}). */
    public void chatRooms(Supplier<Map<String, Integer>> rooms) {
        this.chatRooms = rooms;
        if (metrics != null) {
            metrics.chat(sessions, () -> rooms.get().size());
        }
    }

    /** Adds something {@code /readyz} must ask (a distributed hub, say). */
    public void addReadinessCheck(ReadinessCheck check) {
        checks.add(check);
    }

    /** The client memory budget the listeners share: shown in /varz and metrics. */
    public void memoryBudget(MemoryBudget budget) {
        this.budget = budget;
        if (metrics != null) {
            metrics.memoryBudget(budget);
        }
    }

    /** Null before the listeners start. */
    MemoryBudget budget() {
        return budget;
    }

    // ---- the program's life ----

    /** A listener is bound: list it, and count it in metrics. */
    public void listening(TcpServer server) {
        servers.add(server);
        if (metrics != null) {
            metrics.listen(server);
        }
    }

    /** The listeners bound so far (INFO sums its figures over them). */
    public List<TcpServer> listeners() {
        return java.util.Collections.unmodifiableList(servers);
    }

    /** Every listener is bound: ready. */
    public void serving(Map<String, String> optionsInForce) {
        this.options = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(optionsInForce));
        phase = Phase.SERVING;
    }

    /** Shutdown has begun: no longer ready. */
    public void draining() {
        phase = Phase.DRAINING;
    }

    // ---- for the admin listener ----

    Instant startedAt() {
        return startedAt;
    }

    List<TcpServer> servers() {
        return servers;
    }

    /** Null when the admin listener is off. */
    Metrics metrics() {
        return metrics;
    }

    Sessions sessions() {
        return sessions;
    }

    Hub hub() {
        return hub;
    }

    Map<String, Integer> chatRoomSizes() {
        return chatRooms.get();
    }

    ConnectionLog connectionLog() {
        return connectionLog;
    }

    Map<String, String> options() {
        return options;
    }

    List<ReadinessCheck> readinessChecks() {
        return checks;
    }
}
