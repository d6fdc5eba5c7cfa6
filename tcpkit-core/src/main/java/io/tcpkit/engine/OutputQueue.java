package io.tcpkit.engine;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;

/**
 * The queue of a connection's {@link Output}: what waits to be written, in order. Small messages
 * are queued by reference in a bundle, an array of them that grows at its end: a subscriber sent a
 * hundred messages between two writes holds one bundle, and its drainer takes them in one step
 * and gathers them into one write. A larger message (and the serving thread's batch, handed over)
 * is queued as a slice of its own array. Either way a frame sent to many receivers is held once.
 *
 * <p>Why references and not copies (as Redis appends a reply to its client's buffer): a sender
 * copies under each receiver's monitor, and letting go of a monitor waits for the stores before
 * it; a copy into a receiver's block, whose memory was rarely still in the cache when a publisher
 * came round to it, made every delivery wait for memory (async-profiler: 13% of the server's CPU
 * in bench/run's fanout-1000x100, at the instruction after the monitor's exit). A reference is
 * four bytes, sixteen to a cache line, and the frames copied at the write are the few recent
 * ones, which every receiver shares and the cache keeps.
 *
 * <p>Every method holds the monitor of the {@link Output} it belongs to, which also guards the
 * batch, so that a send takes one monitor, not two. Appending is any thread's; taking and
 * unlinking are the drainer's alone (one at a time, see {@link Drainer}), so a run of chunks taken
 * stays at the head until the drainer unlinks it. A bundle taken in a run may still grow at its
 * end: a run remembers its length, and only the drainer moves a chunk's start.
 *
 * <p>Over 300 lines: every change to the list (append, settle, take, unlink, clear) and what it
 * holds is here, under the one monitor, so that the accounting of bundles and slices cannot drift
 * between two places.
 */
final class OutputQueue {
    /**
     * What a queued chunk costs besides its bytes (object header, fields, the reference to it),
     * counted in the slow-consumer cap and the memory budget: a flood of tiny messages holds far
     * more than its payload.
     */
    static final int CHUNK_OVERHEAD_BYTES = 40;
    /**
     * Messages up to this size join a bundle; larger ones are a chunk of their own, written from
     * their own array when alone in a write. A chunk per small message cost more than its bytes:
     * the walks over the chunks (to take, gather and unlink) were 40% of the server's CPU in
     * bench/run's fanout-1000x100 when every message was one.
     */
    static final int BUNDLE_BYTES = 512;
    /** What a message costs in a bundle besides its bytes: its reference. */
    static final int REF_BYTES = 4;
    /** The smallest bundle, in messages; a bundle is sized to what the last write took, up to {@link #MAX_BUNDLE_REFS}. */
    static final int MIN_BUNDLE_REFS = 16;
    static final int MAX_BUNDLE_REFS = 1024;
    private static final int MAX_BUNDLE_SHIFT = Integer.numberOfTrailingZeros(MAX_BUNDLE_REFS / MIN_BUNDLE_REFS);
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

    private static final VarHandle OWED;
    private static final VarHandle QUEUED;
    private static final VarHandle HELD;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            OWED = lookup.findVarHandle(OutputQueue.class, "owed", long.class);
            QUEUED = lookup.findVarHandle(OutputQueue.class, "queued", long.class);
            HELD = lookup.findVarHandle(OutputQueue.class, "held", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final ConnectionImpl conn;
    /** The Output whose monitor guards this queue, and which keeps its block size from one queue to the next. */
    private final Drainer lock;
    private OutputChunk head;
    private OutputChunk tail;
    /** Bytes ever queued. */
    private long enqueued;
    /*
     * The two figures below are changed under the monitor and read without it, as hints (how far
     * behind a receiver is, what it holds), by those deciding whether to look closer. They are
     * written in release mode, not as volatiles: a volatile write is a full fence, which on a
     * publisher's path waits, for every message, until its stores into the receiver's memory
     * (rarely in the cache by the time a publisher reaches it) are done; with the monitor's
     * exit that wait was 13% of the server's CPU in bench/run's fanout-1000x100 when messages
     * were copied here (async-profiler). Nothing decides on them alone whether output is
     * stranded: see Drainer.drainableNow, which looks under the monitor.
     */
    /** Bytes queued now (see above). */
    private long queued;
    /** What the queue's chunks hold (see {@link OutputChunk#held}; see above). */
    private long held;
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
    private OutputChunk runFirst;
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
        return (long) QUEUED.getAcquire(this);
    }

