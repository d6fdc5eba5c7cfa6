package io.tcpkit.server.metrics;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.tcpkit.CloseReason;
import io.tcpkit.ConnectionInfo;
import io.tcpkit.RejectReason;
import io.tcpkit.ServerStats;
import io.tcpkit.TcpServer;

import java.util.List;
import java.util.Locale;
import java.util.function.ToLongFunction;

/**
 * The listeners' own counters ({@link TcpServer#stats()}), read at scrape time so that nothing is
 * counted twice. Closes and refusals are labelled with every {@link CloseReason} and
 * {@link RejectReason} there is, zero or not, so that a new reason shows up without a change here
 * and a rate over a reason that has not happened yet is 0 rather than missing.
 */
final class ListenerCollector {
    private final List<TcpServer> servers;

    ListenerCollector(List<TcpServer> servers) {
        this.servers = servers;
    }

    void register(PrometheusRegistry registry) {
        counter(registry, "tcpkit_connections_accepted_total",
                "Connections accepted by the kernel, including those then refused.", ServerStats::accepted);
        counter(registry, "tcpkit_accept_errors_total",
                "Failures of accept() itself, such as too many open files.", ServerStats::acceptErrors);
        counter(registry, "tcpkit_received_bytes_total", "Bytes read from clients.", ServerStats::bytesIn);
        counter(registry, "tcpkit_sent_bytes_total", "Bytes written to clients.", ServerStats::bytesOut);
        CounterWithCallback.builder()
                .name("tcpkit_connections_refused_total")
                .help("Connections refused before their service saw them, by reason.")
                .labelNames("service", "reason")
                .callback(cb -> {
                    for (TcpServer server : servers) {
                        ServerStats stats = server.stats();
                        for (RejectReason reason : RejectReason.values()) {
                            cb.call(stats.rejected().getOrDefault(reason, 0L), server.service(), label(reason));
                        }
                    }
                })
                .register(registry);
        CounterWithCallback.builder()
                .name("tcpkit_connections_closed_total")
                .help("Connections that ended, by reason (slow_consumer, tls_handshake_failed, idle_timeout, ...).")
                .labelNames("service", "reason")
                .callback(cb -> {
                    for (TcpServer server : servers) {
                        ServerStats stats = server.stats();
                        for (CloseReason reason : CloseReason.values()) {
                            cb.call(stats.closed().getOrDefault(reason, 0L), server.service(), label(reason));
                        }
                    }
                })
                .register(registry);
        GaugeWithCallback.builder()
                .name("tcpkit_connections_open")
                .help("Connections open now.")
                .labelNames("service")
                .callback(cb -> servers.forEach(s -> cb.call(s.stats().open(), s.service())))
                .register(registry);
        GaugeWithCallback.builder()
                .name("tcpkit_queued_bytes")
                .help("Output accepted for clients and not yet written to their sockets.")
                .labelNames("service")
                .callback(cb -> servers.forEach(s -> cb.call(queued(s), s.service())))
                .register(registry);
    }

    private void counter(PrometheusRegistry registry, String name, String help, ToLongFunction<ServerStats> value) {
        CounterWithCallback.builder()
                .name(name)
                .help(help)
                .labelNames("service")
                .callback(cb -> servers.forEach(s -> cb.call(value.applyAsLong(s.stats()), s.service())))
                .register(registry);
    }

    private static long queued(TcpServer server) {
        long sum = 0;
        for (ConnectionInfo c : server.connections()) {
            sum += c.queuedBytes();
        }
        return sum;
    }

    /** The label value of a reason: its enum name in lower case ({@code slow_consumer}). */
    static String label(Enum<?> reason) {
        return reason.name().toLowerCase(Locale.ROOT);
    }
}
