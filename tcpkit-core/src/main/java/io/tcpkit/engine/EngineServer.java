package io.tcpkit.engine;

import io.tcpkit.CloseReason;
import io.tcpkit.ConnectionInfo;
import io.tcpkit.ConnectionObserver;
import io.tcpkit.ConnectionState;
import io.tcpkit.Limits;
import io.tcpkit.RejectReason;
import io.tcpkit.ServerStats;
import io.tcpkit.TcpServer;
import io.tcpkit.tls.ServerTls;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The one implementation of {@link TcpServer}: owns the listening socket, the acceptor, the
 * reactor, the registry of connections and the shutdown sequence.
 *
 * <p>Over 300 lines because the shutdown sequence (drain, the forced close after the drain
 * timeout, the reactor's and acceptor's ends) reads best in one place, next to the start it undoes.
 */
final class EngineServer implements TcpServer {
    private static final System.Logger LOG = System.getLogger(EngineServer.class.getName());
    /** After the drain deadline, how long to wait for force-closed handlers to return. */
    private static final Duration FORCED_CLOSE_GRACE = Duration.ofSeconds(5);

    private final Engine.Spec spec;
    private final ServerSocketChannel serverChannel;
    private final InetSocketAddress localAddress;
    private final ConnectionRegistry registry;
    private final Counters counters = new Counters();
    private final Rejector rejector;
    private final Admission admission;
    private final LogThrottle refusalLog = new LogThrottle(10_000);
    private final LogThrottle handshakeFailureLog = new LogThrottle(10_000);
    private final LogThrottle observerFailureLog = new LogThrottle(10_000);
    private final Acceptor acceptor;
    private final Reactor reactor;
    private final AtomicBoolean closeStarted = new AtomicBoolean();
    private final CountDownLatch terminated = new CountDownLatch(1);
    private volatile boolean draining;

    private EngineServer(Engine.Spec spec, ServerSocketChannel serverChannel) throws IOException {
        this.spec = spec;
        this.serverChannel = serverChannel;
        this.localAddress = (InetSocketAddress) serverChannel.getLocalAddress();
        this.registry = new ConnectionRegistry(spec.limits().maxConnections(), spec.limits().maxConnectionsPerAddress());
        this.rejector = new Rejector(this);
        this.admission = new Admission(spec.access(), registry);
        this.acceptor = new Acceptor(this, serverChannel);
        this.reactor = new Reactor(this);
    }

    static TcpServer start(Engine.Spec spec) throws IOException {
        ServerSocketChannel channel = ServerSocketChannel.open();
        EngineServer server;
        try {
            channel.socket().setReuseAddress(true);
            channel.bind(new InetSocketAddress(InetAddress.getByName(spec.host()), spec.port()), spec.backlog());
            server = new EngineServer(spec, channel);
        } catch (IOException e) {
            channel.close();
            throw new IOException("cannot listen on " + spec.host() + ":" + spec.port() + ": " + e.getMessage(), e);
        }
        try {
            server.reactor.start();
            server.acceptor.start();
            if (spec.tls() != null) {
                spec.tls().watch(spec.service() + "-" + server.port(), 2000);
            }
        } catch (RuntimeException | OutOfMemoryError e) {
            server.close(); // no thread or port left behind by a server that could not start
            throw e;
        }
        LOG.log(Level.DEBUG, () -> spec.service() + " listening on " + format(server.localAddress));
        return server;
    }

    // ---- used by the engine ----

    Engine.Spec spec() {
        return spec;
    }

    long clock() {
        return spec.clock().getAsLong();
    }

    /** Whether a new plain connection waits for its first request without a thread. */
    boolean startsWithoutThread() {
        return spec.shared() != null && spec.proxyProtocol() == null && spec.tls() == null;
    }

    Reactor reactor() {
        return reactor;
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

    ConnectionObserver observer() {
        return spec.observer();
    }

    LogThrottle handshakeFailureLog() {
        return handshakeFailureLog;
    }

    Optional<byte[]> rejectionMessage(RejectReason reason) {
        return spec.rejectionMessage().apply(reason);
    }

    /**
     * Tells the observer something; an observer that throws (its contract says it must not) is
     * logged, never allowed to stop the acceptor or a connection's end.
     */
    void observed(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            observerFailureLog.log(LOG, Level.WARNING, n -> this + ": the connection observer failed: " + e
                    + (n > 0 ? " (and " + n + " more times since the last report)" : ""));
        }
    }

