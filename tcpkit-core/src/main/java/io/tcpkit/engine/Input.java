package io.tcpkit.engine;

import io.tcpkit.CloseReason;
import io.tcpkit.ConnectionTimeoutException;
import io.tcpkit.codec.LineReader;
import io.tcpkit.codec.ReadBuffer;

import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

/**
 * A connection's input: the {@link ReadBuffer} its handler decodes in place, filled from the
 * socket under the connection's deadlines. Every read first flushes pending output (so that a
 * pipelined batch is answered with one write), then blocks with no timer: between requests the
 * idle timeout applies and the connection is WAITING; once a request has begun (bytes of it are
 * buffered), the rest of it must arrive within the read timeout, however it trickles in, which is
 * what cuts off a slowloris peer. The {@link Reactor}'s sweep enforces both through the read
 * {@link Deadline}.
 *
 * <p>Used by the serving thread, or by the reactor while the connection waits without one
 * ({@link #readNow}); a hand-over between them is a thread start or a queue, which orders it.
 *
 * <p>Over 300 lines because every way bytes come in (blocking, non-blocking from the reactor,
 * a PROXY header's leftover, TLS, the linger after FIN) shares the same deadlines and counters;
 * splitting them would put the timeout rules in two places.
 */
final class Input extends Deadline implements ReadBuffer.Source {
    /** After a graceful close, how long to read and discard what the peer still sends. */
    static final long LINGER_NANOS = TimeUnit.SECONDS.toNanos(2);
    private static final int LINGER_MAX_BYTES = 256 * 1024;
    /**
     * Short waits for a request in a row after which a connection counts as busy and waits on its
     * thread: more than the few quick requests of a client library's handshake (HELLO, AUTH,
     * CLIENT SETINFO, SELECT, SUBSCRIBE), so that such a client, idle afterwards, holds no thread.
     */
    static final int BUSY_AFTER = 8;
    /**
     * Long waits in a row after which a busy connection counts as quiet again. Two, not one: a
     * busy connection's wait includes its time in the carrier's queue once its request has
     * come, and under load that queue alone can outlast the quiet time now and then. With one,
     * bench/ab's 1,000 connections echo (round trips of some 15 ms, a tail past 50) sent a
     * connection to the reactor at each such wait, and {@link #BUSY_AFTER} requests through it
     * before it was busy again, each a thread start that made every busy connection line up
     * behind it ({@link Starts#giveWay}): 18.5-21.2 us of CPU per echo against 13.0-14.9 with
     * a quiet time too long to be reached (Netty 10.8-11.6; bench/results/issue-12-gap.md).
     */
    static final int QUIET_AFTER_LONG_WAITS = 2;

    private final ConnectionImpl conn;
    private final ReadBuffer buffer;
    private LineReader lines;
    /** The buffer's array wrapped for channel reads, while it stays the same array. */
    private ByteBuffer view;
    /** Bytes read past a PROXY header, still to be handed out (see {@link #prefix}). */
    private byte[] prefix;
    private int prefixRead;
    /** Set while the reactor reads: the channel is non-blocking then. */
    private boolean nonBlocking;
    /** When the frame in progress started, and how much had been consumed then (serving thread). */
    private long frameStartNanos;
    private long frameStartConsumed;
    /**
     * How long the last wait for a request lasted, for the serving thread to choose its next wait;
     * while the connection waits in the reactor, when that wait began.
     */
    private long waitNanos = Long.MAX_VALUE;
    /**
     * Short waits in a row, up to {@link #BUSY_AFTER}; past it, a busy connection's long waits in
     * a row, up to {@link #QUIET_AFTER_LONG_WAITS} (one byte, where two would add a field).
     */
    private byte shortWaits;
    private boolean peerEof;
    private boolean drainEof;
    /** Set when the drain shut our input to wake a waiting read. */
    private volatile boolean wokenForDrain;
    private volatile long bytesIn;
    /**
     * What the buffer's array is charged to the budget: what the heap gives it (a humongous array
     * takes whole regions: MemoryBudget.heapBytes) past the initial size, which is free.
     */
    private int charged;

    Input(ConnectionImpl conn) {
        this.conn = conn;
        this.buffer = new ReadBuffer(this);
    }

    ReadBuffer buffer() {
        return buffer;
    }

    LineReader lines() {
        if (lines == null) {
            lines = new LineReader(buffer, conn.server.limits().maxLineBytes());
        }
        return lines;
    }

    /** The read deadline: this object itself. */
    Deadline deadline() {
        return this;
    }

    /** Input the handler has consumed so far, in bytes. */
    long consumed() {
        return bytesIn - buffer.readable();
    }

