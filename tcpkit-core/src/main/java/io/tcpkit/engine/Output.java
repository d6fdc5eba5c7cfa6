package io.tcpkit.engine;

import io.tcpkit.CloseReason;

import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.locks.LockSupport;

/**
 * A connection's one ordered output path. The serving thread's {@code write}s gather in a
 * private batch; messages {@link #send sent} from other threads join a queue; everything leaves in
 * the order it was issued, written by one drainer at a time, whoever is free: the serving thread
 * when it flushes (the fast path, a direct write of its batch), a writer thread while the serving
 * thread waits for input, or the {@link Reactor} while the connection waits without a thread.
 *
 * <p><b>Order without a lock per write.</b> The batch is the serving thread's alone. A message
 * from another thread records how much of the batch was written before it ({@link Chunk#pos});
 * when the batch is handed over it is cut at those positions, so a message sent after a reply was
 * written (causally after: the subscription that let the message come was made after the reply)
 * goes after it, and one sent before goes before. A drainer other than the serving thread stops at
 * a message that waits for part of the batch: the serving thread will flush soon, because it
 * flushes before it waits for input.
 *
 * <p><b>Back-pressure.</b> The serving thread writes with blocking writes when it drains; when
 * another drainer is busy it waits once more than {@link #HIGH_WATER_BYTES} are queued, so a
 * client that does not read its replies stops being read. Messages from others are never waited
 * for: past {@code maxOutboundBytes} the receiver is closed as a slow consumer. A blocked write is
 * held to the write timeout by the write {@link Deadline}.
 */
final class Output {
    private static final System.Logger LOG = System.getLogger(Output.class.getName());
    static final int INITIAL_BYTES = 512;
    /** The batch is flushed before it grows past this. */
    static final int MAX_BATCH_BYTES = 64 * 1024;
    /** A write at least this large, with nothing buffered or queued, goes straight to the socket. */
    static final int DIRECT_WRITE_BYTES = 8 * 1024;
    /** A drainer gathers queued chunks into one write of at most this many bytes. */
    static final int GATHER_BYTES = 64 * 1024;
    /** Queued output past which the serving thread waits for it to be written before reading on. */
    static final int HIGH_WATER_BYTES = 256 * 1024;
    private static final VarHandle DRAINER;

