package io.tcpkit.server.admin;

import com.fasterxml.jackson.core.JsonGenerator;
import io.tcpkit.ConnectionInfo;
import io.tcpkit.TcpServer;
import io.tcpkit.server.log.ConnectionLog;
import io.tcpkit.server.session.Session;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * {@code /connz}: the open connections (or, with {@code ?state=closed}, the most recent closes),
 * with id, service, address, user and chat or client name, age, idle time, bytes and queued output.
 * {@code ?service=} keeps one service's, {@code ?sort=} orders them, {@code ?limit=} (at most
 * {@link #MAX_LIMIT}) and {@code ?offset=} page through them.
 */
final class Connz {
    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 1000;

    /** Orders of {@code ?sort=}: ids ascending, the oldest, the idlest, or the largest first. */
    enum Sort {
        ID(Comparator.comparingLong(ConnectionInfo::id)),
        AGE(Comparator.comparing(ConnectionInfo::openedAt).thenComparingLong(ConnectionInfo::id)),
        IDLE(Comparator.comparing(ConnectionInfo::idle).reversed().thenComparingLong(ConnectionInfo::id)),
        BYTES_IN(Comparator.comparingLong(ConnectionInfo::bytesIn).reversed().thenComparingLong(ConnectionInfo::id)),
        BYTES_OUT(Comparator.comparingLong(ConnectionInfo::bytesOut).reversed().thenComparingLong(ConnectionInfo::id)),
        QUEUED(Comparator.comparingLong(ConnectionInfo::queuedBytes).reversed().thenComparingLong(ConnectionInfo::id));

        final Comparator<ConnectionInfo> order;

        Sort(Comparator<ConnectionInfo> order) {
            this.order = order;
        }
    }

    private final Monitoring monitoring;

    Connz(Monitoring monitoring) {
        this.monitoring = monitoring;
    }

    Http.JsonBody query(Map<String, String> query) throws Http.BadRequest {
        String service = query.get("service");
        if (service != null && !service.isEmpty()
                && monitoring.servers().stream().noneMatch(s -> s.service().equals(service))) {
            throw new Http.BadRequest("no service '" + service + "' here");
        }
        String serviceFilter = service == null || service.isEmpty() ? null : service;
        Sort sort = sort(query.getOrDefault("sort", "id"));
        int limit = (int) Http.number(query, "limit", DEFAULT_LIMIT, 0, MAX_LIMIT);
        int offset = (int) Http.number(query, "offset", 0, 0, Integer.MAX_VALUE);
        String state = query.getOrDefault("state", "open");
        return switch (state) {
            case "open" -> json -> open(json, serviceFilter, sort, limit, offset);
            case "closed" -> json -> closed(json, serviceFilter, limit, offset);
            default -> throw new Http.BadRequest("state is open or closed");
        };
    }

    private static Sort sort(String name) throws Http.BadRequest {
        try {
            return Sort.valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new Http.BadRequest("sort is one of id, age, idle, bytes_in, bytes_out, queued");
        }
    }

    private void open(JsonGenerator json, String service, Sort sort, int limit, int offset) throws IOException {
        List<ConnectionInfo> all = new ArrayList<>();
        for (TcpServer server : monitoring.servers()) {
            if (service == null || server.service().equals(service)) {
                all.addAll(server.connections());
            }
        }
        all.sort(sort.order);
        Instant now = Instant.now();
        List<ConnectionInfo> page = all.subList(Math.min(offset, all.size()), (int) Math.min(offset + (long) limit, all.size()));
        header(json, now, "open", all.size(), offset, limit, page.size());
        for (ConnectionInfo c : page) {
            Optional<Session> session = monitoring.sessions() == null ? Optional.empty() : monitoring.sessions().get(c.id());
            json.writeStartObject();
            json.writeNumberField("id", c.id());
            json.writeStringField("service", c.service());
            json.writeStringField("address", ConnectionLog.address(c.remoteAddress()));
            identity(json, session.map(s -> s.user() == null ? null : s.user().name()).orElse(null),
                    session.map(Session::name).filter(n -> !n.isEmpty()).orElse(null));
            json.writeStringField("opened", c.openedAt().toString());
            json.writeNumberField("age_seconds", seconds(Duration.between(c.openedAt(), now)));
            json.writeNumberField("idle_seconds", seconds(c.idle()));
            json.writeNumberField("bytes_in", c.bytesIn());
            json.writeNumberField("bytes_out", c.bytesOut());
            json.writeNumberField("queued_bytes", c.queuedBytes());
            json.writeEndObject();
        }
        json.writeEndArray();
        json.writeEndObject();
    }

    private void closed(JsonGenerator json, String service, int limit, int offset) throws IOException {
        List<ConnectionLog.Closed> all = monitoring.connectionLog().recentCloses().stream()
                .filter(c -> service == null || c.service().equals(service)).toList();
        List<ConnectionLog.Closed> page = all.subList(Math.min(offset, all.size()), (int) Math.min(offset + (long) limit, all.size()));
        header(json, Instant.now(), "closed", all.size(), offset, limit, page.size());
        for (ConnectionLog.Closed c : page) {
            json.writeStartObject();
            json.writeNumberField("id", c.id());
            json.writeStringField("service", c.service());
            json.writeStringField("address", c.address());
            identity(json, c.user(), c.name());
            json.writeStringField("closed", c.at().toString());
            json.writeNumberField("duration_seconds", seconds(c.duration()));
            json.writeStringField("reason", c.reason().name().toLowerCase(Locale.ROOT));
            json.writeStringField("reason_description", c.reason().description());
            json.writeNumberField("bytes_in", c.bytesIn());
            json.writeNumberField("bytes_out", c.bytesOut());
            json.writeEndObject();
        }
        json.writeEndArray();
        json.writeEndObject();
    }

    private static void header(JsonGenerator json, Instant now, String state, int total, int offset, int limit,
                               int count) throws IOException {
        json.writeStartObject();
        json.writeStringField("now", now.toString());
        json.writeStringField("state", state);
        json.writeNumberField("total", total);
        json.writeNumberField("offset", offset);
        json.writeNumberField("limit", limit);
        json.writeNumberField("count", count);
        json.writeArrayFieldStart("connections");
    }

    private static void identity(JsonGenerator json, String user, String name) throws IOException {
        if (user != null) {
            json.writeStringField("user", user);
        }
        if (name != null) {
            json.writeStringField("name", name);
        }
    }

    private static double seconds(Duration d) {
        return d.toMillis() / 1000.0;
    }
}
