package io.tcpkit.engine;

import io.tcpkit.CloseReason;
import io.tcpkit.Connection;
import io.tcpkit.ConnectionInfo;
import io.tcpkit.ConnectionState;
import io.tcpkit.Limits;
import io.tcpkit.MemoryBudget;
import io.tcpkit.RequestHandler;
import io.tcpkit.codec.LineReader;
import io.tcpkit.codec.ReadBuffer;

import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import static io.tcpkit.ConnectionState.ACTIVE;
import static io.tcpkit.ConnectionState.CLOSING;
import static io.tcpkit.ConnectionState.IDLE;
import static io.tcpkit.ConnectionState.NEW;

/**
 * One connection: who it is, and the one way it closes; where it is in its life is its
 * {@link Lifecycle}. Its input and output are {@link Input} and {@link Output}; the thread that
 * serves it runs {@link Turns}.
 *
 * <p><b>Closing</b>: {@link #close} records the first reason given and then closes gracefully on
 * the serving thread (flush, FIN, discard late input, close) or at once from any other thread
 * (the socket closes and the serving thread's next I/O fails). Either way {@link #end} runs
 * exactly once, on the thread that served the connection last (a new one for a connection closed
 * while it had none): it returns the permits, counts the close and tells the handler and observer.
 *
 * <p>Close to 400 lines because it implements the whole {@link Connection} API (some 20 short
 * delegating methods, a third of the class) as well as the close path; the close path is kept
 * here, in one place, on purpose (one way to close), and the roles that grew it before are classes of their own:
 * input, output and parking in {@link Input}, {@link Output} and {@link Turns}, the state in
 * {@link Lifecycle} and its part of the memory budget in {@link BudgetShare} (superclasses, so
 * that they cost no object per connection).
 */
final class ConnectionImpl extends BudgetShare implements Connection {
    private static final System.Logger LOG = System.getLogger(ConnectionImpl.class.getName());

    private final long id;
    final EngineServer server;
    final SocketChannel channel;
    private final InetSocketAddress peer;
    private final long openedAtMillis = System.currentTimeMillis();
    /** System.nanoTime() of the last byte read or written. */
    private volatile long lastActivityNanos = System.nanoTime();
    private final Input input;
    private final Output output;
    /** The TLS layer over the channel once the handshake begins; null for plain TCP. */
    private volatile SSLSocket tls;
    /** The real client, from a PROXY header; null when it is the channel's peer. */
    private volatile InetSocketAddress proxiedPeer;
    /** The address whose per-address slot this connection holds, or null. */
    private volatile InetAddress admittedAddress;
    private RequestHandler handler;
    /** Whether its service saw it (the observer was told it opened): only then is it told it closed. */
    private volatile boolean opened;
    /** The connection's key in the reactor's selector while it waits there; reactor thread only. */
    SelectionKey key;
    /** Its neighbours among the open connections; under the registry's monitor. */
    ConnectionImpl prev;
    ConnectionImpl next;

    ConnectionImpl(long id, EngineServer server, SocketChannel channel, InetSocketAddress peer) {
        this.id = id;
        this.server = server;
        this.channel = channel;
        this.peer = peer;
        this.input = new Input(this);
        this.output = new Output(this);
    }

    /** Opens the connection for its service on its serving thread, after the prelude. */
    void open() throws IOException, InterruptedException {
        if (!transition(NEW, ACTIVE)) {
            throw new IOException("closed before it opened");
        }
        announceOpen();
        if (server.spec().factory() != null) {
            handler = server.spec().factory().open(this);
        } else if (server.spec().shared() != null) {
            handler = server.spec().shared();
        }
    }

    /** Opens a connection that waits for its first request without a thread (acceptor thread). */
    boolean openIdle() {
        handler = server.spec().shared();
        announceOpen();
        return transition(NEW, IDLE);
    }

    private void announceOpen() {
        opened = true;
        server.observed(() -> server.observer().opened(info()));
    }

    RequestHandler handler() {
        return handler;
    }

    @Override
    public void close(CloseReason why) {
        if (!recordReason(why)) {
            return;
        }
        if (isOwner()) {
            closeGracefully();
        } else {
            closeAtOnce();
        }
    }

    /** Closes at once on any thread, without flushing: for a peer that cannot keep up, or a timeout. */
    void abort(CloseReason why) {
        if (recordReason(why)) {
            closeAtOnce();
        }
    }

    /**
     * Closes the socket from a thread that may not be the serving one. A connection that waits
     * without a thread has nobody to end it, so the closer takes that on, unless the reactor has
     * just handed it to a new thread, which then finds the socket closed and ends it.
     */
    private void closeAtOnce() {
        if (transition(IDLE, CLOSING)) {
            closeChannel();
            Turns.endOnNewThread(this);
            return;
        }
        closeChannel();
    }

    /**
     * On the serving thread: flush, send FIN, discard what the peer still sends for a moment
     * (closing with unread input makes the kernel send RST, which can destroy the last replies
     * before the peer reads them), then close.
     */
    void closeGracefully() {
        if (!toClosing()) {
            return;
        }
        try {
            output.flush();
            shutdownOutputQuietly();
            if (!input.sawPeerEof()) {
                input.linger();
            }
        } catch (IOException e) {
            // The peer is gone already; nothing is owed.
        } finally {
            closeChannel();
        }
    }

