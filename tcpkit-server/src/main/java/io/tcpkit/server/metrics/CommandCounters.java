package io.tcpkit.server.metrics;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.tcpkit.server.command.CommandMetrics;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Commands of the command protocol by name: a latency histogram (its {@code _count} is the number
 * run) and error replies. Names come from the service's own command table, so the set is bounded;
 * unknown commands, and any name past {@link #MAX_COMMANDS}, count as {@code other}.
 */
final class CommandCounters implements CommandMetrics {
    /** Distinct command labels at most; a guard, the command table has about 25. */
    static final int MAX_COMMANDS = 64;
    static final String OTHER = "other";
    static final String NAME = "tcpkit_command_duration_seconds";
    /** From 10 us (PING) to 10 s (a login held back after repeated failures). */
    static final double[] BUCKETS = {1e-5, 5e-5, 1e-4, 2.5e-4, 5e-4, 1e-3, 2.5e-3, 5e-3, 0.01, 0.025, 0.05,
            0.1, 0.25, 0.5, 1, 2.5, 5, 10};

    private record Points(DistributionDataPoint duration, CounterDataPoint errors) {
    }

    private final Histogram duration;
    private final Counter errors;
    private final ConcurrentHashMap<String, Points> byName = new ConcurrentHashMap<>();
    private final Points other;

    CommandCounters(PrometheusRegistry registry) {
        duration = Histogram.builder()
                .name(NAME)
                .help("Time from a parsed command to its written reply, by command (the count is commands run).")
                .labelNames("command")
                .classicOnly()
                .classicUpperBounds(BUCKETS)
                .register(registry);
        errors = Counter.builder()
                .name("tcpkit_command_errors_total")
                .help("Commands answered with an error reply (-ERR, -NOAUTH, -NOPERM, ...), by command.")
                .labelNames("command")
                .register(registry);
        other = points(OTHER);
    }

    @Override
    public void commandRan(String command, long nanos, boolean error) {
        Points p = command == null ? other : byName.get(command);
        if (p == null) {
            p = byName.size() < MAX_COMMANDS ? byName.computeIfAbsent(command, this::points) : other;
        }
        p.duration().observe(nanos / 1e9);
        if (error) {
            p.errors().inc();
        }
    }

    private Points points(String name) {
        return new Points(duration.labelValues(name), errors.labelValues(name));
    }
}
