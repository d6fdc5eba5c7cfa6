package io.tcpkit.engine;

import io.tcpkit.AccessRules;
import io.tcpkit.ConnectionHandler;
import io.tcpkit.ConnectionObserver;
import io.tcpkit.Limits;
import io.tcpkit.MemoryBudget;
import io.tcpkit.RejectReason;
import io.tcpkit.RequestHandler;
import io.tcpkit.TcpServer;
import io.tcpkit.proxy.ProxyProtocolConfig;
import io.tcpkit.tls.ServerTls;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * The way into the engine from {@link TcpServer.Builder}. It is public only because the builder
 * lives in another package of this module; the module does not export this package, and nothing
 * else in it is public.
 */
public final class Engine {
    private Engine() {
    }

    /**
     * Everything a server is built from, validated by {@link TcpServer.Builder}. Exactly one of
     * {@code blocking} (plain blocking code that keeps its thread from open to close),
     * {@code shared} (one request handler for every connection; a new connection waits for its
     * first request with no thread) and {@code factory} (one request handler per connection, made
     * on the connection's thread when it opens) is set.
     *
     * @param quietAfter a wait for a request this long marks a connection quiet (see {@link Turns})
     * @param clock      System.nanoTime() or a stand-in, for the deadlines
     * @param budget     what the server may hold for its clients, maybe shared with other servers; null for its own
     */
    public record Spec(String host, int port, int backlog, String service,
                       ConnectionHandler blocking, RequestHandler shared, RequestHandler.Factory factory,
                       Duration quietAfter,
                       Limits limits, Duration drainTimeout,
                       Function<RejectReason, Optional<byte[]>> rejectionMessage, AccessRules access,
                       ProxyProtocolConfig proxyProtocol, ServerTls tls, ConnectionObserver observer,
                       LongSupplier clock, MemoryBudget budget) {
        /** Without a budget: the server makes its own of {@link MemoryBudget#DEFAULT_HEAP_PERCENT} of the heap. */
        public Spec(String host, int port, int backlog, String service,
                    ConnectionHandler blocking, RequestHandler shared, RequestHandler.Factory factory,
                    Duration quietAfter, Limits limits, Duration drainTimeout,
                    Function<RejectReason, Optional<byte[]>> rejectionMessage, AccessRules access,
                    ProxyProtocolConfig proxyProtocol, ServerTls tls, ConnectionObserver observer, LongSupplier clock) {
            this(host, port, backlog, service, blocking, shared, factory, quietAfter, limits, drainTimeout,
                    rejectionMessage, access, proxyProtocol, tls, observer, clock, null);
        }
    }

    /** Binds the port and starts accepting. */
    public static TcpServer start(Spec spec) throws IOException {
        return EngineServer.start(spec);
    }
}
