package io.tcpkit.server.admin;

import com.fasterxml.jackson.core.JsonGenerator;
import io.tcpkit.CloseReason;
import io.tcpkit.MemoryBudget;
import io.tcpkit.RejectReason;
import io.tcpkit.ServerStats;
import io.tcpkit.TcpServer;
import io.tcpkit.server.BuildInfo;
import io.tcpkit.server.log.ConnectionLog;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;

/**
 * {@code /varz}: what the server is (version, Java, uptime, the options in force, its listeners)
 * and its totals per service, in the spirit of NATS's {@code /varz}. The admin page polls it for
 * its numbers and charts.
 */
final class Varz {
    private final Monitoring monitoring;
    private final Health health;

    Varz(Monitoring monitoring, Health health) {
        this.monitoring = monitoring;
        this.health = health;
    }

    void write(JsonGenerator json) throws IOException {
        Instant now = Instant.now();
        json.writeStartObject();
        json.writeStringField("server", "tcpkit");
        json.writeStringField("version", BuildInfo.version());
        json.writeStringField("java", Runtime.version().toString());
        json.writeNumberField("pid", ProcessHandle.current().pid());
        json.writeStringField("start", monitoring.startedAt().toString());
        json.writeStringField("now", now.toString());
        json.writeNumberField("uptime_seconds", Duration.between(monitoring.startedAt(), now).toMillis() / 1000.0);
        json.writeBooleanField("ready", health.notReady().isEmpty());
        json.writeObjectFieldStart("options");
        for (Map.Entry<String, String> option : monitoring.options().entrySet()) {
            json.writeStringField(option.getKey(), option.getValue());
        }
        json.writeEndObject();
        Map<String, Long> messages = monitoring.metrics() == null ? Map.of() : monitoring.metrics().messages();
        json.writeArrayFieldStart("services");
        for (TcpServer server : monitoring.servers()) {
            service(json, server, messages.get(server.service()));
        }
        json.writeEndArray();
        if (monitoring.sessions() != null) {
            json.writeObjectFieldStart("chat");
            json.writeNumberField("members", monitoring.sessions().list().stream()
                    .filter(s -> s.service().equals("chat") && !s.name().isEmpty()).count());
            json.writeNumberField("rooms", monitoring.chatRoomSizes().size());
            json.writeEndObject();
        }
        if (monitoring.hub() != null) {
            json.writeObjectFieldStart("pubsub");
            json.writeNumberField("channels", monitoring.hub().rooms(null).size());
            json.writeNumberField("patterns", monitoring.hub().patterns());
            json.writeEndObject();
        }
        MemoryBudget budget = monitoring.budget();
        if (budget != null) {
            json.writeObjectFieldStart("client_memory");
            json.writeNumberField("used_bytes", budget.used());
            json.writeNumberField("limit_bytes", budget.limit());
            json.writeNumberField("address_limit_bytes", budget.addressLimit());
            json.writeNumberField("evictions", budget.evictions());
            json.writeNumberField("evicted_bytes", budget.evictedBytes());
            json.writeEndObject();
        }
        jvm(json);
        json.writeEndObject();
    }

    private static void service(JsonGenerator json, TcpServer server, Long messages) throws IOException {
        ServerStats stats = server.stats();
        json.writeStartObject();
        json.writeStringField("service", server.service());
        json.writeStringField("address", ConnectionLog.address(server.localAddress()));
        json.writeBooleanField("tls", server.tlsFingerprint().isPresent());
        if (server.tlsFingerprint().isPresent()) {
            json.writeStringField("tls_fingerprint", server.tlsFingerprint().get());
        }
        json.writeBooleanField("draining", server.isDraining());
        json.writeNumberField("connections_open", stats.open());
        json.writeNumberField("connections_accepted", stats.accepted());
        json.writeNumberField("connections_refused", stats.rejectedTotal());
        json.writeNumberField("connections_closed", stats.closedTotal());
        json.writeNumberField("accept_errors", stats.acceptErrors());
        json.writeNumberField("bytes_in", stats.bytesIn());
        json.writeNumberField("bytes_out", stats.bytesOut());
        if (messages != null) {
            json.writeNumberField("messages", messages);
        }
        json.writeObjectFieldStart("refused_by_reason");
        for (RejectReason reason : RejectReason.values()) {
            json.writeNumberField(reason.name().toLowerCase(Locale.ROOT), stats.rejected().getOrDefault(reason, 0L));
        }
        json.writeEndObject();
        json.writeObjectFieldStart("closed_by_reason");
        for (CloseReason reason : CloseReason.values()) {
            json.writeNumberField(reason.name().toLowerCase(Locale.ROOT), stats.closed().getOrDefault(reason, 0L));
        }
        json.writeEndObject();
        json.writeEndObject();
    }

    private static void jvm(JsonGenerator json) throws IOException {
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        json.writeObjectFieldStart("jvm");
        json.writeNumberField("heap_used_bytes", heap.getUsed());
        json.writeNumberField("heap_max_bytes", heap.getMax());
        json.writeNumberField("platform_threads", ManagementFactory.getThreadMXBean().getThreadCount());
        json.writeNumberField("cpus", Runtime.getRuntime().availableProcessors());
        json.writeEndObject();
    }
}
