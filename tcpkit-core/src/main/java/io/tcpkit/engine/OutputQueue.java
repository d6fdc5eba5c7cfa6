package io.tcpkit.engine;

/**
 * The queue of a connection's {@link Output}: slices of arrays waiting to be written, in order.
 * Every method holds the queue's monitor; {@link Output} holds its own around the steps that must
 * happen together with a change to its batch (and makes the queue, under it, when the first message
 * comes). Appending is any thread's; taking and unlinking are
 * the drainer's alone (one at a time, see {@link Output}), so a run of chunks taken stays at the
 * head until the drainer unlinks it.
 */
final class OutputQueue {
    /**
     * What a queued chunk costs besides its bytes (object header, fields, the reference to it),
     * counted in the slow-consumer cap and the memory budget: a flood of tiny messages holds far
     * more than its payload.
     */
    static final int CHUNK_OVERHEAD_BYTES = 40;
    /**
     * What a queue may hold before it is charged to the memory budget: the fan-out fast path (a
     * few small messages to a receiver that keeps up) then never touches the budget's shared
     * counters. Like the read buffer's first 512 bytes, it is bounded by the connection count.
     */
    static final int FREE_BYTES = 4 * 1024;
    /**
     * The budget is charged in steps of this, rounded up: a queue of many small messages touches
     * the budget's shared counters once per step, not once per message (the sender and the
     * writer contend for this queue's monitor, which a charge would hold longer).
     */
    static final int CHARGE_STEP_BYTES = 16 * 1024;

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
    private Chunk head;
    private Chunk tail;
    /** Bytes ever queued. */
    private long enqueued;
    /** Bytes queued now; read without the monitor by those deciding whether to look closer. */
    private volatile long queued;
    /** Bytes queued now plus {@link #CHUNK_OVERHEAD_BYTES} per chunk: what the queue holds; read without the monitor. */
    private volatile long held;
    /** What is charged to the budget for this queue: what it holds past {@link #FREE_BYTES}. */
    private long charged;
    /** Threads waiting for the queue to fall below a mark (see {@link #awaitBelow}). */
    private int belowWaiters;
    /** Set when the connection ended: what a drainer still writes is not accounted any more. */
    private boolean cleared;
    // The run of chunks the drainer took last.
    private Chunk runFirst;
    private int runChunks;
    private int runBytes;

    OutputQueue(ConnectionImpl conn) {
        this.conn = conn;
    }

    synchronized boolean isEmpty() {
        return head == null;
    }

    /** Bytes queued now, without taking the monitor. */
    long queued() {
        return queued;
    }

    /** What the queue holds now, chunks' overhead included, without taking the monitor. */
    long held() {
        return held;
    }

    synchronized long enqueued() {
        return enqueued;
    }

    /** Bytes of the queue written so far. */
    synchronized long written() {
        return enqueued - queued;
    }

    /** Whether the head may be written by any drainer now: it waits for no part of the batch. */
    synchronized boolean headDrainable() {
        return head != null && head.pos <= 0;
    }

    synchronized void append(byte[] data, int off, int len, int pos) {
        if (cleared) {
            return;
        }
        Chunk c = new Chunk(data, off, len, pos);
        if (tail == null) {
            head = c;
        } else {
            tail.next = c;
        }
        tail = c;
        count(len);
        hold(len + CHUNK_OVERHEAD_BYTES);
    }

    /**
     * Hands the serving thread's batch (its first {@code count} bytes) to the queue, cut at the
     * positions of the chunks waiting for it, so that each goes after the part of the batch
     * written before it and before the rest. The array belongs to the queue from now on.
     */
    synchronized void settle(byte[] batch, int count) {
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
                count(slice.len);
                hold(slice.len + CHUNK_OVERHEAD_BYTES);
                done = p;
            }
            c.pos = -1;
        }
        if (count > done) {
            append(batch, done, count - done, -1);
        }
    }

    /**
     * Takes a run of chunks from the head, of at most {@code maxBytes} (or one larger chunk), for
     * one write; a drainer that is not the serving thread stops at a chunk that waits for the
     * batch. Returns the run's size in bytes, 0 if there is nothing to write now.
     */
    synchronized int takeRun(boolean owner, int maxBytes) {
        runFirst = head;
        runChunks = 0;
        runBytes = 0;
        for (Chunk c = head; c != null && (owner || c.pos <= 0)
                && (runChunks == 0 || runBytes + c.len <= maxBytes); c = c.next) {
            c.pos = -1;
            runBytes += c.len;
            runChunks++;
        }
        return runBytes;
    }

    /** The first chunk of the run taken last. */
    Chunk runFirst() {
        return runFirst;
    }

    int runChunks() {
        return runChunks;
    }

    /** Copies the run taken last into {@code into}. */
    void copyRun(byte[] into) {
        int at = 0;
        Chunk c = runFirst;
        for (int i = 0; i < runChunks; i++, c = c.next) {
            System.arraycopy(c.data, c.off, into, at, c.len);
            at += c.len;
        }
    }

    /** Forgets the first {@code n} bytes of the run taken last, which were written. */
    synchronized void written(int n) {
        if (cleared) {
            return; // the connection ended while this was being written
        }
        int left = n;
        int unlinked = 0;
        while (left > 0) {
            Chunk c = head;
            if (left >= c.len) {
                left -= c.len;
                head = c.next;
                unlinked++;
            } else {
                c.off += left;
                c.len -= left;
                left = 0;
            }
        }
        if (head == null) {
            tail = null;
        }
        queued -= n;
        hold(-(n + (long) unlinked * CHUNK_OVERHEAD_BYTES));
        if (belowWaiters > 0) {
            notifyAll();
        }
    }

    /**
     * Waits, at most {@code nanos}, until the queue holds at most {@code mark} bytes or the
     * connection ended: how a publisher is slowed to the pace of a receiver that falls behind.
     */
    synchronized void awaitBelow(long mark, long nanos) throws InterruptedException {
        long deadline = System.nanoTime() + nanos;
        belowWaiters++;
        try {
            for (long left = nanos; held > mark && !cleared && left > 0; left = deadline - System.nanoTime()) {
                wait(Math.max(1, left / 1_000_000));
            }
        } finally {
            belowWaiters--;
        }
    }

    /** Drops everything: the connection closed, and nothing queued will be written. */
    synchronized void clear() {
        head = tail = null;
        queued = 0;
        hold(-held);
        cleared = true;
        notifyAll();
    }

    /** Counts {@code delta} more bytes held, in the connection's part of the memory budget too. */
    private void hold(long delta) {
        long h = held + delta;
        held = h;
        long over = h - FREE_BYTES;
        long c = over <= 0 ? 0 : (over + CHARGE_STEP_BYTES - 1) / CHARGE_STEP_BYTES * CHARGE_STEP_BYTES;
        if (c != charged) {
            conn.charge(c - charged);
            charged = c;
        }
    }

    private void count(int len) {
        enqueued += len;
        queued += len;
    }
}
