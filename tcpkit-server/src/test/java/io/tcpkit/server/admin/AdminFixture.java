package io.tcpkit.server.admin;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.tcpkit.Limits;
import io.tcpkit.TcpServer;
import io.tcpkit.server.log.Audit;
import io.tcpkit.server.testing.Services;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Echo, chat and the command protocol in-process, as {@code tcpkit serve} wires them with its
 * admin listener on ({@link Services#monitored()}: one set of sessions, one hub, one
 * {@link Monitoring}), with the admin listener on a free loopback port and the audit lines captured.
 */
final class AdminFixture implements AutoCloseable {
    static final Duration TIMEOUT = Duration.ofSeconds(20);

    final Services services = Services.monitored();
    final Monitoring monitoring = services.monitoring();
    final TcpServer echo;
    final TcpServer chat;
    final TcpServer command;
    final AdminServer admin;
    final ListAppender<ILoggingEvent> audit = new ListAppender<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

    /** @param token the admin token, or null */
    AdminFixture(String token) throws IOException {
        audit.start();
        ((Logger) LoggerFactory.getLogger(Audit.LOGGER)).addAppender(audit);
        echo = services.startEcho(Limits.DEFAULT);
        chat = services.startChat(Limits.DEFAULT);
        command = services.startCommand(Limits.DEFAULT);
        monitoring.serving(Map.of("--host", "127.0.0.1"));
        admin = AdminServer.start("127.0.0.1", 0, token, monitoring);
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + admin.address().getPort() + path);
    }

    HttpResponse<String> get(String path, String... headers) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri(path)).GET(), headers);
    }

    HttpResponse<byte[]> getBytes(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri(path)).timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    HttpResponse<String> post(String path, String... headers) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.noBody()), headers);
    }

    private HttpResponse<String> send(HttpRequest.Builder request, String... headers)
            throws IOException, InterruptedException {
        if (headers.length > 0) {
            request.headers(headers);
        }
        return http.send(request.timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The JSON of a GET that must succeed. */
    Map<String, Object> json(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = get(path);
        if (response.statusCode() != 200) {
            throw new AssertionError(path + ": " + response.statusCode() + " " + response.body());
        }
        return JsonTree.object(response.body());
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> list(Object value) {
        return (List<Map<String, Object>>) value;
    }

    List<String> auditLines() {
        synchronized (audit) { // the appender appends under its own lock
            return audit.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
        }
    }

    @Override
    public void close() {
        admin.close();
        services.close();
        ((Logger) LoggerFactory.getLogger(Audit.LOGGER)).detachAppender(audit);
        http.close();
    }
}
