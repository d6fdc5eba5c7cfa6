package io.tcpkit.engine;

import io.tcpkit.CloseReason;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A connection's bounded outbound queue, for messages that other connections send it (chat
 * fan-out, pub/sub). A sender never blocks: it enqueues and returns. A writer virtual thread,
 * started when the queue becomes non-empty and ending when it is empty again, gathers what is
 * queued into one write. A receiver whose queue exceeds {@code maxBytes} is closed as a slow
 * consumer; the senders and everyone else carry on.
 *
 * <p>Messages are byte arrays shared by every receiver and never modified.
 */
final class Outbound {
    private static final System.Logger LOG = System.getLogger(Outbound.class.getName());
    /** A writer gathers queued messages into one write of at most this many bytes. */
    private static final int GATHER_BYTES = 64 * 1024;

    private final ConnectionImpl conn;
    private final long maxBytes;
    private final ConcurrentLinkedQueue<byte[]> queue = new ConcurrentLinkedQueue<>();
    private final AtomicLong queuedBytes = new AtomicLong();
    private final AtomicBoolean writerRunning = new AtomicBoolean();
    private final ReentrantLock idleLock = new ReentrantLock();
    private final Condition idle = idleLock.newCondition();
    private volatile Thread writer;

    Outbound(ConnectionImpl conn, long maxBytes) {
        this.conn = conn;
        this.maxBytes = maxBytes;
    }

    /** Enqueues a message; false if the connection is closed or was just closed as a slow consumer. */
    boolean send(byte[] message) {
        if (!conn.isOpen()) {
            return false;
        }
        long queued = queuedBytes.addAndGet(message.length);
        if (queued > maxBytes) {
            queuedBytes.addAndGet(-message.length);
            LOG.log(Level.WARNING, () -> conn + ": slow consumer: " + (queued - message.length)
                    + " bytes waiting and more arriving, over the limit of " + maxBytes + "; closing");
            // Abruptly, whoever's thread this is: a graceful close would wait for the very queue
            // that overflowed, and a sender must never wait.
            conn.abort(CloseReason.SLOW_CONSUMER);
            return false;
        }
        queue.add(message);
        if (writerRunning.compareAndSet(false, true)) {
            startWriter();
        }
        return true;
    }

    private void startWriter() {
        try {
            writer = Thread.ofVirtual().name(conn + " writer").start(this::drain);
        } catch (RuntimeException | OutOfMemoryError e) {
            writerRunning.set(false);
            conn.close(CloseReason.IO_ERROR);
        }
    }

    /** The writer: runs until the queue is empty (and stays empty after it says so). */
    private void drain() {
        // One gather buffer per run of the writer, sized to what is queued: nothing is kept while idle.
        byte[] gather = null;
        try {
            while (true) {
                byte[] first = queue.poll();
                if (first == null) {
                    writerRunning.set(false);
                    signalIdle();
                    // A sender may have enqueued after our poll but before the flag cleared.
                    if (queue.isEmpty() || !writerRunning.compareAndSet(false, true)) {
                        return;
                    }
                    continue;
                }
                gather = writeBatch(first, gather);
            }
        } catch (IOException e) {
            conn.close(CloseReason.IO_ERROR);
            writerRunning.set(false); // or awaitEmpty would wait out its whole timeout
            discard();
        }
    }

    /** Writes {@code first} and whatever else is queued, up to {@link #GATHER_BYTES}, in one write. */
    private byte[] writeBatch(byte[] first, byte[] gather) throws IOException {
        byte[] next = queue.peek();
        if (next == null || first.length + next.length > GATHER_BYTES) {
            conn.writeToSocket(first, 0, first.length);
            queuedBytes.addAndGet(-first.length);
            return gather;
        }
        int wanted = (int) Math.min(GATHER_BYTES, Math.max(first.length + next.length, queuedBytes.get()));
        if (gather == null || gather.length < wanted) {
            gather = new byte[Math.min(GATHER_BYTES, Integer.highestOneBit(Math.max(wanted - 1, 1)) << 1)];
        }
        System.arraycopy(first, 0, gather, 0, first.length);
        int n = first.length;
        while ((next = queue.peek()) != null && n + next.length <= gather.length) {
            queue.poll();
            System.arraycopy(next, 0, gather, n, next.length);
            n += next.length;
        }
        conn.writeToSocket(gather, 0, n);
        queuedBytes.addAndGet(-n);
        return gather;
    }

    /** Waits until everything queued so far has been written, or the deadline passes; true if so. */
    boolean awaitEmpty(long deadlineNanos) throws InterruptedException {
        idleLock.lock();
        try {
            while (writerRunning.get() || !queue.isEmpty()) {
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0 || conn.isSocketClosed()) {
                    return false;
                }
                idle.await(left, TimeUnit.NANOSECONDS);
            }
            return true;
        } finally {
            idleLock.unlock();
        }
    }

    /** Bytes waiting to be written. */
    long queuedBytes() {
        return queuedBytes.get();
    }

    /** After the connection closed: drop what is queued and wait (bounded) for the writer to end. */
    void close() throws InterruptedException {
        discard();
        Thread w = writer;
        if (w != null) {
            w.join(1000);
        }
    }

    private void discard() {
        queue.clear();
        queuedBytes.set(0);
        signalIdle();
    }

    private void signalIdle() {
        idleLock.lock();
        try {
            idle.signalAll();
        } finally {
            idleLock.unlock();
        }
    }
}
