package io.tcpkit.server.admin;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.tcpkit.TcpServer;
import io.tcpkit.server.log.Audit;
import io.tcpkit.server.log.ConnectionLog;
import io.tcpkit.server.session.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The admin HTTP listener (the JDK's own HTTP server, no framework): metrics, health, JSON listings,
 * the live page, kill, profiling. It binds to loopback by default, apart from the services'
 * {@code --host}, so nothing is exposed by accident; see {@link AdminAccess} for who may do what.
 * Requests run on {@link #THREADS} named platform threads, so a flood of them cannot take more.
 */
public final class AdminServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AdminServer.class);
    /** Default admin port; 0 turns the admin listener off. */
    public static final int DEFAULT_PORT = 7080;
    /** Threads serving admin requests (a JFR recording holds one for its duration). */
    static final int THREADS = 4;
    private static final String UI = "/io/tcpkit/server/admin/ui/";
    /** The page loads only what it is served from here: no other host, no inline code. */
    private static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; "
            + "connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    @FunctionalInterface
    private interface Endpoint {
        void handle(HttpExchange exchange, Map<String, String> query)
                throws IOException, Http.BadRequest, InterruptedException;
    }

    private final HttpServer http;
    private final ExecutorService threads;
    private final Monitoring monitoring;
    private final AdminAccess access;
    private final Health health;
    private final Debug debug = new Debug();

    private AdminServer(HttpServer http, ExecutorService threads, Monitoring monitoring, AdminAccess access) {
        this.http = http;
        this.threads = threads;
        this.monitoring = monitoring;
        this.access = access;
        this.health = new Health(monitoring);
    }

    /**
     * Binds {@code host:port} and starts serving.
     *
     * @param token the admin token, or null: then only loopback clients may act
     */
    public static AdminServer start(String host, int port, String token, Monitoring monitoring) throws IOException {
        InetSocketAddress address = new InetSocketAddress(host, port);
        if (address.isUnresolved()) {
            throw new IOException("cannot resolve the admin host " + host);
        }
        HttpServer http = HttpServer.create(address, 64);
        AtomicInteger n = new AtomicInteger();
        ExecutorService threads = Executors.newFixedThreadPool(THREADS,
                r -> Thread.ofPlatform().name("tcpkit-admin-" + n.incrementAndGet()).daemon(true).unstarted(r));
        AdminServer admin = new AdminServer(http, threads, monitoring,
                new AdminAccess(token, address.getAddress().isLoopbackAddress()));
        admin.routes();
        http.setExecutor(threads);
        http.start();
        return admin;
    }

    private void routes() {
        Varz varz = new Varz(monitoring, health);
        Connz connz = new Connz(monitoring);
        Subsz subsz = new Subsz(monitoring);
        route("/", Set.of("GET", "HEAD"), false, this::page);
        route("/metrics", Set.of("GET", "HEAD"), false, this::metrics);
        route("/livez", Set.of("GET", "HEAD"), false, (ex, q) -> health.livez(ex));
        route("/readyz", Set.of("GET", "HEAD"), false, (ex, q) -> health.readyz(ex));
        route("/varz", Set.of("GET", "HEAD"), false, (ex, q) -> Http.json(ex, 200, varz::write));
        route("/connz", Set.of("GET", "HEAD"), false, (ex, q) -> Http.json(ex, 200, connz.query(q)));
        route("/subsz", Set.of("GET", "HEAD"), false, (ex, q) -> Http.json(ex, 200, subsz.query(q)));
        route("/kill", Set.of("POST"), true, this::kill);
        route("/debug/jfr", Set.of("GET"), true, (ex, q) ->
                debug.jfr(ex, q, seconds -> audit(ex, "JFR recording of " + seconds + " s")));
        route("/debug/threads", Set.of("GET"), true, (ex, q) -> {
            audit(ex, "thread dump");
            debug.threads(ex);
        });
    }

    private void route(String path, Set<String> methods, boolean adminOnly, Endpoint endpoint) {
        http.createContext(path, exchange -> {
            try (exchange) {
                serve(exchange, path, methods, adminOnly, endpoint);
            }
        });
    }

    private void serve(HttpExchange exchange, String path, Set<String> methods, boolean adminOnly, Endpoint endpoint)
            throws IOException {
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        try {
            if (!access.hostAllowed(exchange)) {
                Http.text(exchange, 403, "this listener answers to loopback names only (Host: 127.0.0.1 or localhost)\n");
                return;
            }
            String requested = exchange.getRequestURI().getPath();
            if (!requested.equals(path) && !(path.equals("/") && isAsset(requested))) {
                Http.text(exchange, 404, "not found\n");
                return;
            }
            if (!methods.contains(exchange.getRequestMethod())) {
                exchange.getResponseHeaders().set("Allow", String.join(", ", methods));
                Http.text(exchange, 405, "method not allowed\n");
                return;
            }
            if (adminOnly) {
                String refusal = access.refusal(exchange);
                if (refusal != null) {
                    Audit.adminRefused(exchange.getRequestMethod() + " " + requested, from(exchange), refusal);
                    Http.text(exchange, 403, refusal + "\n");
                    return;
                }
            }
            endpoint.handle(exchange, Http.query(exchange));
        } catch (Http.BadRequest e) {
            Http.text(exchange, 400, e.getMessage() + "\n");
        } catch (IOException e) {
            LOG.debug("admin {}: {}", path, e.toString()); // the client went away
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // shutting down
        } catch (RuntimeException e) {
            LOG.warn("admin {} failed", path, e);
            Http.text(exchange, 500, "internal error\n");
        }
    }

    private static boolean isAsset(String path) {
        return path.equals("/admin.js") || path.equals("/admin.css");
    }

    private void page(HttpExchange exchange, Map<String, String> query) throws IOException {
        String path = exchange.getRequestURI().getPath();
        String file = path.equals("/") ? "index.html" : path.substring(1);
        String type = file.endsWith(".js") ? "text/javascript; charset=utf-8"
                : file.endsWith(".css") ? "text/css; charset=utf-8" : "text/html; charset=utf-8";
        try (InputStream in = AdminServer.class.getResourceAsStream(UI + file)) {
            if (in == null) {
                Http.text(exchange, 404, "not found\n");
                return;
            }
            exchange.getResponseHeaders().set("Content-Security-Policy", CSP);
            exchange.getResponseHeaders().set("Referrer-Policy", "no-referrer");
            Http.send(exchange, 200, type, in.readAllBytes());
        }
    }

    private void metrics(HttpExchange exchange, Map<String, String> query) throws IOException {
        if (monitoring.metrics() == null) {
            Http.text(exchange, 404, "no metrics\n");
            return;
        }
        String accept = exchange.getRequestHeaders().getFirst("Accept");
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream(64 * 1024);
        monitoring.metrics().write(accept, body);
        Http.send(exchange, 200, monitoring.metrics().contentType(accept), body.toByteArray());
    }

    private void kill(HttpExchange exchange, Map<String, String> query) throws IOException, Http.BadRequest {
        long id = Http.number(query, "id", -1, 1, Long.MAX_VALUE);
        if (id < 0) {
            throw new Http.BadRequest("id is required: POST /kill?id=N");
        }
        String who = describe(id);
        for (TcpServer server : monitoring.servers()) {
            if (server.kill(id)) {
                audit(exchange, "kill conn-" + id + who);
                Http.json(exchange, 200, json -> {
                    json.writeStartObject();
                    json.writeNumberField("killed", id);
                    json.writeEndObject();
                });
                return;
            }
        }
        Http.text(exchange, 404, "no open connection conn-" + id + "\n");
    }

    /** " (chat, user 'alice', name 'alice')" for the audit line, when a session knows it. */
    private String describe(long id) {
        Optional<Session> session = monitoring.sessions() == null ? Optional.empty() : monitoring.sessions().get(id);
        return session.map(s -> " (" + s.service()
                + (s.user() == null ? "" : ", user '" + io.tcpkit.LogText.of(s.user().name()) + "'")
                + (s.name().isEmpty() ? "" : ", name '" + io.tcpkit.LogText.of(s.name()) + "'") + ")")
                .orElse("");
    }

    private static void audit(HttpExchange exchange, String action) {
        Audit.admin(action, from(exchange));
    }

    private static String from(HttpExchange exchange) {
        return ConnectionLog.address(exchange.getRemoteAddress());
    }

    public InetSocketAddress address() {
        return http.getAddress();
    }

    /** Stops at once: requests in progress (a JFR recording, say) are cut off. */
    @Override
    public void close() {
        http.stop(0);
        threads.shutdownNow();
    }
}