    /** What the queue holds now, chunks' overhead included, without taking the monitor. */
    long held() {
        return (long) HELD.getAcquire(this);
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
     * Queues a message, the whole array, to go after {@code pos} bytes of the batch (0: none);
     * returns whether the head may now be written by any drainer (see {@link #headDrainable}).
     * An empty message queues nothing.
     */
    boolean append(byte[] message, int pos) {
        synchronized (lock) {
            int len = message.length;
            if (cleared || len == 0) {
                return false;
            }
            if (len > BUNDLE_BYTES) {
                link(OutputChunk.slice(message, 0, len, pos));
            } else {
                OutputChunk t = tail;
                if (t == null || t.refs == null || t.count == t.refs.length
                        || t.pos != pos && (t.pos > 0 || pos > 0)) {
                    // As many as the last write took, or twice the bundle that filled up.
                    int size = MIN_BUNDLE_REFS << lock.bundleShift;
                    if (t != null && t.refs != null) {
                        size = Math.max(size, Math.min(MAX_BUNDLE_REFS, t.refs.length * 2));
                    }
                    link(t = OutputChunk.bundle(size, pos));
                }
                t.refs[t.count++] = message;
                t.len += len;
                hold(len);
            }
            count(len);
            return head.pos <= 0;
        }
    }

    private void link(OutputChunk c) {
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
            OutputChunk before = null;
            for (OutputChunk c = head; c != null; before = c, c = c.next) {
                if (c.pos < 0) {
                    continue;
                }
                int p = Math.min(c.pos, count);
                if (p > done) {
                    OutputChunk slice = OutputChunk.slice(batch, done, p - done, -1);
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
                link(OutputChunk.slice(batch, done, count - done, -1));
                count(count - done);
            }
        }
    }

    /**
     * Takes a run of chunks from the head, of at most {@code maxBytes} (or one larger slice), for
     * one write; a drainer that is not the serving thread stops at a chunk that waits for the
     * batch. Returns the run's size in bytes, 0 if there is nothing to write now.
     */
    int takeRun(boolean owner, int maxBytes) {
        synchronized (lock) {
            runFirst = head;
            runChunks = 0;
            runBytes = 0;
            int messages = 0;
            for (OutputChunk c = head; c != null && (owner || c.pos <= 0); c = c.next) {
                int take = c.len;
                if (c.refs != null) {
                    take = Math.min(take, maxBytes - runBytes); // a bundle is always gathered
                    if (take <= 0) {
                        break;
                    }
                    messages += c.count - c.first;
                } else if (runChunks > 0 && runBytes + take > maxBytes) {
                    break;
                } else {
                    messages++;
                }
                c.pos = -1;
                runBytes += take;
                runChunks++;
                if (take < c.len) {
                    break;
                }
            }
            if (runBytes > 0) {
                // The next bundle holds what this write took: a receiver sent about as many between
                // two writes as the last time needs one bundle, not a chain of small ones.
                int shift = 32 - Integer.numberOfLeadingZeros(Math.max(messages, MIN_BUNDLE_REFS) - 1)
                        - Integer.numberOfTrailingZeros(MIN_BUNDLE_REFS);
                lock.bundleShift = (byte) Math.min(shift, MAX_BUNDLE_SHIFT);
            }
            return runBytes;
        }
    }

    /** The slice to write on its own, if the run taken last is one slice (no copy); else null. */
    OutputChunk runSlice() {
        return runChunks == 1 && runFirst.refs == null ? runFirst : null;
    }

    int runChunks() {
        return runChunks;
    }

    /**
     * Copies the run taken last into {@code into} (its last chunk only as far as it was taken) and
     * returns it, ready to be written. Outside the monitor: only the drainer moves a chunk's
     * start, and senders only add behind what was taken.
     */
    ByteBuffer copyRun(ByteBuffer into) {
        into.clear();
        int at = 0;
        OutputChunk c = runFirst;
        for (int i = 0; i < runChunks; i++, c = c.next) {
            int n = Math.min(c.len, runBytes - at);
            c.copyTo(into, n);
            at += n;
        }
        return into.flip();
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
                    OutputChunk c = head;
                    if (left >= c.len) {
                        left -= c.len;
                        freed += c.held();
                        head = c.next;
                    } else {
                        c.advance(left);
                        freed += left;
                        left = 0;
                    }
                }
                if (head == null) {
                    tail = null;
                }
                QUEUED.setRelease(this, queued - n);
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
                QUEUED.setRelease(this, 0L);
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
        HELD.setRelease(this, h);
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
        QUEUED.setRelease(this, queued + len);
    }
}