    /**
     * Whether the connection is busy: {@link #BUSY_AFTER} waits for a request in a row were
     * shorter than the quiet time, and no {@link #QUIET_AFTER_LONG_WAITS} in a row since were
     * longer. Only a busy connection waits for its next request on its thread; any other, the
     * handshake burst of a client library and a subscriber included, gives its thread back after
     * each request.
     */
    boolean busy() {
        return shortWaits >= BUSY_AFTER;
    }

    /** A wait for a request lasted {@code nanos}. */
    private void waited(long nanos) {
        waitNanos = nanos;
        if (nanos < conn.server.spec().quietAfter().toNanos()) {
            shortWaits = (byte) Math.min(shortWaits + 1, BUSY_AFTER); // a busy one's long waits start over
        } else if (busy() && shortWaits < BUSY_AFTER + QUIET_AFTER_LONG_WAITS - 1) {
            shortWaits++; // busy still: one long wait under load is not a pause
        } else {
            shortWaits = 0;
        }
    }

    /** The connection begins to wait without a thread at {@code now}: the idle timeout runs from there. */
    void startedWaiting(long now) {
        waitNanos = now;
        arm(now, conn.server.limits().idleTimeout().toNanos(), CloseReason.IDLE_TIMEOUT);
    }

    /** The reactor hands the connection to a new thread at {@code now}. */
    void resumed(long now) {
        disarm();
        waited(now - waitNanos);
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (prefix != null) {
            return readPrefix(b, off, len);
        }
        if (nonBlocking) {
            return readNow(b, off, len);
        }
        conn.out().flushBeforeRead();
        Pressure.await(); // a sender whose receivers fell behind reads on at their pace
        boolean midFrame = buffer.readable() > 0;
        long now = conn.server.clock();
        if (midFrame) {
            armFrameDeadline(now);
        } else {
            frameStartNanos = 0;
            arm(now, conn.server.limits().idleTimeout().toNanos(), CloseReason.IDLE_TIMEOUT); // before it shows as WAITING
            conn.markWaiting(true);
            // Pairs with EngineServer's drain: it sets draining, then wakes connections that are
            // WAITING; we set WAITING, then check draining. One of the two sees the other.
            if (conn.server.isDraining() && available() == 0) {
                disarm();
                conn.markWaiting(false);
                drainEof = true;
                return -1;
            }
        }
        int n;
        try {
            n = readBlocking(b, off, len);
        } catch (IOException e) {
            if (expired() != null) {
                throw new ConnectionTimeoutException(expired());
            }
            if (!wokenForDrain) {
                throw e;
            }
            n = -1; // a TLS layer reports the TCP input we shut as an error: for us it is the drain's EOF
        } finally {
            disarm();
            if (!midFrame) {
                conn.markWaiting(false);
                waited(conn.server.clock() - now);
            }
        }
        if (expired() != null) {
            throw new ConnectionTimeoutException(expired());
        }
        if (n < 0) {
            if (conn.server.isDraining() && !midFrame) {
                drainEof = true;
            } else {
                peerEof = true;
            }
            return -1;
        }
        received(n);
        return n;
    }

    /**
     * Bytes that came after a PROXY header in the same read: the handler reads them first, as if
     * they had just arrived (a handler may well fill the buffer before it looks at it).
     */
    void prefix(byte[] bytes) {
        prefix = bytes.length == 0 ? null : bytes;
    }

    private int readPrefix(byte[] b, int off, int len) {
        int n = Math.min(len, prefix.length - prefixRead);
        System.arraycopy(prefix, prefixRead, b, off, n);
        prefixRead += n;
        if (prefixRead == prefix.length) {
            prefix = null;
        }
        received(n);
        return n;
    }

    /** Once a frame has begun, it must complete within the read timeout, counted from its start. */
    private void armFrameDeadline(long now) throws ConnectionTimeoutException {
        long consumed = consumed();
        if (frameStartNanos == 0 || consumed != frameStartConsumed) {
            frameStartNanos = now;
            frameStartConsumed = consumed;
        }
        long timeout = conn.server.limits().readTimeout().toNanos();
        if (timeout == 0) {
            disarm();
            return;
        }
        if (now - frameStartNanos >= timeout) {
            throw new ConnectionTimeoutException(CloseReason.READ_TIMEOUT);
        }
        armAt(frameStartNanos + timeout, CloseReason.READ_TIMEOUT);
    }

    private int readBlocking(byte[] b, int off, int len) throws IOException {
        SSLSocket ssl = conn.tls();
        if (ssl != null) {
            return ssl.getInputStream().read(b, off, len);
        }
        return conn.channel.read(view(b, off, len));
    }