    /**
     * The end of the connection, exactly once whatever ended it: the socket closes, queued output
     * is dropped, the handler and observer are told, the close is counted and the permits return.
     */
    void end() {
        if (!toClosed()) {
            return;
        }
        recordReason(CloseReason.SERVER_CLOSED);
        CloseReason why = closeReason();
        closeChannel();
        output.discard();
        closeAccount();
        try {
            if (opened && handler != null) {
                handler.closed(this, why);
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, this + ": the handler failed while the connection closed", e);
        } finally {
            server.connectionEnded(this, why, opened); // whatever the handler threw: permits return
        }
    }

    @Override
    MemoryBudget budget() {
        return server.budget();
    }

    @Override
    boolean announced() {
        return opened;
    }

    @Override
    InetAddress client() {
        return remoteAddress().getAddress();
    }

    /** The budget chose this connection to free memory: it closes at once, whoever's thread this is. */
    @Override
    public void evict(long held, String why) {
        LOG.log(Level.WARNING, () -> this + ": evicted, holding " + held + " bytes: " + why);
        abort(CloseReason.MEMORY_EVICTED);
    }

    void closeChannel() {
        try {
            channel.close();
        } catch (IOException e) {
            // Nothing left to do for a socket that fails to close.
        }
    }

    private void shutdownOutputQuietly() throws IOException {
        SSLSocket ssl = tls;
        if (ssl != null) {
            if (!ssl.isOutputShutdown()) {
                // close_notify is a write, and may block on a peer that does not read
                output.arm(server.clock(), server.limits().writeTimeout().toNanos(), CloseReason.WRITE_TIMEOUT);
                try {
                    ssl.shutdownOutput();
                } finally {
                    output.disarm();
                }
            }
        } else if (channel.isOpen()) {
            channel.shutdownOutput();
        }
    }

    // ---- the edge (prelude) ----

    /** From now on I/O goes through TLS over the channel. Serving thread, before the handler runs. */
    void tls(SSLSocket ssl) {
        this.tls = ssl;
    }

    SSLSocket tls() {
        return tls;
    }

    void proxiedPeer(InetSocketAddress realClient) {
        this.proxiedPeer = realClient;
    }

    void admittedAddress(InetAddress address) {
        this.admittedAddress = address;
    }

    InetAddress admittedAddress() {
        return admittedAddress;
    }

    /** A byte was read or written just now. */
    void active() {
        lastActivityNanos = System.nanoTime();
    }

    Input in() {
        return input;
    }

    Output out() {
        return output;
    }

    // ---- Connection ----

    @Override
    public long id() {
        return id;
    }

    @Override
    public String service() {
        return server.service();
    }

    @Override
    public InetSocketAddress remoteAddress() {
        InetSocketAddress real = proxiedPeer;
        return real != null ? real : peer;
    }

    @Override
    public InetSocketAddress localAddress() {
        return server.localAddress();
    }

    @Override
    public Instant openedAt() {
        return Instant.ofEpochMilli(openedAtMillis);
    }

    @Override
    public Optional<SSLSession> tlsSession() {
        SSLSocket ssl = tls;
        return ssl == null ? Optional.empty() : Optional.of(ssl.getSession());
    }

    @Override
    public Limits limits() {
        return server.limits();
    }

    @Override
    public ReadBuffer input() {
        return input.buffer();
    }

    @Override
    public LineReader lines() {
        return input.lines();
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        ReadBuffer in = input.buffer();
        if (len == 0) {
            return 0;
        }
        if (in.readable() == 0 && in.fill() < 0) {
            return -1;
        }
        return in.drainTo(b, off, len);
    }

    @Override
    public InputStream inputStream() {
        return new ConnectionStreams.In(this);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        output.write(b, off, len);
    }

    @Override
    public void flush() throws IOException {
        output.flush();
    }

    @Override
    public OutputStream outputStream() {
        return new ConnectionStreams.Out(this);
    }

    @Override
    public boolean accountMemory(long deltaBytes) {
        return charge(deltaBytes);
    }

    @Override
    public boolean send(byte[] message) {
        return output.send(message);
    }

    @Override
    public void shutdownOutput() throws IOException {
        output.refuseSends(); // and writes what was accepted before
        shutdownOutputQuietly();
    }

    @Override
    public boolean isDraining() {
        return server.isDraining();
    }

    @Override
    public boolean isOpen() {
        return closeReason() == null;
    }

    ConnectionInfo info() {
        long idleNanos = Math.max(0, System.nanoTime() - lastActivityNanos);
        return new ConnectionInfo(id, server.service(), remoteAddress(), openedAt(), Duration.ofNanos(idleNanos),
                input.bytesIn(), output.bytesOut(), output.queuedBytes(), state());
    }

    @Override
    public String toString() {
        return "conn-" + id + " " + EngineServer.format(remoteAddress());
    }
}
