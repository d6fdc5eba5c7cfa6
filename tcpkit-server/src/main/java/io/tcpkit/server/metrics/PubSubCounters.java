package io.tcpkit.server.metrics;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/** Messages published to rooms, and deliveries to their receivers, by the service that published. */
final class PubSubCounters {
    static final String PUBLISHED = "tcpkit_pubsub_messages_published";
    private final Counter published;
    private final Counter delivered;

    PubSubCounters(PrometheusRegistry registry) {
        published = Counter.builder()
                .name(PUBLISHED + "_total")
                .help("Messages published to rooms: chat lines and notices, PUBLISH.")
                .labelNames("service")
                .register(registry);
        delivered = Counter.builder()
                .name("tcpkit_pubsub_messages_delivered_total")
                .help("Messages handed to receivers (one per receiver), by the publisher's service.")
                .labelNames("service")
                .register(registry);
    }

    /** The two counters of one service. */
    record ForService(CounterDataPoint published, CounterDataPoint delivered) {
    }

    ForService forService(String service) {
        return new ForService(published.labelValues(service), delivered.labelValues(service));
    }
}
