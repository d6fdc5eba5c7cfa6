package io.tcpkit.engine;

import io.tcpkit.CloseReason;
import io.tcpkit.Connection;
import io.tcpkit.ConnectionInfo;
import io.tcpkit.ConnectionState;
import io.tcpkit.Limits;
import io.tcpkit.RequestHandler;
import io.tcpkit.codec.LineReader;
import io.tcpkit.codec.ReadBuffer;

import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import static io.tcpkit.ConnectionState.ACTIVE;
import static io.tcpkit.ConnectionState.CLOSED;
import static io.tcpkit.ConnectionState.CLOSING;
import static io.tcpkit.ConnectionState.IDLE;
import static io.tcpkit.ConnectionState.NEW;
import static io.tcpkit.ConnectionState.WAITING;

/**
 * One connection: who it is, where it is in its life, and the one way it closes. Its input and
 * output are {@link Input} and {@link Output}; the thread that serves it runs {@link Turns}.
 *
 * <p><b>The lifecycle</b> is the {@link ConnectionState} held here, changed only by the
 * transitions {@link #allowed} lists, each by the one party that may make it: the acceptor
 * (NEW, then IDLE for a connection that waits for its first request without a thread), the
 * serving thread (NEW to ACTIVE, ACTIVE and WAITING, ACTIVE to IDLE, and on to CLOSING), the
 * {@link Reactor} (IDLE to ACTIVE when the client speaks) and, for a connection with no thread,
 * whoever closes it (IDLE to CLOSING). The last two race, and a compare-and-set decides.
 *
 * <p><b>Closing</b>: {@link #close} records the first reason given and then closes gracefully on
 * the serving thread (flush, FIN, discard late input, close) or at once from any other thread
 * (the socket closes and the serving thread's next I/O fails). Either way {@link #end} runs
 * exactly once, on the thread that served the connection last (a new one for a connection closed
 * while it had none): it returns the permits, counts the close and tells the handler and observer.
 */
final class ConnectionImpl implements Connection {
    private static final System.Logger LOG = System.getLogger(ConnectionImpl.class.getName());
    private static final ConnectionState[] STATES = ConnectionState.values();
    private static final VarHandle STATE;
    private static final VarHandle REASON;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            STATE = lookup.findVarHandle(ConnectionImpl.class, "state", int.class);
            REASON = lookup.findVarHandle(ConnectionImpl.class, "reason", CloseReason.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final long id;
    final EngineServer server;
    final SocketChannel channel;
    private final InetSocketAddress peer;
    private final long openedAtMillis = System.currentTimeMillis();
    private final Input input;
    private final Output output;
    /** The TLS layer over the channel once the handshake begins; null for plain TCP. */
    private volatile SSLSocket tls;
    /** The real client, from a PROXY header; null when it is the channel's peer. */
    private volatile InetSocketAddress proxiedPeer;
    /** The address whose per-address slot this connection holds, or null. */
    private volatile InetAddress admittedAddress;
    @SuppressWarnings("unused") // through STATE
    private volatile int state;
    @SuppressWarnings("unused") // through REASON
    private volatile CloseReason reason;
    /** The thread serving the connection now; null while it waits without one. */
    private volatile Thread owner;
    private RequestHandler handler;
    /** Whether its service saw it (the observer was told it opened): only then is it told it closed. */
    private volatile boolean opened;
    /** The connection's key in the reactor's selector while it waits there; reactor thread only. */
    SelectionKey key;

    ConnectionImpl(long id, EngineServer server, SocketChannel channel, InetSocketAddress peer) {
        this.id = id;
        this.server = server;
        this.channel = channel;
        this.peer = peer;
        this.input = new Input(this);
        this.output = new Output(this);
    }

    // ---- the lifecycle ----

    ConnectionState state() {
        return STATES[state];
    }

    /** Whether the lifecycle allows going from {@code from} to {@code to}. */
    static boolean allowed(ConnectionState from, ConnectionState to) {
        return switch (from) {
            case NEW -> to == ACTIVE || to == IDLE || to == CLOSING;
            case ACTIVE -> to == WAITING || to == IDLE || to == CLOSING;
            case WAITING -> to == ACTIVE || to == CLOSING;
            case IDLE -> to == ACTIVE || to == CLOSING;
            case CLOSING -> to == CLOSED;
            case CLOSED -> false;
        };
    }

    /** Moves from {@code from} to {@code to} if the connection is in {@code from}; false if not. */
    boolean transition(ConnectionState from, ConnectionState to) {
        assert allowed(from, to) : from + " -> " + to;
        return STATE.compareAndSet(this, from.ordinal(), to.ordinal());
    }

    /** The serving thread's own moves between ACTIVE and WAITING, which nobody else makes. */
    void markWaiting(boolean waiting) {
        ConnectionState from = waiting ? ACTIVE : WAITING;
        transition(from, waiting ? WAITING : ACTIVE); // fails only once closing began
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
        server.observer().opened(info());
    }

    RequestHandler handler() {
        return handler;
    }

    /** Binds the thread that serves the connection from now on (null: none). */
    void owner(Thread thread) {
        this.owner = thread;
    }

    boolean isOwner() {
        return Thread.currentThread() == owner;
    }

    /** Records a reason if none was recorded yet; true if this one was recorded. */
    boolean recordReason(CloseReason why) {
        return REASON.compareAndSet(this, null, why);
    }

    CloseReason closeReason() {
        return reason;
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
        ConnectionState s = state();
        if (s == CLOSING || s == CLOSED || !transition(s, CLOSING)) {
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
        while (true) {
            ConnectionState s = state();
            if (s == CLOSED) {
                return;
            }
            if (s == CLOSING ? transition(CLOSING, CLOSED)
                    : transition(s, CLOSING) && transition(CLOSING, CLOSED)) {
                break;
            }
        }
        recordReason(CloseReason.SERVER_CLOSED);
        CloseReason why = reason;
        closeChannel();
        output.discard();
        if (opened && handler != null) {
            try {
                handler.closed(this, why);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, this + ": the handler failed while the connection closed", e);
            }
        }
        server.connectionEnded(this, why, opened);
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
                ssl.shutdownOutput(); // close_notify
            }
        } else if (channel.isOpen()) {
            channel.shutdownOutput();
        }
    }

    /** Interrupts the serving thread, for a handler blocked on something other than its socket. */
    void interruptOwner() {
        Thread t = owner;
        if (t != null) {
            t.interrupt();
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
    public boolean send(byte[] message) {
        return output.send(message);
    }

    @Override
    public void shutdownOutput() throws IOException {
        output.flush();
        shutdownOutputQuietly();
    }

    @Override
    public boolean isDraining() {
        return server.isDraining();
    }

    @Override
    public boolean isOpen() {
        return reason == null;
    }

    ConnectionInfo info() {
        long idleNanos = Math.max(0, System.nanoTime() - Math.max(input.lastActivityNanos(), output.lastActivityNanos()));
        return new ConnectionInfo(id, server.service(), remoteAddress(), openedAt(), Duration.ofNanos(idleNanos),
                input.bytesIn(), output.bytesOut(), output.queuedBytes(), state());
    }

    @Override
    public String toString() {
        return "conn-" + id + " " + EngineServer.format(remoteAddress());
    }
}