    /**
     * A non-blocking read by the reactor into the buffer, while the connection waits without a
     * thread: the thread it then starts finds the request there and needs no read of its own.
     *
     * @return bytes read, 0 if none were there, -1 at end of stream
     */
    int readNow() throws IOException {
        nonBlocking = true;
        try {
            return buffer.fill();
        } finally {
            nonBlocking = false;
        }
    }

    private int readNow(byte[] b, int off, int len) throws IOException {
        int n = conn.channel.read(view(b, off, len));
        if (n > 0) {
            received(n);
        } else if (n < 0) {
            peerEof = !conn.server.isDraining();
            drainEof = !peerEof;
        }
        return n;
    }

    /**
     * The buffer grows (a request larger than it, a half-sent bulk): charged before the array is
     * allocated, so a peer's claim is paid for as its bytes arrive; refused if the budget evicts
     * this connection to make room.
     */
    @Override
    public void growing(int newCapacity) throws IOException {
        int next = chargeFor(newCapacity);
        if (next > charged) {
            conn.chargeGrowth(next - charged);
            charged = next;
        }
    }

    @Override
    public void shrunk(int newCapacity) {
        int next = chargeFor(newCapacity);
        if (next < charged) {
            conn.charge(next - charged);
            charged = next;
        }
    }

    private int chargeFor(int capacity) {
        long heap = conn.server.budget().heapBytes(capacity);
        return (int) Math.min(Integer.MAX_VALUE, Math.max(0, heap - ReadBuffer.DEFAULT_INITIAL_CAPACITY));
    }

    private void received(int n) {
        bytesIn += n;
        conn.active();
        conn.server.counters().bytesIn(n);
    }

    private ByteBuffer view(byte[] b, int off, int len) {
        ByteBuffer v = view;
        if (v == null || v.array() != b) {
            view = v = ByteBuffer.wrap(b);
        }
        v.limit(off + len).position(off);
        return v;
    }

    /** Bytes the socket holds for us now (0 if unknown); at the drain and while waiting to park, so the cost is moot. */
    int available() throws IOException {
        SSLSocket ssl = conn.tls();
        return ssl != null ? ssl.getInputStream().available() : conn.channel.socket().getInputStream().available();
    }

    /** Whether the connection could wait without a thread now: nothing buffered, no end of stream. */
    boolean canWaitWithoutThread() {
        return conn.tls() == null && prefix == null && buffer.readable() == 0 && !buffer.isEof();
    }

    /** Drops the buffer's array and views before the connection waits without a thread. */
    void release() {
        buffer.release();
        view = null;
        LineReader l = lines;
        if (l != null && !l.isSkipping()) {
            lines = null; // a view with no state between lines: made again by the next lines()
        }
    }

    /**
     * After FIN: read and discard what the peer still sends, for at most {@link #LINGER_NANOS}
     * and {@link #LINGER_MAX_BYTES}, so that the close does not turn into a reset.
     */
    void linger() throws IOException {
        arm(conn.server.clock(), LINGER_NANOS, CloseReason.SERVER_CLOSED);
        byte[] sink = new byte[512];
        int total = 0;
        try {
            while (total < LINGER_MAX_BYTES && expired() == null) {
                int n = readBlocking(sink, 0, sink.length);
                if (n < 0) {
                    return;
                }
                total += n;
            }
        } finally {
            disarm();
        }
    }

    /**
     * Called by the sweep when the read deadline passed. The idle and read timeouts shut our
     * input, which the reader sees as end of stream and reports as the timeout (the output stays
     * open for a goodbye); anything else (a handshake, a PROXY header, the linger) closes the
     * socket. The connection is closing either way, so waking it destructively is fine.
     */
    void wakeExpired(CloseReason why) {
        if (why == CloseReason.IDLE_TIMEOUT || why == CloseReason.READ_TIMEOUT) {
            try {
                conn.channel.shutdownInput();
            } catch (IOException e) {
                conn.closeChannel();
            }
        } else {
            conn.closeChannel();
        }
    }

    /** Called by the drain: a read waiting for a new request sees end of stream. */
    void wakeForDrain() {
        wokenForDrain = true;
        try {
            // The TCP socket, not a TLS layer over it: SSLSocket.shutdownInput would send a
            // fatal alert where we want the reader to see end of stream.
            conn.channel.shutdownInput();
        } catch (IOException e) {
            // Already closed or reset: the reader wakes anyway.
        }
    }

    boolean sawPeerEof() {
        return peerEof;
    }

    boolean sawDrainEof() {
        return drainEof;
    }

    long bytesIn() {
        return bytesIn;
    }
}
