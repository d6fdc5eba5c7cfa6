package io.tcpkit.engine;

import io.tcpkit.AccessRules;
import io.tcpkit.CloseReason;
import io.tcpkit.ConnectionHandler;
import io.tcpkit.ConnectionInfo;
import io.tcpkit.ConnectionObserver;
import io.tcpkit.Limits;
import io.tcpkit.RejectReason;
import io.tcpkit.RequestHandler;
import io.tcpkit.ServerStats;
import io.tcpkit.TcpServer;
import io.tcpkit.proxy.ProxyProtocolConfig;
import io.tcpkit.tls.ServerTls;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.channels.ServerSocketChannel;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * The one implementation of {@link TcpServer}: owns the listening socket, the accept thread, the
 * registry of connections, the sweeper, and the shutdown sequence.
 */
public final class EngineServer implements TcpServer {
    private static final System.Logger LOG = System.getLogger(EngineServer.class.getName());
    /** After the drain deadline, how long to wait for force-closed handlers to return. */
    private static final Duration FORCED_CLOSE_GRACE = Duration.ofSeconds(5);

    /** Everything a server is built from, validated by {@link TcpServer.Builder}. */
    public record Config(String host, int port, int backlog, String service, ConnectionHandler handler,
                         RequestHandler requestHandler, Duration releaseIdleAfter, Limits limits, Duration drainTimeout,
                         Function<RejectReason, Optional<byte[]>> rejectionMessage,
                         AccessRules access, ProxyProtocolConfig proxyProtocol, ServerTls tls,
                         ConnectionObserver observer) {
    }

    private final Config config;
    private final ServerSocket serverSocket;
    private final InetSocketAddress localAddress;
    private final ConnectionRegistry registry;
    private final Counters counters = new Counters();
    private final Rejector rejector;
    private final Admission admission;
    private final LogThrottle handshakeFailureLog = new LogThrottle(10_000);
    private final Listener listener;
    private final Sweeper sweeper;
    /** Where idle request-handler connections wait without a thread; null for a connection handler. */
    private final Idler idler;
    private final AtomicBoolean closeStarted = new AtomicBoolean();
    private final CountDownLatch terminated = new CountDownLatch(1);
    private volatile boolean draining;

    private EngineServer(Config config, ServerSocket serverSocket) {
        this.config = config;
        this.serverSocket = serverSocket;
        this.localAddress = (InetSocketAddress) serverSocket.getLocalSocketAddress();
        this.registry = new ConnectionRegistry(config.limits().maxConnections(),
                config.limits().maxConnectionsPerAddress());
        this.rejector = new Rejector(this);
        this.admission = new Admission(config.access(), registry);
        this.listener = new Listener(this, serverSocket);
        this.sweeper = new Sweeper(this);
        this.idler = config.requestHandler() == null ? null : new Idler(this);
    }

