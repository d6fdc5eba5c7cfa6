package io.tcpkit.server.metrics;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.tcpkit.server.command.CommandMetrics;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Commands of the command protocol by name: how many ran, how many were answered with an error
 * (both exact), and a latency histogram of a random sample of them, one in {@link #LATENCY_SAMPLE}.
 * Two clock reads cost about 55 ns here, as much as a tenth of a pipelined PING, where a count
 * costs a few; a uniform sample keeps the quantiles of every command, rare ones included, at an
 * eighth of the cost. Names come from the service's own command table, so the set is bounded;
 * unknown commands, and any name past {@link #MAX_COMMANDS}, count as {@code other}.
 */
final class CommandCounters implements CommandMetrics {
    /** One command in this many is timed. */
    static final int LATENCY_SAMPLE = 8;
    /** Distinct command labels at most; a guard, the command table has about 25. */
    static final int MAX_COMMANDS = 64;
    static final String OTHER = "other";
    static final String COUNT = "tcpkit_commands";
    /** From 10 us (PING) to 10 s (a login held back after repeated failures). */
    static final double[] BUCKETS = {1e-5, 5e-5, 1e-4, 2.5e-4, 5e-4, 1e-3, 2.5e-3, 5e-3, 0.01, 0.025, 0.05,
            0.1, 0.25, 0.5, 1, 2.5, 5, 10};

    private record Points(CounterDataPoint count, DistributionDataPoint duration, CounterDataPoint errors) {
    }

    private final Counter count;
    private final Histogram duration;
    private final Counter errors;
    private final ConcurrentHashMap<String, Points> byName = new ConcurrentHashMap<>();
    private final Points other;

    CommandCounters(PrometheusRegistry registry) {
        count = Counter.builder()
                .name(COUNT + "_total")
                .help("Commands run, by command.")
                .labelNames("command")
                .register(registry);
        duration = Histogram.builder()
                .name("tcpkit_command_duration_seconds")
                .help("Time from a parsed command to its written reply, by command, for a random sample of one "
                        + "command in " + LATENCY_SAMPLE + ".")
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
    public boolean timeNext() {
        return ThreadLocalRandom.current().nextInt(LATENCY_SAMPLE) == 0;
    }

    @Override
    public void commandRan(String command, long nanos, boolean error) {
        Points p = command == null ? other : byName.get(command);
        if (p == null) {
            p = byName.size() < MAX_COMMANDS ? byName.computeIfAbsent(command, this::points) : other;
        }
        p.count().inc();
        if (nanos >= 0) {
            p.duration().observe(nanos / 1e9);
        }
        if (error) {
            p.errors().inc();
        }
    }

    private Points points(String name) {
        return new Points(count.labelValues(name), duration.labelValues(name), errors.labelValues(name));
    }
}
