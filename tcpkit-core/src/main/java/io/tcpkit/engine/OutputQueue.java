package io.tcpkit.engine;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The queue of a connection's {@link Output}: what waits to be written, in order. A small message
 * is copied into a block the queue owns, after the messages before it, as Redis appends a reply to
 * its client's buffer: a subscriber that is sent a hundred messages between two writes holds one
 * array, and its drainer takes them in one step and writes them without gathering. A larger one
 * (and the serving thread's batch, handed over) is queued as a slice of its own array, which
 * receivers of the same frame share.
 *
 * <p>Every method holds the monitor of the {@link Output} it belongs to, which also guards the
 * batch, so that a send takes one monitor, not two. Appending is any thread's; taking and
 * unlinking are the drainer's alone (one at a time, see {@link Drainer}), so a run of chunks taken
 * stays at the head until the drainer unlinks it. A block taken in a run may still grow at its
 * end: a run remembers its length, and only the drainer moves a chunk's start.
 *
 * <p>A little over 300 lines: every change to the list (append and copy, settle, take, unlink,
 * clear) and what it holds is here, under the one monitor, so that the accounting of blocks and
 * slices cannot drift between two places.
 */
final class OutputQueue {
    /**
     * What a queued chunk costs besides its bytes (object header, fields, the reference to it),
     * counted in the slow-consumer cap and the memory budget: a flood of tiny messages holds far
     * more than its payload.
     */
    static final int CHUNK_OVERHEAD_BYTES = 40;
    /**
     * Messages up to this size are copied into the queue's block; larger ones are queued by
     * reference. A copy of a few hundred bytes costs less than the chunk that would refer to them
     * and the walks over it (to take, gather and unlink: 40% of the server's CPU in bench/run's
     * fanout-1000x100 when every message was a chunk of its own).
     */
    static final int COPY_BYTES = 512;
    /** The smallest block; a block is sized to what the last write took, up to {@link #MAX_BLOCK_BYTES}. */
    static final int MIN_BLOCK_BYTES = 256;
    static final int MAX_BLOCK_BYTES = 16 * 1024;
    private static final int MAX_BLOCK_SHIFT = Integer.numberOfTrailingZeros(MAX_BLOCK_BYTES / MIN_BLOCK_BYTES);
    /**
     * What a queue may hold before it is charged to the memory budget: the fan-out fast path (a
     * few small messages to a receiver that keeps up) then never touches the budget's shared
     * counters. Like the read buffer's first 512 bytes, it is bounded by the connection count.
     */
    static final int FREE_BYTES = 4 * 1024;
    /**
     * The budget is charged in steps of this, rounded up: a queue of many small messages touches
     * the budget's shared counters once per step, not once per message.
     */
    static final int CHARGE_STEP_BYTES = 16 * 1024;

    /** Queued output: a slice of an array, written nowhere else, or a block of the queue's own. */
    static final class Chunk {
        final byte[] data;
        /** Whether {@link #data} is the queue's own block, which grows at its end until it is full. */
        final boolean own;
        int off;
        int len;
        /** Bytes of the serving thread's batch written before this chunk; -1 once that is settled. */
        int pos;
        Chunk next;

        Chunk(byte[] data, boolean own, int off, int len, int pos) {
            this.data = data;
            this.own = own;
            this.off = off;
            this.len = len;
            this.pos = pos;
        }

        /** What it holds: a block its whole array, a slice the bytes still to write. */
        long held() {
            return (own ? data.length : len) + CHUNK_OVERHEAD_BYTES;
        }
    }

    private static final VarHandle OWED;

    static {
        try {
            OWED = MethodHandles.lookup().findVarHandle(OutputQueue.class, "owed", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final ConnectionImpl conn;
    /** The Output whose monitor guards this queue, and which keeps its block size from one queue to the next. */
    private final Drainer lock;
    private Chunk head;
    private Chunk tail;
    /** Bytes ever queued. */
    private long enqueued;
    /** Bytes queued now; read without the monitor by those deciding whether to look closer. */
    private volatile long queued;
    /** What the queue's chunks hold (see {@link Chunk#held}); read without the monitor. */
    private volatile long held;
    /** What is charged to the budget for this queue: what it holds past {@link #FREE_BYTES}. */
    private long charged;
    /**
     * Charges made under the monitor and not yet paid to the budget ({@link #payCharges}). The
     * budget takes monitors of its own (the connection's, its account's, the list of accounts);
     * a virtual thread that blocked on one of them while holding this queue's monitor was taken
     * off its carrier with the monitor held, and every publisher that came to this receiver then
     * blocked behind it, each let go only after a turn through the scheduler's shared queue:
     * publishes of 0.1 to 3 s in bench/run's fanout-1000x100, and the reactor stalled on the
     * same monitor for up to 90 ms (JFR's jdk.JavaMonitorEnter).
     */
    @SuppressWarnings("unused") // through OWED
    private volatile long owed;
    /** Threads waiting for the queue to fall below a mark (see {@link #awaitBelow}). */
    private int belowWaiters;
    /** Set when the connection ended: what a drainer still writes is not accounted any more. */
    private boolean cleared;
    // The run of chunks the drainer took last.
    private Chunk runFirst;
    private int runChunks;
    private int runBytes;

    OutputQueue(ConnectionImpl conn, Drainer lock) {
        this.conn = conn;
        this.lock = lock;
    }

    boolean isEmpty() {
        synchronized (lock) {
            return head == null;
        }
    }

    /** Bytes queued now, without taking the monitor. */
    long queued() {
        return queued;
    }

    /** What the queue holds now, chunks' overhead included, without taking the monitor. */
    long held() {
        return held;
    }

    long enqueued() {
        synchronized (lock) {
            return enqueued;
        }
    }

    /** Bytes of the queue written so far. */
    long written() {
        synchronized (lock) {
            return enqueued - queued;
        }
    }

    /** Whether the head may be written by any drainer now: it waits for no part of the batch. */
    boolean headDrainable() {
        synchronized (lock) {
            return head != null && head.pos <= 0;
        }
    }

    /**
     * Queues {@code len} bytes to go after {@code pos} bytes of the batch (0: none); returns
     * whether the head may now be written by any drainer (see {@link #headDrainable}).
     */
    boolean append(byte[] data, int off, int len, int pos) {
        synchronized (lock) {
            if (cleared) {
                return false;
            }
            if (len > COPY_BYTES) {
                link(new Chunk(data, false, off, len, pos));
            } else {
                Chunk t = tail;
                if (t == null || !t.own || t.data.length - t.off - t.len < len
                        || t.pos != pos && (t.pos > 0 || pos > 0)) {
                    // As large as the last write took, twice the block that filled up, and room for this.
                    int size = Math.max(MIN_BLOCK_BYTES << lock.blockShift, Integer.highestOneBit(len) << 1);
                    if (t != null && t.own) {
                        size = Math.max(size, Math.min(MAX_BLOCK_BYTES, t.data.length * 2));
                    }
                    link(t = new Chunk(new byte[size], true, 0, 0, pos));
                }
                System.arraycopy(data, off, t.data, t.off + t.len, len);
                t.len += len;
            }
            count(len);
            return head.pos <= 0;
        }
    }

    private void link(Chunk c) {
        if (tail == null) {
            head = c;
        } else {
            tail.next = c;
        }
        tail = c;
        hold(c.held());
    }

    /**
     * Hands the serving thread's batch (its first {@code count} bytes) to the queue, cut at the
     * positions of the chunks waiting for it, so that each goes after the part of the batch
     * written before it and before the rest. The array belongs to the queue from now on.
     */
    void settle(byte[] batch, int count) {
        synchronized (lock) {
            int done = 0;
            Chunk before = null;
            for (Chunk c = head; c != null; before = c, c = c.next) {
                if (c.pos < 0) {
                    continue;
                }
                int p = Math.min(c.pos, count);
                if (p > done) {
                    Chunk slice = new Chunk(batch, false, done, p - done, -1);
                    slice.next = c;
                    if (before == null) {
                        head = slice;
                    } else {
                        before.next = slice;
                    }
                    count(slice.len);
                    hold(slice.held());
                    done = p;
                }
                c.pos = -1;
            }
            if (count > done) {
                link(new Chunk(batch, false, done, count - done, -1));
                count(count - done);
            }
        }
    }

    /**
     * Takes a run of chunks from the head, of at most {@code maxBytes} (or one larger chunk), for
     * one write; a drainer that is not the serving thread stops at a chunk that waits for the
     * batch. Returns the run's size in bytes, 0 if there is nothing to write now.
     */
    int takeRun(boolean owner, int maxBytes) {
        synchronized (lock) {
            runFirst = head;
            runChunks = 0;
            runBytes = 0;
            for (Chunk c = head; c != null && (owner || c.pos <= 0)
                    && (runChunks == 0 || runBytes + c.len <= maxBytes); c = c.next) {
                c.pos = -1;
                runBytes += c.len;
                runChunks++;
            }
            if (runBytes > 0) {
                // The next block holds what this write takes: a receiver sent about as much between
                // two writes as the last time needs one block, not a chain of small ones.
                int shift = 32 - Integer.numberOfLeadingZeros(Math.max(runBytes, MIN_BLOCK_BYTES) - 1)
                        - Integer.numberOfTrailingZeros(MIN_BLOCK_BYTES);
                lock.blockShift = (byte) Math.min(shift, MAX_BLOCK_SHIFT);
            }
            return runBytes;
        }
    }

    /** The first chunk of the run taken last: a run of one chunk is written from its array, at its offset. */
    Chunk runFirst() {
        return runFirst;
    }

    int runChunks() {
        return runChunks;
    }

    /** Copies the run taken last into {@code into} (its last chunk only as far as it was taken). */
    void copyRun(byte[] into) {
        int at = 0;
        Chunk c = runFirst;
        for (int i = 0; i < runChunks; i++, c = c.next) {
            int n = Math.min(c.len, runBytes - at);
            System.arraycopy(c.data, c.off, into, at, n);
            at += n;
        }
    }

    /** Forgets the first {@code n} bytes of the run taken last, which were written. */
    void written(int n) {
        try {
            synchronized (lock) {
                if (cleared) {
                    return; // the connection ended while this was being written
                }
                int left = n;
                long freed = 0;
                while (left > 0) {
                    Chunk c = head;
                    if (left >= c.len) {
                        left -= c.len;
                        freed += c.held();
                        head = c.next;
                    } else {
                        c.off += left;
                        c.len -= left;
                        if (!c.own) {
                            freed += left;
                        }
                        left = 0;
                    }
                }
                if (head == null) {
                    tail = null;
                }
                queued -= n;
                hold(-freed);
                if (belowWaiters > 0) {
                    lock.notifyAll();
                }
            }
        } finally {
            payChargesOutsideMonitor();
        }
    }

    /**
     * Waits, at most {@code nanos}, until at most {@code mark} bytes are queued or the connection
     * ended: how a publisher is slowed to the pace of a receiver that falls behind.
     */
    void awaitBelow(long mark, long nanos) throws InterruptedException {
        synchronized (lock) {
            long deadline = System.nanoTime() + nanos;
            belowWaiters++;
            try {
                for (long left = nanos; queued > mark && !cleared && left > 0; left = deadline - System.nanoTime()) {
                    lock.wait(Math.max(1, left / 1_000_000));
                }
            } finally {
                belowWaiters--;
            }
        }
    }

    /** Drops everything: the connection closed, and nothing queued will be written. */
    void clear() {
        try {
            synchronized (lock) {
                head = tail = null;
                queued = 0;
                hold(-held);
                cleared = true;
                lock.notifyAll();
            }
        } finally {
            payChargesOutsideMonitor();
        }
    }

    /** Counts {@code delta} more bytes held, in the connection's part of the memory budget too. */
    private void hold(long delta) {
        long h = held + delta;
        held = h;
        long over = h - FREE_BYTES;
        long c = over <= 0 ? 0 : (over + CHARGE_STEP_BYTES - 1) / CHARGE_STEP_BYTES * CHARGE_STEP_BYTES;
        if (c != charged) {
            owe(c - charged);
            charged = c;
        }
    }

    /** Notes a charge to pay with the queue's (the caller holds the monitor; see {@link #owed}). */
    void owe(long delta) {
        if (delta != 0) {
            OWED.getAndAdd(this, delta);
        }
    }

    /**
     * Pays the budget what the changes to this queue owe it; by a thread that holds none of the
     * output's monitors (see {@link #owed}). Every change is followed by one such call, by the
     * thread that made it; one made while another's was under way is paid by either.
     */
    void payCharges() {
        if (owed != 0) {
            long d = (long) OWED.getAndSet(this, 0L);
            if (d != 0) {
                conn.charge(d);
            }
        }
    }

    /** Pays what is owed, unless the caller still holds the monitor (it pays once it lets go). */
    private void payChargesOutsideMonitor() {
        if (!Thread.holdsLock(lock)) {
            payCharges();
        }
    }

    private void count(int len) {
        enqueued += len;
        queued += len;
    }
}
