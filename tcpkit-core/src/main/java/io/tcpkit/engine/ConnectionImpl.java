package io.tcpkit.engine;

import io.tcpkit.CloseReason;
import io.tcpkit.Connection;
import io.tcpkit.ConnectionInfo;
import io.tcpkit.ConnectionTimeoutException;
import io.tcpkit.Limits;
import io.tcpkit.codec.LineReader;
import io.tcpkit.codec.ReadBuffer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One connection: its socket, buffers, timeouts and counters. I/O runs on the connection's own
 * virtual thread; {@link #close(CloseReason)}, {@link #info()} and the drain and sweeper hooks
 * are safe from other threads. Its life (handler, errors, final close) is {@link ConnectionTask}.
 */
public final class ConnectionImpl implements Connection, ReadBuffer.Source {
    private final long id;
    private final EngineServer server;
    /** The accepted socket until a TLS layer replaces it (before the handler runs). */
    private volatile Socket socket;
    /** The accepted TCP socket, under any TLS layer. */
    private final Socket tcpSocket;
    private InputStream socketIn;
    /** Whether I/O goes through a TLS layer or a PROXY header's leftover bytes rather than the bare socket. */
    private boolean layered;
    private OutputStream socketOut;
    /** The peer: the socket's, or the real client's from a PROXY header. */
    private volatile InetSocketAddress remote;
    /** The address whose per-address slot this connection holds, or null. */
    private volatile InetAddress admittedAddress;
    private final Instant openedAt = Instant.now();
    private final ReadBuffer input;
    private final AtomicReference<CloseReason> closeReason = new AtomicReference<>();
    /** Serialises socket writes of the owner thread and the outbound writer; never held while waiting for anything else. */
    private final ReentrantLock writeLock = new ReentrantLock();
    private volatile Outbound outbound;
    private volatile boolean socketClosed;
    private volatile Thread owner;
    private LineReader lines;
    private final OutputBuffer output = new OutputBuffer(this::writeToSocket);

    private final FrameDeadline frameDeadline = new FrameDeadline();
    private boolean peerEof;
    private volatile boolean drainEof;
    /** Set when the drain shut our input to wake a waiting read. */
    private volatile boolean wokenForDrain;
    /** Set while blocked waiting for a new frame; the drain wakes only such readers. */
    private volatile boolean waitingForFrame;
    private final ReadDeadline readDeadline = new ReadDeadline();
    /** The SO_TIMEOUT last set on the socket, or -1 after the socket changed. Owner only. */
    private int soTimeoutMillis = -1;
    /** System.nanoTime() when the current blocking write started; 0 when not writing. */
    private volatile long writeStartedNanos;
    private volatile long lastActivityNanos = System.nanoTime();
    private volatile long bytesIn;
    private volatile long bytesOut;

    // Waiting without a thread (RequestHandler connections; see Idler).
    /** While positive, a read between frames gives up after this long with {@link StillIdle}. Owner only. */
    private long releaseGraceNanos;
    /** Set by the owner when it hands the connection to the idler; cleared when a new thread takes it. */
    private volatile boolean parked;
    /** System.nanoTime() when it last went to wait in the idler. */
    private volatile long waitingSinceNanos;
    /** Set by the idler when the idle timeout passed while the connection waited. */
    volatile boolean idleExpired;
    /** The connection's key in the idler's selector while it waits there; idler thread only. */
    SelectionKey idleKey;

    ConnectionImpl(long id, EngineServer server, Socket socket) throws IOException {
        this.id = id;
        this.server = server;
        this.socket = socket;
        this.tcpSocket = socket;
        this.socketIn = socket.getInputStream();
        this.socketOut = socket.getOutputStream();
        this.remote = (InetSocketAddress) socket.getRemoteSocketAddress();
        this.input = new ReadBuffer(this);
    }

    /**
     * Switches I/O to {@code layered} (a TLS socket over the accepted one), or keeps the socket
     * and first replays {@code prefix} (bytes read past a PROXY header). Owner thread, before
     * the handler runs.
     */
    void attach(Socket layered, byte[] prefix) throws IOException {
        this.layered = true;
        this.soTimeoutMillis = -1;
        socket = layered;
        InputStream in = layered.getInputStream();
        socketIn = prefix == null || prefix.length == 0 ? in : new PrefixedInputStream(prefix, in);
        socketOut = layered.getOutputStream();
    }

    /** The real client, from a PROXY header. */
    void remote(InetSocketAddress realClient) {
        this.remote = realClient;
    }

    void admittedAddress(InetAddress address) {
        this.admittedAddress = address;
    }

    InetAddress admittedAddress() {
        return admittedAddress;
    }

    void bindOwner(Thread thread) {
        this.owner = thread;
    }

    /**
     * Waits up to {@code graceNanos} for the next request: true when input (or end of stream) is
     * there for the handler, false when the connection is still quiet. The idle timeout and the
     * drain apply as to any read between frames. Flushes first.
     */
    boolean awaitRequest(long graceNanos) throws IOException {
        if (input.readable() > 0 || input.isEof()) {
            return true;
        }
        releaseGraceNanos = graceNanos;
        try {
            input.fill();
            return true;
        } catch (StillIdle e) {
            return false;
        } finally {
            releaseGraceNanos = 0;
        }
    }

    /** Ends a request handler's turn: the line it last read is consumed. */
    void endTurn() {
        if (lines != null) {
            lines.consumeLine();
        }
    }

    /** Input the handler has consumed so far, in bytes. Owner only. */
    long consumedBytes() {
        return bytesIn - input.readable();
    }

    /** Whether this connection can wait for its next request in the idler, with no thread. */
    boolean canWaitWithoutThread() {
        return server.idler() != null && !layered
                && outbound == null && input.readable() == 0 && !input.isEof() && isOpen();
    }

    /**
     * Hands the connection to the idler; when this returns true the calling (owner) thread must
     * end right after, without touching the connection. False when the idler has stopped (the
     * server is closing): the caller carries on with its thread.
     */
    boolean waitWithoutThread() {
        Thread caller = owner;
        waitingSinceNanos = System.nanoTime();
        input.release();
        output.release();
        owner = null;
        parked = true;
        if (!server.idler().park(this)) {
            parked = false;
            owner = caller;
            return false;
        }
        return true;
    }

    /** Called by the idler: a new virtual thread carries on serving the connection. */
    void resumeOnNewThread() {
        parked = false;
        ConnectionTask.resume(this, server);
    }

    /** When the connection last went to wait in the idler. */
    long waitedWithoutThreadSince() {
        return waitingSinceNanos;
    }

    SocketChannel channel() {
        return tcpSocket.getChannel();
    }

    long lastActivityNanos() {
        return lastActivityNanos;
    }

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
        return remote;
    }

    @Override
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    @Override
    public Instant openedAt() {
        return openedAt;
    }

    @Override
    public java.util.Optional<javax.net.ssl.SSLSession> tlsSession() {
        return socket instanceof javax.net.ssl.SSLSocket ssl ? java.util.Optional.of(ssl.getSession())
                : java.util.Optional.empty();
    }

    @Override
    public Limits limits() {
        return server.limits();
    }

    @Override
    public ReadBuffer input() {
        return input;
    }

    @Override
    public LineReader lines() {
        if (lines == null) {
            lines = new LineReader(input, server.limits().maxLineBytes());
        }
        return lines;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (input.readable() == 0 && input.fill() < 0) {
            return -1;
        }
        return input.drainTo(b, off, len);
    }

    @Override
    public InputStream inputStream() {
        return new ConnectionStreams.In(this);
    }

    @Override
    public OutputStream outputStream() {
        return new ConnectionStreams.Out(this);
    }

    /** The read side of the buffer: flush first (one write per read batch), then block with a deadline. */
    @Override
    public int read(byte[] b, int off, int len, boolean midFrame) throws IOException {
        flush();
        CloseReason timeoutReason;
        long timeoutNanos;
        if (midFrame) {
            timeoutReason = CloseReason.READ_TIMEOUT;
            timeoutNanos = frameDeadline.remainingNanos(server.limits().readTimeout(), bytesIn - input.readable());
        } else {
            frameDeadline.clear();
            timeoutReason = CloseReason.IDLE_TIMEOUT;
            timeoutNanos = server.limits().idleTimeout().toNanos();
            if (releaseGraceNanos > 0 && (timeoutNanos == 0 || releaseGraceNanos < timeoutNanos)) {
                timeoutNanos = releaseGraceNanos;
                timeoutReason = null; // not a timeout: the connection is merely quiet
            }
            // Pairs with EngineServer.beginDrain: it sets draining, then wakes readers that are
            // waiting; we set waiting, then check draining. One of the two sees the other.
            waitingForFrame = true;
            if (server.isDraining() && socketIn.available() == 0) {
                waitingForFrame = false;
                drainEof = true;
                return -1;
            }
        }
        int n;
        try {
            if (timeoutReason == null) {
                soTimeout(FrameDeadline.soTimeoutMillis(timeoutNanos));
            } else {
                soTimeout(0); // the sweeper enforces the timeout: see ReadDeadline
                readDeadline.arm(timeoutReason, timeoutNanos);
            }
            n = socketIn.read(b, off, len);
        } catch (SocketTimeoutException e) {
            throw StillIdle.INSTANCE; // only the release grace is a timed read
        } catch (IOException e) {
            CloseReason expired = readDeadline.expired();
            if (expired != null) {
                throw new ConnectionTimeoutException(expired);
            }
            if (!wokenForDrain) {
                throw e;
            }
            // A TLS layer reports the TCP input we shut as an error: for us it is the drain's EOF.
            n = -1;
        } finally {
            readDeadline.disarm();
            waitingForFrame = false;
        }
        if (n < 0 && readDeadline.expired() != null) {
            throw new ConnectionTimeoutException(readDeadline.expired());
        }
        if (n < 0) {
            if (server.isDraining() && !midFrame) {
                drainEof = true;
            } else {
                peerEof = true;
            }
            return -1;
        }
        bytesIn += n;
        lastActivityNanos = System.nanoTime();
        server.counters().bytesIn(n);
        return n;
    }

    /** Sets SO_TIMEOUT when it changes: 0 on the fast path, the release grace on a quiet one. */
    private void soTimeout(int millis) throws IOException {
        if (soTimeoutMillis != millis) {
            socket.setSoTimeout(millis);
            soTimeoutMillis = millis;
        }
    }

    /**
     * Called by the sweeper: a read waiting past its deadline (the idle timeout between frames,
     * the read timeout within one) is ended by shutting the TCP input, which the reader sees as
     * end of stream and reports as the timeout. The connection is closing anyway, so waking it
     * destructively is fine. Racing a read that has just finished at its deadline can only end a
     * connection that reached its deadline.
     */
    void checkReadDeadline(long now) {
        if (readDeadline.expire(now)) {
            try {
                tcpSocket.shutdownInput();
            } catch (IOException e) {
                // Closed or reset already: the reader wakes anyway.
            }
        }
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        output.write(b, off, len);
    }

    @Override
    public void flush() throws IOException {
        output.flush();
    }

    /**
     * Writes to the socket under the write lock: the owner's flushes and the outbound writer's
     * whole messages never interleave. The sweeper sees how long a write has been blocked.
     */
    void writeToSocket(byte[] b, int off, int len) throws IOException {
        writeLock.lock();
        try {
            writeStartedNanos = System.nanoTime() | 1; // never 0, which means "not writing"
            try {
                socketOut.write(b, off, len);
            } finally {
                writeStartedNanos = 0;
            }
        } finally {
            writeLock.unlock();
        }
        bytesOut += len;
        lastActivityNanos = System.nanoTime();
        server.counters().bytesOut(len);
    }

    @Override
    public boolean send(byte[] message) {
        if (server.requestHandler() != null) {
            // Its socket may be non-blocking in the idler's selector when a message comes.
            throw new UnsupportedOperationException(
                    "send() needs a ConnectionHandler; a RequestHandler connection may wait without a thread");
        }
        Outbound out = outbound;
        if (out == null) {
            synchronized (this) {
                out = outbound;
                if (out == null) {
                    outbound = out = new Outbound(this, server.limits().maxOutboundBytes());
                }
            }
        }
        return out.send(message);
    }

    @Override
    public boolean awaitSent(Duration timeout) throws InterruptedException {
        Outbound out = outbound;
        return out == null || out.awaitEmpty(System.nanoTime() + timeout.toNanos());
    }

    /** Drops queued messages and waits (bounded) for the outbound writer to end; after close. */
    void closeOutbound() throws InterruptedException {
        Outbound out = outbound;
        if (out != null) {
            out.close();
        }
    }

    @Override
    public void shutdownOutput() throws IOException {
        flush();
        try {
            awaitSent(server.limits().writeTimeout().isZero() ? ConnectionTask.LINGER : server.limits().writeTimeout());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!socket.isOutputShutdown()) {
            socket.shutdownOutput();
        }
    }

    @Override
    public boolean isDraining() {
        return server.isDraining();
    }

    @Override
    public boolean isOpen() {
        return closeReason.get() == null;
    }

    @Override
    public void close(CloseReason reason) {
        if (!closeReason.compareAndSet(null, reason)) {
            return;
        }
        if (Thread.currentThread() == owner) {
            ConnectionTask.closeGracefully(this);
        } else {
            closeFromElsewhere();
        }
    }

    /**
     * Closes the socket from a thread that is not the owner, once the reason is set. A connection
     * waiting in the idler has no thread to end it: the idler gives it one. Pairs with
     * waitWithoutThread: we set the reason, then check parked; it sets parked, then the idler
     * checks the reason. One of the two sees the other.
     */
    private void closeFromElsewhere() {
        closeSocket();
        if (parked) {
            server.idler().resume(this);
        }
    }

    /** Interrupts the connection's thread, for a handler blocked on something other than its socket. */
    void interruptOwner() {
        Thread t = owner;
        if (t != null) {
            t.interrupt();
        }
    }

    /** Closes at once, on any thread, without flushing or waiting: for a peer that cannot keep up. */
    void abort(CloseReason reason) {
        if (closeReason.compareAndSet(null, reason)) {
            closeFromElsewhere();
        }
    }

    /** Records a reason if none was recorded yet, without closing. */
    void recordReason(CloseReason reason) {
        closeReason.compareAndSet(null, reason);
    }

    CloseReason closeReason() {
        return closeReason.get();
    }

    /** Called by the drain: a reader blocked waiting for a new frame sees end of stream. */
    void wakeForDrain() {
        if (waitingForFrame) {
            wokenForDrain = true;
            try {
                // The TCP socket, not a TLS layer over it: SSLSocket.shutdownInput would send a
                // fatal alert (no close_notify yet) where we want the reader to see end of stream.
                tcpSocket.shutdownInput();
            } catch (IOException e) {
                // Already closed or reset: the reader wakes anyway.
            }
        }
    }

    /** Called by the sweeper: the nanos a write has been blocked, or 0. */
    long writeBlockedNanos(long now) {
        long started = writeStartedNanos;
        return started == 0 ? 0 : now - started;
    }

    boolean sawPeerEof() {
        return peerEof;
    }

    boolean sawDrainEof() {
        return drainEof;
    }

    Socket socket() {
        return socket;
    }

    /** Whether the socket itself is closed (a graceful close may still be writing before that). */
    boolean isSocketClosed() {
        return socketClosed;
    }

    void closeSocket() {
        socketClosed = true;
        try {
            socket.close();
        } catch (IOException e) {
            // Nothing left to do for a socket that fails to close.
        }
    }

    public ConnectionInfo info() {
        long idleNanos = Math.max(0, System.nanoTime() - lastActivityNanos);
        Outbound out = outbound;
        return new ConnectionInfo(id, server.service(), remote, openedAt,
                Duration.ofNanos(idleNanos), bytesIn, bytesOut, out == null ? 0 : out.queuedBytes());
    }

    /** A read between frames gave up after the release grace: the connection is quiet, not timed out. */
    private static final class StillIdle extends IOException {
        static final StillIdle INSTANCE = new StillIdle();

        private StillIdle() {
            super("still idle");
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this; // a signal, thrown often: no stack to capture
        }
    }

    @Override
    public String toString() {
        return "conn-" + id + " " + EngineServer.format(remote);
    }
}
