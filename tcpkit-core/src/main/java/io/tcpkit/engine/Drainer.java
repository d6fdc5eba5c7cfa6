package io.tcpkit.engine;

import io.tcpkit.CloseReason;
import io.tcpkit.ConnectionState;

import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.locks.LockSupport;

/**
 * The writing half of a connection's {@link Output}: who may write the queued output now, and how.
 * One drainer at a time, by a compare-and-set flag: the serving thread when it flushes, a writer
 * virtual thread while the serving thread waits for input, or the {@link Reactor} (non-blocking
 * writes) while the connection waits without a thread. Whoever lets go of the flag looks at the
 * queue again, so nothing queued is left with nobody to write it. It is also the connection's write
 * {@link Deadline}: every blocking write is held to the write timeout.
 *
 * <p>Some 400 lines because its three writers (the serving thread, a writer thread, the reactor)
 * hand one flag to each other, and every hand-over has to look at the queue again; the flag's
 * rules are kept in one class so that none of them can drift from the others.
 */
abstract class Drainer extends Deadline {
    /** A drainer gathers queued chunks into one write of at most this many bytes. */
    static final int GATHER_BYTES = 64 * 1024;
    private static final VarHandle DRAINER;
    private static final VarHandle AT_REACTOR;

    static {
        try {
            DRAINER = MethodHandles.lookup().findVarHandle(Drainer.class, "drainer", int.class);
            AT_REACTOR = MethodHandles.lookup().findVarHandle(Drainer.class, "atReactor", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * Makes the writer threads, a virtual thread each. Replaceable only so that a test can make
     * a start fail (as it may when memory runs out).
     */
    static volatile ThreadFactory writerThreads = Thread.ofVirtual().factory();

    final ConnectionImpl conn;
    /**
     * Made when the first message comes from another thread, so that the many connections that
     * are only ever answered (all idle ones among them) hold none: some 80 bytes each. Made and
     * read for compound steps under this object's monitor (see {@link Output}); the unlocked
     * looks of the fast path read it once.
     */
    private volatile OutputQueue queue;
    /** 1 while someone drains. */
    @SuppressWarnings("unused") // through DRAINER
    private volatile int drainer;
    /**
     * Whether this connection waits in the reactor's queue of drains: queued once, not once per
     * message (a fan-out to idle subscribers sends each of them many before the reactor comes
     * round, and the queue's offers were a sixth of the server's CPU per delivery).
     */
    @SuppressWarnings("unused") // through AT_REACTOR
    private volatile boolean atReactor;
    /** Whether the reactor holds the flag across a wait for the socket to be writable (reactor only). */
    private boolean heldByReactor;
    /**
     * Set once the connection's output is shut down ({@link io.tcpkit.Connection#shutdownOutput}):
     * sends are refused, and what is still queued is dropped, not written (see {@link #shutUnderUs}).
     */
    volatile boolean outputShut;
    /**
     * The size of the queue's next bundle, as a power of two times its smallest ({@link
     * OutputQueue#MIN_BUNDLE_REFS}): as many messages as the last write took. Kept here, not in
     * the queue, which an idle receiver drops after every drain. Guarded by this object's monitor.
     */
    byte bundleShift;
    /** The serving thread while it waits for queued output to be written. */
    volatile Thread waiter;
    private volatile long bytesOut;

    Drainer(ConnectionImpl conn) {
        this.conn = conn;
    }

    /** The queue, made on first use; the caller holds this object's monitor. */
    final OutputQueue queue() {
        OutputQueue q = queue;
        if (q == null) {
            queue = q = new OutputQueue(conn, this);
        }
        return q;
    }

    /**
     * Forgets the queue if it is empty, for a connection that waits without a thread (the caller
     * holds the drainer's flag, so no drainer is in it; senders take a queue under this object's
     * monitor, so none appends to the one forgotten). A chat member that was sent notices once
     * need not keep its queue, some 80 bytes, while idle.
     */
    final void forgetEmptyQueue() {
        synchronized (this) {
            OutputQueue q = queue;
            if (q != null && q.held() == 0 && q.isEmpty()) {
                queue = null;
            }
        }
    }

    /** The queue if anything was ever sent, else null. */
    final OutputQueue queueOrNull() {
        return queue;
    }

    /** Pays the budget what the queue's last changes owe it; the caller holds none of this output's monitors. */
    final void payCharges() {
        OutputQueue q = queue;
        if (q != null) {
            q.payCharges();
        }
    }

    /** Bytes queued now, without the monitor. */
    final long queued() {
        OutputQueue q = queue;
        return q == null ? 0 : q.queued();
    }

    /** What the queue holds, chunks' overhead included, without the monitor. */
    final long held() {
        OutputQueue q = queue;
        return q == null ? 0 : q.held();
    }

    final long written() {
        OutputQueue q = queue;
        return q == null ? 0 : q.written();
    }

    /** Hands the serving thread's batch to the queue; the caller holds this object's monitor. */
    abstract void settleBatch();

    /** Makes sure someone writes what is queued: the reactor for a connection without a thread, else a writer thread. */
    void requestDrain() {
        if (drainableNow()) {
            drain();
        }
    }

    /**
     * Makes sure someone writes the head of the queue, which may be written now. A connection
     * already in the reactor's queue of drains costs a volatile read: the reactor clears the mark
     * before it takes the queue's monitor to drain, so a sender that still sees it set has
     * queued before that drain looks.
     */
    final void drain() {
        switch (conn.state()) {
            case IDLE -> {
                if (!atReactor && AT_REACTOR.compareAndSet(this, false, true)) {
                    conn.server.reactor().drainSoon(conn);
                }
            }
            case CLOSING, CLOSED -> {
            }
            default -> {
                if (tryAcquire()) {
                    // The state may have moved on to IDLE between the look and the flag: a blocking
                    // writer must never run on a socket the reactor makes non-blocking.
                    if (conn.state() == ConnectionState.IDLE) {
                        release(); // which asks again, and sends it to the reactor
                    } else {
                        startWriter();
                    }
                }
            }
        }
    }

    /**
     * Whether the head of the queue may be written by any drainer now. It cannot miss a message: a
     * sender appends under the monitor before it tries the drainer's flag, and a drainer lowers the
     * flag before it takes the monitor to look, so one of the two sees the other. The look is under
     * the monitor, not at the queued bytes without it: those are written in release mode (see
     * OutputQueue), which does not order a sender's write before its try of the flag. A connection
     * that was never sent anything has no queue, so the serving thread's fast path takes no monitor.
     */
    private boolean drainableNow() {
        OutputQueue q = queue;
        return q != null && q.headDrainable();
    }

    private void startWriter() {
        try {
            Thread writer = writerThreads.newThread(() -> {
                try {
                    drainBlocking(false, Long.MAX_VALUE);
                } catch (IOException e) {
                    if (!shutUnderUs()) {
                        conn.abort(CloseReason.IO_ERROR);
                        // The socket is gone and nothing queued will be written: dropped here, not
                        // when the serving thread ends the connection. Left queued, the release
                        // below started a writer for it again, which failed the same way, again
                        // and again, on the carrier's own queue, while the threads that would end
                        // the connection waited in the shared one (LeaveDuringBroadcastTest hung).
                        discard();
                    }
                } finally {
                    release();
                }
            });
            writer.setName(conn + " writer");
            writer.start();
        } catch (RuntimeException | OutOfMemoryError e) {
            // No thread to write with: the connection cannot be served. Ended and its queue
            // dropped before the flag is let go, as after a failed write: releasing first looked
            // at the full queue again and tried to start another writer, and so on, down the
            // stack, for as long as starts failed.
            conn.abort(CloseReason.IO_ERROR);
            discard();
            release();
        }
    }

    final boolean tryAcquire() {
        return DRAINER.compareAndSet(this, 0, 1);
    }

    /** Gives up draining; if more came meanwhile, makes sure someone writes it. */
    final void release() {
        DRAINER.setVolatile(this, 0);
        wakeWaiter();
        requestDrain();
    }

    final void wakeWaiter() {
        Thread w = waiter;
        if (w != null) {
            LockSupport.unpark(w);
        }
    }


    // ---- the drainer (whoever holds the flag) ----

    /**
     * Writes queued chunks in order with blocking writes, until {@code target} bytes of the queue
     * are written or nothing more may be written now.
     */
    final void drainBlocking(boolean owner, long target) throws IOException {
        OutputQueue queue = this.queue;
        if (queue == null) {
            return; // nothing was ever queued: no target to reach
        }
        ByteBuffer gather = null;
        while (queue.written() < target) {
            if (owner) {
                synchronized (this) {
                    settleBatch();
                }
                payCharges();
            }
            int bytes = queue.takeRun(owner, GATHER_BYTES);
            if (bytes == 0) {
                return;
            }
            OutputChunk slice = queue.runSlice();
            try {
                if (slice != null) {
                    writeBlocking(slice.data, slice.off, bytes, null);
                } else {
                    if (gather == null || gather.capacity() < bytes) {
                        gather = ByteBuffer.allocate(Math.min(GATHER_BYTES, Integer.highestOneBit(Math.max(bytes - 1, 1)) << 1));
                    }
                    writeBlocking(gather.array(), 0, bytes, queue.copyRun(gather));
                }
            } catch (IOException e) {
                if (shutUnderUs()) {
                    return;
                }
                throw e;
            }
            queue.written(bytes);
            wakeWaiter();
        }
    }

    /**
     * The reactor drains with non-blocking writes while the connection waits without a thread.
     * The caller holds the drainer's flag and keeps it while this returns false (the socket is
     * full: wait until it is writable and call again).
     *
     * @return true when the queue is empty
     */
    boolean drainNow(ByteBuffer gather) throws IOException {
        OutputQueue queue = this.queue;
        if (queue == null) {
            return true;
        }
        while (true) {
            int bytes = queue.takeRun(true, gather.capacity());
            if (bytes == 0) {
                return true;
            }
            OutputChunk slice = queue.runSlice();
            ByteBuffer out;
            if (slice != null) {
                out = ByteBuffer.wrap(slice.data, slice.off, bytes);
            } else {
                out = queue.copyRun(gather);
            }
            int n;
            try {
                n = conn.channel.write(out);
            } catch (IOException e) {
                if (shutUnderUs()) {
                    return true;
                }
                throw e;
            }
            if (n > 0) {
                wrote(n);
                queue.written(n);
            }
            if (n < bytes) {
                return false;
            }
        }
    }

    /** The reactor took the connection from its queue of drains: what is sent from now on queues it again. */
    void takenByReactor() {
        atReactor = false;
    }

    boolean tryAcquireForReactor() {
        return tryAcquire();
    }

    /** The reactor wrote everything; or it gives up the flag it kept while the socket was full. */
    void releaseFromReactor() {
        heldByReactor = false;
        release();
    }

    /** The reactor keeps the drainer's flag until the socket is writable again. */
    void keptByReactor() {
        heldByReactor = true;
    }

    /**
     * The connection leaves the reactor: no writer thread may start while its socket is still
     * non-blocking, so the reactor holds the drainer's flag until the socket blocks again (it
     * may hold it already, waiting for OP_WRITE). True if it holds it now.
     */
    boolean holdForResume() {
        if (!heldByReactor && tryAcquire()) {
            heldByReactor = true;
        }
        return heldByReactor;
    }

    /** The socket blocks again: a write the reactor left half-done is the new thread's (or a writer's) to finish. */
    void releaseIfReactorHeld() {
        if (heldByReactor) {
            disarm(); // the reactor's own wait for OP_WRITE
            releaseFromReactor();
        }
    }

    /**
     * A blocking write of the whole slice, held to the write timeout; {@code view}, if not null,
     * already wraps it (the batch keeps its wrapper, so the fast path allocates nothing).
     */
    final void writeBlocking(byte[] b, int off, int len, ByteBuffer view) throws IOException {
        arm(conn.server.clock(), conn.server.limits().writeTimeout().toNanos(), CloseReason.WRITE_TIMEOUT);
        try {
            SSLSocket ssl = conn.tls();
            if (ssl != null) {
                ssl.getOutputStream().write(b, off, len);
            } else {
                ByteBuffer out = view != null ? view : ByteBuffer.wrap(b, off, len);
                while (out.hasRemaining()) {
                    conn.channel.write(out);
                }
            }
        } finally {
            disarm();
        }
        wrote(len);
    }


    /**
     * After a write failed: whether it failed because the handler shut the connection's output
     * (the socket is open, its output is not). Then what is queued is dropped, later sends are
     * refused, and the connection lives on, reading; true if so. Looked at only on this path:
     * the plain socket's view of its channel is made on demand, an object an idle connection
     * should not hold.
     */
    final boolean shutUnderUs() {
        SSLSocket ssl = conn.tls();
        boolean shut = ssl != null ? !ssl.isClosed() && ssl.isOutputShutdown()
                : conn.channel.isOpen() && conn.channel.socket().isOutputShutdown();
        if (!shut) {
            return false;
        }
        synchronized (this) {
            outputShut = true;
        }
        discard();
        return true;
    }

    /** Drops what is queued: nothing of it will be written (the connection closed, or its socket failed). */
    final void discard() {
        OutputQueue q = queue;
        if (q != null) {
            q.clear();
        }
        wakeWaiter();
    }

    private void wrote(int n) {
        bytesOut += n;
        conn.active();
        conn.server.counters().bytesOut(n);
    }


    /** Waits until {@code target} bytes of the queue have been written, draining itself when it may. */
    final void awaitWritten(long target) throws IOException {
        waiter = Thread.currentThread();
        try {
            while (written() < target) {
                if (!conn.channel.isOpen()) {
                    throw new IOException("connection closed while its output was waiting");
                }
                if (tryAcquire()) {
                    try {
                        drainBlocking(true, target);
                    } finally {
                        release();
                    }
                } else {
                    LockSupport.park(this);
                }
            }
        } finally {
            waiter = null;
        }
    }


    long bytesOut() {
        return bytesOut;
    }
}
