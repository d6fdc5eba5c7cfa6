package io.tcpkit;

import io.tcpkit.engine.Engine;
import io.tcpkit.proxy.ProxyProtocolConfig;
import io.tcpkit.tls.ServerTls;
import io.tcpkit.tls.TlsServerConfig;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * A running TCP listener: one platform thread accepts, and each connection is served in turns on
 * virtual threads, with none while it is idle ({@link RequestHandler}), or by plain blocking code
 * on its own virtual thread from accept to close ({@link ConnectionHandler}).
 *
 * <pre>{@code
 * try (TcpServer server = TcpServer.builder()
 *         .port(7000)
 *         .handler(conn -> { ... })
 *         .start()) {
 *     server.awaitTermination();
 * }
 * }</pre>
 *
 * <p>{@link #close()} shuts down gracefully: the port is released at once, handlers waiting for a
 * new frame see end of stream (and may say goodbye), the rest get up to the drain timeout to
 * finish, and whatever is still open then is closed by force. It is safe to call twice and from
 * several threads; each call returns when the server has stopped.
 */
public interface TcpServer extends AutoCloseable {

    /** Default accept backlog; the kernel caps it at net.core.somaxconn. */
    int DEFAULT_BACKLOG = 8192;
    /** Default time that {@link #close()} gives open connections to finish. */
    Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(10);
    /**
     * Default time a wait for the next request must last for a connection to count as quiet, so
     * that its next wait happens without a thread (see {@link RequestHandler}).
     */
    Duration DEFAULT_QUIET_AFTER = Duration.ofMillis(50);
    /** Default bind address: loopback only, so nothing is exposed by accident. */
    String DEFAULT_HOST = "127.0.0.1";

    static Builder builder() {
        return new Builder();
    }

    /** The address actually bound (with the real port when 0 was asked for). */
    InetSocketAddress localAddress();

    default int port() {
        return localAddress().getPort();
    }

    String service();

    Limits limits();

    /** Snapshots of the open connections. */
    List<ConnectionInfo> connections();

    /** Counters since start. */
    ServerStats stats();

    /** Closes one connection by id (for CLIENT KILL); false if no such connection is open here. */
    boolean kill(long connectionId);

    /** The SHA-256 fingerprint of the certificate a TLS listener serves now; empty for plain TCP. */
    Optional<String> tlsFingerprint();

    /**
     * Reads a TLS listener's certificate, key and client CA files again (as on SIGHUP): new
     * connections get the new certificate, open ones keep theirs. False if the files could not be
     * loaded (the previous certificate stays in use) or the listener is plain TCP.
     */
    boolean reloadTls();

    /** Whether {@link #close()} has begun. */
    boolean isDraining();

    /** Shuts down gracefully and waits until every connection has ended. */
    @Override
    void close();

    /** Waits until the server has stopped (after {@link #close()} from some thread). */
    void awaitTermination() throws InterruptedException;

    /** Builds and starts a {@link TcpServer}. Every option has a default; the handler is required. */
    final class Builder {
        private String host = DEFAULT_HOST;
        private int port;
        private int backlog = DEFAULT_BACKLOG;
        private String service = "tcp";
        private ConnectionHandler blocking;
        private RequestHandler shared;
        private RequestHandler.Factory factory;
        private Duration quietAfter = DEFAULT_QUIET_AFTER;
        private Limits limits = Limits.DEFAULT;
        private Duration drainTimeout = DEFAULT_DRAIN_TIMEOUT;
        private Function<RejectReason, Optional<byte[]>> rejectionMessage = Builder::defaultRejection;
        private AccessRules access = AccessRules.OPEN;
        private ProxyProtocolConfig proxyProtocol;
        private TlsServerConfig tls;
        private ConnectionObserver observer = ConnectionObserver.NONE;
        private MemoryBudget budget;

        private Builder() {
        }

        /** Address to bind: a host name or literal; "0.0.0.0" or "::" for all (default 127.0.0.1). */
        public Builder host(String host) {
            this.host = Objects.requireNonNull(host, "host");
            return this;
        }

        /** Port to bind; 0 (the default) picks a free one, readable from {@link #port()}. */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be 0..65535, got " + port);
            }
            this.port = port;
            return this;
        }

        public Builder backlog(int backlog) {
            if (backlog < 1) {
                throw new IllegalArgumentException("backlog must be positive, got " + backlog);
            }
            this.backlog = backlog;
            return this;
        }

        /** The service name, used in thread names, logs and listings (default "tcp"). */
        public Builder service(String service) {
            this.service = Objects.requireNonNull(service, "service");
            return this;
        }

        /**
         * Serves each connection with plain blocking code on its own virtual thread, from accept
         * to close. The connection holds its thread while idle. One handler kind per server.
         */
        public Builder handler(ConnectionHandler handler) {
            oneKind();
            this.blocking = Objects.requireNonNull(handler, "handler");
            return this;
        }

        /**
         * Serves every connection in turns with one shared, stateless handler; a connection holds
         * no thread while it is idle, from the moment it is accepted until its first request.
         */
        public Builder requestHandler(RequestHandler requestHandler) {
            oneKind();
            this.shared = Objects.requireNonNull(requestHandler, "requestHandler");
            return this;
        }

        /**
         * Serves each connection in turns with a handler of its own, made by {@code factory} on
         * the connection's thread when it opens (where it may write a greeting): for protocols
         * with state per connection. A connection holds no thread while it is idle.
         */
        public Builder requestHandlers(RequestHandler.Factory factory) {
            oneKind();
            this.factory = Objects.requireNonNull(factory, "factory");
            return this;
        }

        private void oneKind() {
            if (blocking != null || shared != null || factory != null) {
                throw new IllegalStateException("one handler per server: handler, requestHandler or requestHandlers");
            }
        }

        /**
         * How long a wait for the next request must last to count as long (default 50 ms). A
         * connection is busy once 8 waits in a row were shorter, and quiet again after two
         * longer ones in a row. A quiet connection waits for its next request without a thread;
         * a busy one keeps its thread, blocked in an untimed read, which is cheaper per request.
         */
        public Builder quietAfter(Duration quietAfter) {
            if (quietAfter == null || quietAfter.isNegative() || quietAfter.isZero()) {
                throw new IllegalArgumentException("quietAfter must be positive, got " + quietAfter);
            }
            this.quietAfter = quietAfter;
            return this;
        }

        public Builder limits(Limits limits) {
            this.limits = Objects.requireNonNull(limits, "limits");
            return this;
        }

        /** How long {@link TcpServer#close()} lets connections finish before forcing them (default 10 s). */
        public Builder drainTimeout(Duration drainTimeout) {
            if (drainTimeout == null || drainTimeout.isNegative()) {
                throw new IllegalArgumentException("drainTimeout must be zero or positive, got " + drainTimeout);
            }
            this.drainTimeout = drainTimeout;
            return this;
        }

        /**
         * What a refused client is told before the close, per reason; empty for nothing.
         * The default is one plain line such as {@code "ERR too many connections\r\n"}.
         */
        public Builder rejectionMessage(Function<RejectReason, Optional<byte[]>> rejectionMessage) {
            this.rejectionMessage = Objects.requireNonNull(rejectionMessage, "rejectionMessage");
            return this;
        }

        /** Allow and deny lists and a per-address connection rate limit (default: open). */
        public Builder access(AccessRules access) {
            this.access = Objects.requireNonNull(access, "access");
            return this;
        }

        /** Requires a PROXY protocol header (v1 or v2) from a trusted proxy on every connection. */
        public Builder proxyProtocol(ProxyProtocolConfig proxyProtocol) {
            this.proxyProtocol = proxyProtocol;
            return this;
        }

        /** Serves TLS (1.2 and 1.3) with this certificate; files are reloaded when they change. */
        public Builder tls(TlsServerConfig tls) {
            this.tls = tls;
            return this;
        }

        /** Told of every connection's open and close and of every refusal (for metrics and logs). */
        public Builder observer(ConnectionObserver observer) {
            this.observer = Objects.requireNonNull(observer, "observer");
            return this;
        }

        /**
         * What the server may hold for its clients (partial requests, output waiting to be
         * written, what services account), shared with other servers given the same budget.
         * Default: a budget of its own, {@link MemoryBudget#DEFAULT_HEAP_PERCENT} of the max heap.
         */
        public Builder memoryBudget(MemoryBudget budget) {
            this.budget = Objects.requireNonNull(budget, "budget");
            return this;
        }

        /** Binds the port and starts accepting. */
        public TcpServer start() throws IOException {
            if (blocking == null && shared == null && factory == null) {
                throw new IllegalStateException("a handler is required: handler, requestHandler or requestHandlers");
            }
            ServerTls serverTls = tls == null ? null : new ServerTls(tls);
            return Engine.start(new Engine.Spec(host, port, backlog, service, blocking, shared, factory, quietAfter, limits, drainTimeout,
                    rejectionMessage, access, proxyProtocol, serverTls, observer, System::nanoTime, budget));
        }

        private static Optional<byte[]> defaultRejection(RejectReason reason) {
            String text = switch (reason) {
                case MAX_CONNECTIONS -> "ERR too many connections\r\n";
                case MAX_CONNECTIONS_PER_ADDRESS -> "ERR too many connections from your address\r\n";
                case DENIED -> "ERR access denied\r\n";
                case RATE_LIMITED -> "ERR too many connections per second from your address\r\n";
                case BAD_PROXY_HEADER -> "ERR bad PROXY protocol header\r\n";
                case SHUTTING_DOWN -> "ERR server is shutting down\r\n";
            };
            return Optional.of(text.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        }
    }
}