    /** Client addresses holding a per-address slot: for tests of permit leaks. */
    int trackedAddresses() {
        return registry.addressCount();
    }

    /** A client was refused (at accept or in the prelude): counted, told to the observer, logged (throttled). */
    void refused(InetSocketAddress from, RejectReason reason, String detail) {
        counters.rejected(reason);
        if (from != null) {
            observed(() -> spec.observer().rejected(from, reason));
        }
        refusalLog.log(LOG, Level.WARNING, n -> this + ": refused " + (from == null ? "?" : format(from)) + ": "
                + reason + (detail == null ? "" : " (" + detail + ")")
                + (n > 0 ? "; " + n + " more refusals since the last report" : ""));
    }

    /**
     * The end of a connection, once: counted by reason (a refusal was counted as one already, so
     * that accepted = refused + closed + open), told to the observer, and its permits returned.
     */
    void connectionEnded(ConnectionImpl conn, CloseReason reason, boolean opened) {
        if (reason != CloseReason.REJECTED) {
            counters.closed(reason); // before the registry lets close() return, so its counts are final
        }
        ConnectionInfo info = conn.info();
        try {
            if (opened) {
                observed(() -> spec.observer().closed(info, reason));
            }
        } finally {
            registry.remove(conn);
        }
        LOG.log(Level.DEBUG, () -> conn + " closed: " + reason.description() + " after " + info.age().toMillis()
                + " ms, " + info.bytesIn() + " bytes in, " + info.bytesOut() + " bytes out");
    }

    static String format(InetSocketAddress address) {
        InetAddress ip = address.getAddress();
        String host = ip == null ? address.getHostString() : ip.getHostAddress();
        if (ip instanceof java.net.Inet6Address) {
            host = Ipv6.compress(host);
        }
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.getPort();
    }

    // ---- TcpServer ----

    @Override
    public InetSocketAddress localAddress() {
        return localAddress;
    }

    @Override
    public String service() {
        return spec.service();
    }

    @Override
    public Limits limits() {
        return spec.limits();
    }

    @Override
    public List<ConnectionInfo> connections() {
        return registry.all().stream().map(ConnectionImpl::info).toList();
    }

    @Override
    public ServerStats stats() {
        return counters.snapshot(registry.size());
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
        return Optional.ofNullable(spec.tls()).map(ServerTls::fingerprint);
    }

    @Override
    public boolean reloadTls() {
        return spec.tls() != null && spec.tls().reload();
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
            reactor.stop();
            if (spec.tls() != null) {
                spec.tls().close();
            }
            terminated.countDown();
        }
    }

    /**
     * The port closes at once; connections waiting for a request see end of stream (those with no
     * thread get one for that); the rest get the drain timeout to finish; then they are forced.
     */
    private void drain() throws InterruptedException {
        long deadline = System.nanoTime() + spec.drainTimeout().toNanos();
        draining = true;
        acceptor.stop();
        int open = registry.size();
        if (open > 0) {
            LOG.log(Level.INFO, () -> spec.service() + ": draining " + open + " connection(s), up to "
                    + spec.drainTimeout().toMillis() + " ms");
        }
        // Pairs with Input.read: we set draining, then wake readers already WAITING; a reader sets
        // WAITING, then checks draining.
        for (ConnectionImpl conn : registry.all()) {
            if (conn.state() == ConnectionState.WAITING) {
                conn.in().wakeForDrain();
            }
        }
        reactor.drainStarted();
        if (!registry.awaitEmpty(deadline)) {
            forceClose();
            if (!registry.awaitEmpty(System.nanoTime() + FORCED_CLOSE_GRACE.toNanos())) {
                LOG.log(Level.WARNING, () -> spec.service() + ": " + registry.size()
                        + " handler(s) did not return after their sockets were closed");
            }
        }
        rejector.awaitIdle(System.nanoTime() + Input.LINGER_NANOS);
    }

    private void forceClose() {
        int n = registry.size();
        if (n > 0) {
            LOG.log(Level.WARNING, () -> spec.service() + ": drain deadline passed, closing " + n + " connection(s)");
        }
        for (ConnectionImpl conn : registry.all()) {
            conn.abort(CloseReason.SHUTDOWN_FORCED);
            // Also one that was closing already (stuck flushing to a peer that does not read).
            conn.closeChannel();
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
        return spec.service() + "@" + format(localAddress);
    }
}