    static {
        try {
            DRAINER = MethodHandles.lookup().findVarHandle(Output.class, "drainer", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Queued output: a slice of an array that is never modified again. */
    static final class Chunk {
        final byte[] data;
        int off;
        int len;
        /** Bytes of the serving thread's batch written before this chunk; -1 once that is settled. */
        int pos;
        Chunk next;

        Chunk(byte[] data, int off, int len, int pos) {
            this.data = data;
            this.off = off;
            this.len = len;
            this.pos = pos;
        }
    }

    private final ConnectionImpl conn;
    private final Deadline deadline = new Deadline();
    // The serving thread's batch.
    private byte[] batch;
    private int count;
    private ByteBuffer batchView;
    private OutputStream tlsOut;
    // The queue, guarded by this.
    private Chunk head;
    private Chunk tail;
    private long enqueued;
    private volatile long queued;
    /** Bytes of the queue written so far; only the drainer adds to it. */
    private volatile long written;
    /** 1 while someone drains. */
    @SuppressWarnings("unused") // through DRAINER
    private volatile int drainer;
    /** Whether the reactor holds the drainer's flag across a wait for the socket to be writable (reactor only). */
    private boolean heldByReactor;
    /** The serving thread while it waits for queued output to be written. */
    private volatile Thread waiter;
    private volatile long bytesOut;
    private volatile long lastActivityNanos;

    Output(ConnectionImpl conn) {
        this.conn = conn;
    }

    Deadline deadline() {
        return deadline;
    }

    // ---- the serving thread ----

    void write(byte[] b, int off, int len) throws IOException {
        if (len >= DIRECT_WRITE_BYTES && count == 0 && writeDirect(b, off, len)) {
            return;
        }
        while (len > 0) {
            if (batch == null) {
                batch = new byte[Math.min(MAX_BATCH_BYTES, Math.max(INITIAL_BYTES, Integer.highestOneBit(len) << 1))];
            }
            if (count + len > batch.length && batch.length < MAX_BATCH_BYTES) {
                batch = Arrays.copyOf(batch, Math.min(MAX_BATCH_BYTES, Integer.highestOneBit(count + len) << 1));
                batchView = null;
            }
            int n = Math.min(len, batch.length - count);
            System.arraycopy(b, off, batch, count, n);
            count += n;
            off += n;
            len -= n;
            if (len > 0) {
                flush();
                if (len >= DIRECT_WRITE_BYTES && writeDirect(b, off, len)) {
                    return;
                }
            }
        }
    }

    /** A large write with nothing before it goes out without a copy; false if it cannot now. */
    private boolean writeDirect(byte[] b, int off, int len) throws IOException {
        if (queued > 0 || !tryAcquire()) {
            return false;
        }
        try {
            synchronized (this) {
                if (head != null) {
                    return false;
                }
            }
            writeBlocking(b, off, len, null);
            return true;
        } finally {
            release();
        }
    }

    /** Connection.flush: when this returns, everything written or sent so far has been written. */
    void flush() throws IOException {
        flush(true);
    }

    /** Before a blocking read: hand the batch over and write; wait only past the high-water mark. */
    void flushBeforeRead() throws IOException {
        if (count > 0 || queued > 0) {
            flush(false);
        }
    }

    private void flush(boolean waitForAll) throws IOException {
        if (tryAcquire()) {
            try {
                drainAsOwner();
            } finally {
                release();
            }
            return;
        }
        long target;
        synchronized (this) {
            settleBatch();
            target = enqueued;
        }
        if (waitForAll || queued > HIGH_WATER_BYTES) {
            awaitWritten(target);
        }
    }

    /** The serving thread drains: its batch straight out when nothing is queued, else the queue in order. */
    private void drainAsOwner() throws IOException {
        byte[] direct = null;
        int n = 0;
        long target;
        synchronized (this) {
            if (head == null) {
                direct = batch;
                n = count;
                count = 0; // messages sent from now on come after this batch
            } else {
                settleBatch();
            }
            target = enqueued;
        }
        if (n > 0) {
            writeBlocking(direct, 0, n, direct);
        }
        drainBlocking(true, target);
    }

    /**
     * Hands the batch to the queue, cut at the positions of the messages waiting for it. Holds the
     * lock. The batch's array now belongs to the queue; the next write starts a new one.
     */
    private void settleBatch() {
        assert Thread.holdsLock(this);
        int done = 0;
        Chunk before = null;
        for (Chunk c = head; c != null; before = c, c = c.next) {
            if (c.pos < 0) {
                continue;
            }
            int p = Math.min(c.pos, count);
            if (p > done) {
                Chunk slice = new Chunk(batch, done, p - done, -1);
                slice.next = c;
                if (before == null) {
                    head = slice;
                } else {
                    before.next = slice;
                }
                enqueue(slice.len);
                done = p;
            }
            c.pos = -1;
        }
        if (count > done) {
            append(new Chunk(batch, done, count - done, -1));
        }
        if (count > 0) {
            batch = null;
            batchView = null;
            count = 0;
        }
    }

    /** Waits until {@code target} bytes of the queue have been written, draining itself when it may. */
    private void awaitWritten(long target) throws IOException {
        waiter = Thread.currentThread();
        try {
            while (written < target) {
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

    // ---- any thread ----

    /** Queues a message; false if the connection is closed or was just closed as a slow consumer. */
    boolean send(byte[] message) {
        if (!conn.isOpen()) {
            return false;
        }
        if (conn.isOwner()) {
            try {
                write(message, 0, message.length);
                return true;
            } catch (IOException e) {
                return false;
            }
        }
        long max = conn.server.limits().maxOutboundBytes();
        long waiting;
        synchronized (this) {
            waiting = queued;
            if (waiting + message.length <= max) {
                append(new Chunk(message, 0, message.length, count));
                waiting = -1;
            }
        }
        if (waiting >= 0) {
            long held = waiting;
            LOG.log(Level.WARNING, () -> conn + ": slow consumer: " + held + " bytes waiting and more arriving, "
                    + "over the limit of " + max + "; closing");
            // At once, whoever's thread this is: a graceful close would wait for the very queue
            // that overflowed, and a sender must never wait.
            conn.abort(CloseReason.SLOW_CONSUMER);
            return false;
        }
        requestDrain();
        return true;
    }

    private void append(Chunk c) {
        if (tail == null) {
            head = c;
        } else {
            tail.next = c;
        }
        tail = c;
        enqueue(c.len);
    }

    private void enqueue(int len) {
        enqueued += len;
        queued += len;
    }

    /** Makes sure someone writes what is queued: the reactor for a connection without a thread, else a writer thread. */
    void requestDrain() {
        if (!drainableNow()) {
            return;
        }
        switch (conn.state()) {
            case IDLE -> conn.server.reactor().drainSoon(conn);
            case CLOSING, CLOSED -> {
            }
            default -> {
                if (tryAcquire()) {
                    startWriter();
                }
            }
        }
    }

    private void startWriter() {
        try {
            Thread.ofVirtual().name(conn + " writer").start(() -> {
                try {
                    drainBlocking(false, Long.MAX_VALUE);
                } catch (IOException e) {
                    conn.abort(CloseReason.IO_ERROR);
                } finally {
                    release();
                }
            });
        } catch (RuntimeException | OutOfMemoryError e) {
            release();
            conn.abort(CloseReason.IO_ERROR);
        }
    }

    /**
     * Whether the head of the queue may be written by any drainer now. The unlocked look at
     * {@code queued} first keeps the serving thread's fast path free of the lock; it cannot miss
     * a message: a sender raises {@code queued} before it tries the drainer's flag, and a drainer
     * lowers the flag before it looks (both volatile, so one of the two sees the other).
     */
    private boolean drainableNow() {
        if (queued == 0) {
            return false;
        }
        synchronized (this) {
            return head != null && head.pos <= 0;
        }
    }

    private boolean tryAcquire() {
        return DRAINER.compareAndSet(this, 0, 1);
    }

    /** Gives up draining; if more came meanwhile, makes sure someone writes it. */
    private void release() {
        DRAINER.setVolatile(this, 0);
        wakeWaiter();
        requestDrain();
    }

    private void wakeWaiter() {
        Thread w = waiter;
        if (w != null) {
            LockSupport.unpark(w);
        }
    }

    // ---- the drainer ----

    /**
     * Writes queued chunks in order with blocking writes, until {@code target} bytes of the queue
     * are written or the queue is empty; a drainer that is not the serving thread stops at a
     * chunk that waits for the batch. The caller holds the drainer's flag.
     */
    private void drainBlocking(boolean owner, long target) throws IOException {
        byte[] gather = null;
        while (written < target) {
            int bytes;
            int chunks;
            Chunk first;
            synchronized (this) {
                if (owner) {
                    settleBatch();
                }
                first = head;
                bytes = 0;
                chunks = 0;
                for (Chunk c = head; c != null && (c.pos <= 0) && (chunks == 0 || bytes + c.len <= GATHER_BYTES); c = c.next) {
                    c.pos = -1;
                    bytes += c.len;
                    chunks++;
                }
            }
            if (chunks == 0) {
                return;
            }
            if (chunks == 1) {
                writeBlocking(first.data, first.off, first.len, null);
            } else {
                if (gather == null || gather.length < bytes) {
                    gather = new byte[Math.min(GATHER_BYTES, Integer.highestOneBit(Math.max(bytes - 1, 1)) << 1)];
                }
                copy(first, chunks, gather);
                writeBlocking(gather, 0, bytes, null);
            }
            unlink(chunks, bytes);
        }
    }

    /**
     * The reactor drains with non-blocking writes while the connection waits without a thread.
     * The caller holds the drainer's flag and keeps it while this returns false (the socket is
     * full: wait until it is writable and call again).
     *
     * @return true when the queue is empty
     */
    boolean drainNow(byte[] gather) throws IOException {
        while (true) {
            int bytes = 0;
            int chunks = 0;
            Chunk first;
            synchronized (this) {
                first = head;
                for (Chunk c = head; c != null && bytes + c.len <= gather.length; c = c.next) {
                    c.pos = -1;
                    bytes += c.len;
                    chunks++;
                }
                if (first != null && chunks == 0) { // one chunk larger than the gather buffer
                    first.pos = -1;
                    chunks = 1;
                    bytes = first.len;
                }
            }
            if (chunks == 0) {
                return true;
            }
            ByteBuffer out;
            if (chunks == 1) {
                out = ByteBuffer.wrap(first.data, first.off, first.len);
            } else {
                copy(first, chunks, gather);
                out = ByteBuffer.wrap(gather, 0, bytes);
            }
            int n = conn.channel.write(out);
            if (n > 0) {
                wrote(n);
            }
            if (n < bytes) {
                consumePartially(n);
                return false;
            }
            unlink(chunks, bytes);
        }
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

    /** The connection leaves the reactor: a write it left half-done is its new thread's to finish. */
    void releaseIfReactorHeld() {
        if (heldByReactor) {
            releaseFromReactor();
        }
    }

    private static void copy(Chunk first, int chunks, byte[] into) {
        int at = 0;
        Chunk c = first;
        for (int i = 0; i < chunks; i++, c = c.next) {
            System.arraycopy(c.data, c.off, into, at, c.len);
            at += c.len;
        }
    }

    /** Forgets the first {@code chunks} chunks, written whole. */
    private void unlink(int chunks, int bytes) {
        synchronized (this) {
            for (int i = 0; i < chunks; i++) {
                head = head.next;
            }
            if (head == null) {
                tail = null;
            }
            queued -= bytes;
        }
        written += bytes;
        wakeWaiter();
    }

    /** Forgets the first {@code n} bytes of the queue, written by a partial non-blocking write. */
    private void consumePartially(int n) {
        int bytes = n;
        synchronized (this) {
            while (n > 0) {
                Chunk c = head;
                if (n >= c.len) {
                    n -= c.len;
                    head = c.next;
                } else {
                    c.off += n;
                    c.len -= n;
                    n = 0;
                }
            }
            if (head == null) {
                tail = null;
            }
            queued -= bytes;
        }
        written += bytes;
    }

    /** A blocking write of the whole slice, held to the write timeout. */
    private void writeBlocking(byte[] b, int off, int len, byte[] batchArray) throws IOException {
        deadline.arm(conn.server.clock(), conn.server.limits().writeTimeout().toNanos(), CloseReason.WRITE_TIMEOUT);
        try {
            SSLSocket ssl = conn.tls();
            if (ssl != null) {
                if (tlsOut == null) {
                    tlsOut = ssl.getOutputStream();
                }
                tlsOut.write(b, off, len);
            } else {
                ByteBuffer out = view(b, off, len, batchArray);
                while (out.hasRemaining()) {
                    conn.channel.write(out);
                }
            }
        } finally {
            deadline.disarm();
        }
        wrote(len);
    }

    /** The batch's array keeps its wrapper (no allocation on the fast path); other slices get one. */
    private ByteBuffer view(byte[] b, int off, int len, byte[] batchArray) {
        if (batchArray == null) {
            return ByteBuffer.wrap(b, off, len);
        }
        ByteBuffer v = batchView;
        if (v == null || v.array() != batchArray) {
            batchView = v = ByteBuffer.wrap(batchArray);
        }
        v.limit(off + len).position(off);
        return v;
    }

    private void wrote(int n) {
        bytesOut += n;
        lastActivityNanos = System.nanoTime();
        conn.server.counters().bytesOut(n);
    }

    // ---- life ----

    /** Takes the drainer's flag while the connection goes to wait without a thread; false if busy. */
    boolean holdForParking() {
        if (count != 0 || !tryAcquire()) {
            return false;
        }
        synchronized (this) {
            if (head == null) {
                return true;
            }
        }
        release();
        return false;
    }

    /** Lets go of the flag taken by {@link #holdForParking}, once the connection waits without a thread. */
    void parked() {
        release();
    }

    /** Drops the batch's array before the connection waits without a thread. */
    void releaseMemory() {
        if (count == 0) {
            batch = null;
            batchView = null;
        }
    }

    /** After the connection closed: what is queued will never be written. */
    void discard() {
        synchronized (this) {
            head = tail = null;
            queued = 0;
        }
        wakeWaiter();
    }

    long queuedBytes() {
        return queued + count;
    }

    long bytesOut() {
        return bytesOut;
    }

    long lastActivityNanos() {
        return lastActivityNanos;
    }
}