    public static TcpServer start(Config config) throws IOException {
        // A channel's socket, so that accepted connections are channels too: an idle one can
        // wait in a Selector without a thread (see Idler). It is used in blocking mode.
        ServerSocket socket = ServerSocketChannel.open().socket();
        try {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getByName(config.host()), config.port()),
                    config.backlog());
        } catch (IOException e) {
            socket.close();
            throw new IOException("cannot listen on " + config.host() + ":" + config.port() + ": "
                    + e.getMessage(), e);
        }
        EngineServer server = new EngineServer(config, socket);
        if (server.idler != null) {
            server.idler.start();
        }
        server.listener.start();
        server.sweeper.start();
        if (config.tls() != null) {
            config.tls().watch(config.service() + "-" + server.localAddress.getPort(), 2000);
        }
        LOG.log(Level.DEBUG, () -> config.service() + " listening on " + format(server.localAddress));
        return server;
    }

    // ---- used by the engine ----

    ConnectionHandler handler() {
        return config.handler();
    }

    RequestHandler requestHandler() {
        return config.requestHandler();
    }

    long releaseIdleAfterNanos() {
        return config.releaseIdleAfter().toNanos();
    }

    /** The selector for idle request-handler connections, or null. */
    Idler idler() {
        return idler;
    }

    Counters counters() {
        return counters;
    }

    ConnectionRegistry registry() {
        return registry;
    }

    Rejector rejector() {
        return rejector;
    }

    Admission admission() {
        return admission;
    }

    boolean usesProxyProtocol() {
        return config.proxyProtocol() != null;
    }

    ProxyProtocolConfig proxyProtocol() {
        return config.proxyProtocol();
    }

    ServerTls serverTls() {
        return config.tls();
    }

    LogThrottle handshakeFailureLog() {
        return handshakeFailureLog;
    }

    ConnectionObserver observer() {
        return config.observer();
    }

    Optional<byte[]> rejectionMessage(RejectReason reason) {
        return config.rejectionMessage().apply(reason);
    }

    /** Runs in the connection task's finally: the one place a connection's permits are returned. */
    void connectionEnded(ConnectionImpl conn) {
        CloseReason reason = conn.closeReason() == null ? CloseReason.SERVER_CLOSED : conn.closeReason();
        counters.closed(reason); // before the registry lets close() return, so its counts are final
        ConnectionInfo info = conn.info();
        try {
            config.observer().closed(info, reason);
        } finally {
            registry.remove(conn);
        }
        LOG.log(Level.DEBUG, () -> conn + " closed: " + reason.description() + " after " + info.age().toMillis()
                + " ms, " + info.bytesIn() + " bytes in, " + info.bytesOut() + " bytes out");
    }

    static String format(InetSocketAddress address) {
        InetAddress ip = address.getAddress();
        String host = ip == null ? address.getHostString() : ip.getHostAddress();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.getPort();
    }

    // ---- TcpServer ----

    @Override
    public InetSocketAddress localAddress() {
        return localAddress;
    }

    @Override
    public String service() {
        return config.service();
    }

    @Override
    public Limits limits() {
        return config.limits();
    }

    @Override
    public List<ConnectionInfo> connections() {
        return registry.all().stream().map(ConnectionImpl::info).toList();
    }

    @Override
    public ServerStats stats() {
        return counters.snapshot(registry.size());
    }

    /** Open connections and addresses tracked, for leak checks in tests. */
    public int trackedAddresses() {
        return registry.addressCount();
    }

    @Override
    public boolean kill(long connectionId) {
        ConnectionImpl conn = registry.get(connectionId);
        if (conn == null) {
            return false;
        }
        conn.close(CloseReason.KILLED);
        return true;
    }

    @Override
    public Optional<String> tlsFingerprint() {
        return Optional.ofNullable(config.tls()).map(ServerTls::fingerprint);
    }

    @Override
    public boolean reloadTls() {
        return config.tls() != null && config.tls().reload();
    }

    @Override
    public boolean isDraining() {
        return draining;
    }

    @Override
    public void close() {
        if (!closeStarted.compareAndSet(false, true)) {
            awaitQuietly();
            return;
        }
        try {
            drain();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            forceClose();
        } finally {
            sweeper.stop();
            if (idler != null) {
                idler.stop();
            }
            if (config.tls() != null) {
                config.tls().close();
            }
            terminated.countDown();
        }
    }

    private void drain() throws InterruptedException {
        long deadline = System.nanoTime() + config.drainTimeout().toNanos();
        draining = true;
        listener.stop();
        int open = registry.size();
        if (open > 0) {
            LOG.log(Level.INFO, () -> config.service() + ": draining " + open + " connection(s), up to "
                    + config.drainTimeout().toMillis() + " ms");
        }
        // Pairs with ConnectionImpl.read: we set draining, then wake readers already waiting.
        for (ConnectionImpl conn : registry.all()) {
            conn.wakeForDrain();
        }
        if (idler != null) {
            idler.resumeAll(); // connections waiting without a thread get one to see the drain
        }
        if (!registry.awaitEmpty(deadline)) {
            forceClose();
            if (!registry.awaitEmpty(System.nanoTime() + FORCED_CLOSE_GRACE.toNanos())) {
                    LOG.log(Level.WARNING, () -> config.service() + ": " + registry.size()
                        + " handler(s) did not return after their sockets were closed");
            }
        }
        rejector.awaitIdle(System.nanoTime() + ConnectionTask.LINGER.toNanos());
    }

    private void forceClose() {
        int n = registry.size();
        if (n > 0) {
            LOG.log(Level.WARNING, () -> config.service() + ": drain deadline passed, closing " + n + " connection(s)");
        }
        for (ConnectionImpl conn : registry.all()) {
            conn.close(CloseReason.SHUTDOWN_FORCED);
            // Closing the socket wakes a handler blocked in I/O; this wakes one waiting on anything else.
            conn.interruptOwner();
        }
    }

    private void awaitQuietly() {
        try {
            terminated.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void awaitTermination() throws InterruptedException {
        terminated.await();
    }

    @Override
    public String toString() {
        return config.service() + "@" + format(localAddress);
    }
}
