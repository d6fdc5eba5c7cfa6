package io.tcpkit.server.metrics;

import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.tcpkit.CloseReason;
import io.tcpkit.ConnectionInfo;
import io.tcpkit.ConnectionObserver;

import java.time.Duration;
import java.time.Instant;

/** How long connections lasted, per service: observed when each closes (its last snapshot). */
final class ConnectionDurations {
    /** From 10 ms to a day: a probe that connects and leaves, up to a chat user who stays all day. */
    static final double[] BUCKETS = {0.01, 0.1, 1, 10, 60, 300, 1800, 3600, 4 * 3600, 24 * 3600};

    private final Histogram histogram;

    ConnectionDurations(PrometheusRegistry registry) {
        histogram = Histogram.builder()
                .name("tcpkit_connection_duration_seconds")
                .help("How long connections stayed open, observed when they close.")
                .labelNames("service")
                .classicOnly()
                .classicUpperBounds(BUCKETS)
                .register(registry);
    }

    ConnectionObserver observer(String service) {
        DistributionDataPoint point = histogram.labelValues(service);
        return new ConnectionObserver() {
            @Override
            public void closed(ConnectionInfo connection, CloseReason reason) {
                point.observe(Duration.between(connection.openedAt(), Instant.now()).toNanos() / 1e9);
            }
        };
    }
}
