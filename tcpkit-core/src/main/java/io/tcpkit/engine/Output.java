package io.tcpkit.engine;

import io.tcpkit.CloseReason;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * A connection's one ordered output path. The serving thread's {@code write}s gather in a
 * private batch; messages {@link #send sent} from other threads join the {@link OutputQueue};
 * everything leaves in the order it was issued, written by one drainer at a time (see
 * {@link Drainer}, whose writing half this class extends): the serving thread when it flushes (the
 * fast path: a direct write of its batch), a writer thread while the serving thread waits for
 * input, or the {@link Reactor} while the connection waits without a thread.
 *
 * <p><b>Order without a lock per write.</b> The batch is the serving thread's alone. A message
 * from another thread records how much of the batch was written before it; when the batch is
 * handed over it is cut at those positions, so a message sent after a reply was written
 * (causally after: the subscription that let it come was made after the reply) goes after it, and
 * one sent before goes before. A drainer other than the serving thread stops at a message that
 * waits for part of the batch: the serving thread will flush soon, since it flushes before it
 * waits for input. The batch's length is read by senders under this object's monitor and reset by
 * the serving thread under it, so a position always refers to the batch it was taken from.
 *
 * <p><b>Back-pressure.</b> The serving thread writes with blocking writes when it drains; when
 * another drainer is busy it waits once more than {@link #HIGH_WATER_BYTES} are queued, so a
 * client that does not read its replies stops being read. Messages from others are never waited
 * for: a sender whose messages take a receiver's queue past a quarter of
 * {@code maxOutboundBytes} is slowed down after its request ({@link Pressure}), and
 * past {@code maxOutboundBytes} (chunks' overhead counted) the receiver is closed as a slow
 * consumer. A blocked write is
 * held to the write timeout by the write {@link Deadline}.
 *
 * <p>Over 300 lines because its ordering rule (a sent message goes after the part of the batch
 * written before it) spans the batch, the queue and every drainer; the writing itself is
 * {@link Drainer}'s, its superclass, so that the two cost one object per connection, not two.
 */
final class Output extends Drainer {
    private static final System.Logger LOG = System.getLogger(Output.class.getName());
    /** The batch's first size, uncharged to the memory budget (bounded by the connection count, as the read buffer's). */
    static final int INITIAL_BYTES = 512;
    /** The batch is flushed before it grows past this. */
    static final int MAX_BATCH_BYTES = 64 * 1024;
    /**
     * A batch larger than this is let go once written, before the connection waits for its next
     * request: a client that once had a large reply does not keep (and pay for) 64 KiB. Replies
     * of a few KiB keep their batch, and its charge, from one request to the next, so that they
     * never touch the budget.
     */
    static final int KEPT_BATCH_BYTES = 8 * 1024;
    /** A write at least this large, with nothing buffered or queued, goes straight to the socket. */
    static final int DIRECT_WRITE_BYTES = 8 * 1024;
    /** Queued output past which the serving thread waits for it to be written before reading on. */
    static final int HIGH_WATER_BYTES = 256 * 1024;
    /**
     * The most a receiver's queue holds before its senders are slowed down, whatever the cap. It
     * is also how far behind a receiver may fall: at 128 KiB, 100 publishers to 1,000 subscribers
     * (bench/run's fanout-1000x100, ~100-byte messages) kept some 1,300 messages queued per
     * subscriber, a p99 of 360-420 ms against Redis's 75-130; at 32 KiB it is 77-162 ms, for
     * 10-20% fewer deliveries per second (more waits); at 16 KiB 55-60 ms, for 35% fewer.
     * Measured with bench/ab, see bench/results/issue-13-fanout.md. Those figures counted what
     * the queue held (40 bytes more per message); it counts the bytes waiting since small messages
     * share blocks, and with the reactor's bounded rounds the mark no longer sets the p99 (16 and
     * 24 KiB measured no better).
     */
    static final int MAX_PRESSURE_MARK_BYTES = 32 * 1024;
    /**
     * The shortest wait on which a receiver is judged stuck (see {@link #awaitDrained}). A sender
     * waits for its receivers one after another within one deadline, so the last ones may get
     * what is left of it, microseconds, in which nobody drains: judged on that, a receiver that
     * reads at full speed was marked stuck, no longer waited for, and disconnected as a slow
     * consumer (PublisherBackPressureTest, one run in two of the full suite). 20 ms: well under
     * a sender's longest wait ({@link Pressure#MAX_WAIT_NANOS}, 50 ms), so that the first full
     * wait on a client that does not read judges it, and far more than a client reading at
     * loopback speed needs to take an eighth of the mark (4 KiB at most).
     */
    static final long MIN_VERDICT_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    /**
     * How long a receiver must go on draining too little, wait after wait, before it is judged
     * stuck (see {@link #awaitDrained}). One wait was once enough: a client that stopped reading
     * for a moment (a collection in its JVM, its thread descheduled) was judged on that pause, no
     * longer waited for, and fell further behind under a flood until it was closed as a slow
     * consumer although it read at full speed (PublisherBackPressureTest, once in seven full
     * runs). A client that does not read at all holds its senders back this long, in waits of at
     * most {@link Pressure#MAX_WAIT_NANOS} each, before they stop waiting for it.
     */
    static final long STUCK_AFTER_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
    // The serving thread's batch; count is read by senders under this object's monitor.
    private byte[] batch;
    private int count;
    private ByteBuffer batchView;
    /** What the batch's array is charged to the budget: its size past {@link #INITIAL_BYTES} (serving thread). */
    private int batchCharged;
    /** Set when it kept its senders waiting and hardly drained (see {@link #awaitDrained}). */
    private volatile boolean stuck;
    /** When its present run of waits in which it drained too little began; 0 if it is in none. */
    private volatile long slowSince;

    Output(ConnectionImpl conn) {
        super(conn);
    }

    /** The write deadline: this object itself. */
    Deadline deadline() {
        return this;
    }

    // ---- the serving thread ----

    void write(byte[] b, int off, int len) throws IOException {
        if (len >= DIRECT_WRITE_BYTES && count == 0 && writeDirect(b, off, len)) {
            return;
        }
        while (len > 0) {
            if (batch == null) {
                int size = Math.min(MAX_BATCH_BYTES, Math.max(INITIAL_BYTES, Integer.highestOneBit(len) << 1));
                chargeBatch(size);
                batch = new byte[size];
            }
            if (count + len > batch.length && batch.length < MAX_BATCH_BYTES) {
                int size = Math.min(MAX_BATCH_BYTES, Integer.highestOneBit(count + len) << 1);
                chargeBatch(size);
                batch = Arrays.copyOf(batch, size);
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

    /**
     * The batch's array is about to be {@code size} bytes (0: let go): charged past the first
     * {@link #INITIAL_BYTES}, before it is allocated, as the read buffer is; only a change of size
     * touches the budget, never a write into the batch as it is.
     */
    private void chargeBatch(int size) throws IOException {
        int next = Math.max(0, size - INITIAL_BYTES);
        if (next > batchCharged) {
            conn.chargeGrowth(next - batchCharged);
        } else if (next < batchCharged) {
            conn.charge(next - batchCharged);
        }
        batchCharged = next;
    }

    /** The batch's array leaves the serving thread (written and let go, or handed to the queue): its charge goes. */
    private void batchGone() {
        if (batchCharged > 0) {
            conn.charge(-batchCharged);
            batchCharged = 0;
        }
    }

    /** A large write with nothing before it goes out without a copy; false if it cannot now. */
    private boolean writeDirect(byte[] b, int off, int len) throws IOException {
        if (queued() > 0 || !tryAcquire()) {
            return false;
        }
        try {
            OutputQueue q = queueOrNull();
            if (q != null && !q.isEmpty()) {
                return false;
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
        if (count > 0 || queued() > 0) {
            flush(false);
        }
        if (count == 0 && batch != null && batch.length > KEPT_BATCH_BYTES) {
            batch = null;
            batchView = null;
            batchGone();
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
            target = queue().enqueued();
        }
        payCharges();
        // The drainer that held the flag may have let go between our try and the hand-over,
        // having looked at the queue before our batch was in it: look again, or it is stranded.
        if (tryAcquire()) {
            try {
                drainBlocking(true, target);
            } finally {
                release();
            }
        } else if (waitForAll || queued() > HIGH_WATER_BYTES) {
            awaitWritten(target);
        }
    }

    /** The serving thread drains: its batch straight out when nothing is queued, else the queue in order. */
    private void drainAsOwner() throws IOException {
        int direct = 0;
        long target;
        synchronized (this) {
            OutputQueue q = queueOrNull();
            if (q == null || q.isEmpty()) {
                direct = count;
                count = 0; // messages sent from now on come after this batch
            } else {
                settleBatch();
            }
            target = q == null ? 0 : q.enqueued();
        }
        payCharges();
        if (direct > 0) {
            writeBlocking(batch, 0, direct, batchView(0, direct));
        }
        drainBlocking(true, target);
    }

    /** Hands the batch to the queue (the caller holds this object's monitor); the next write starts a new one. */
    @Override
    void settleBatch() {
        if (count > 0) {
            // The queue accounts for the array from now on, as for any message (see OutputQueue.hold)
            OutputQueue q = queue();
            q.settle(batch, count);
            batch = null;
            batchView = null;
            count = 0;
            // Under the monitor: the batch's own charge is let go with the queue's, once the
            // caller has let go of it (OutputQueue.owed), not here.
            q.owe(-batchCharged);
            batchCharged = 0;
        }
    }

    // ---- any thread ----

    /**
     * Queues a message; false if the connection is closed or was just closed as a slow consumer,
     * or if its output was shut down (then nothing is written and the connection lives on).
     */
    boolean send(byte[] message) {
        if (!conn.isOpen() || outputShut) {
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
        boolean drainable = false;
        synchronized (this) {
            if (outputShut) {
                return false;
            }
            OutputQueue queue = queue();
            // Counted as held (blocks and chunks' overhead included): a flood of tiny messages is no cheaper.
            waiting = queue.held();
            if (waiting + message.length + OutputQueue.CHUNK_OVERHEAD_BYTES <= max) {
                drainable = queue.append(message, count);
                waiting = -1;
            }
        }
        payCharges(); // outside the monitor: see OutputQueue.owed
        if (waiting >= 0) {
            long held = waiting;
            LOG.log(Level.WARNING, () -> conn + ": slow consumer: " + held + " bytes waiting and more arriving, "
                    + "over the limit of " + max + "; closing");
            // At once, whoever's thread this is: a graceful close would wait for the very queue
            // that overflowed, and a sender must never wait.
            conn.abort(CloseReason.SLOW_CONSUMER);
            return false;
        }
        if (!conn.isOpen()) {
            return false; // evicted by the charge for this very message
        }
        if (drainable) {
            drain();
        }
        long behind = queued();
        long mark = pressureMark(max);
        if (behind > mark) {
            if (!stuck) {
                Pressure.behind(this);
            }
        } else if (behind <= mark / 2 && (stuck || slowSince != 0)) {
            stuck = false; // it caught up: its senders wait for it again, and a pause is forgotten
            slowSince = 0;
        }
        return true;
    }

    /**
     * Queued bytes past which a receiver slows its senders down (see {@link Pressure}): a quarter
     * of the slow-consumer cap, and at most {@link #MAX_PRESSURE_MARK_BYTES}, so that with a large
     * cap (Redis's 32 MiB) a publisher is slowed before its receivers are seconds behind.
     */
    static long pressureMark(long maxOutboundBytes) {
        return Math.min(maxOutboundBytes / 4, MAX_PRESSURE_MARK_BYTES);
    }

    /**
     * A sender waits, at most {@code nanos}, until this output has drained to half its pressure
     * mark. A receiver that drained less than an eighth of the mark in every wait of at least
     * {@link #MIN_VERDICT_NANOS}, while its write waited for the socket, for {@link
     * #STUCK_AFTER_NANOS} on end (no wait in which it drained well, and no catching up, in
     * between) is stuck (it does not read, or reads a trickle): its senders stop waiting for it
     * until it catches up, and it fills up to the slow-consumer limit instead of holding every
     * sender back. One that drained little because the
     * server did not get round to writing it (every receiver of a busy fan-out, while the reactor's
     * core is shared with the publishers) is not stuck: its senders wait for it again, which is
     * what gives the server the time to write. Marking those stuck too let a pause of the server
     * turn into queues of seconds that nothing slowed (bench/run fanout-1000x100: 0.6-1.4 million
     * deliveries/s and a p99 of 1-7 s in one run of three, against 3-4 million and 0.1 s). With no
     * write timeout there is no armed write to look at, and a trickle is stuck whatever the reason.
     */
    void awaitDrained(long nanos) throws InterruptedException {
        OutputQueue queue = queueOrNull();
        if (queue == null) {
            return;
        }
        long mark = pressureMark(conn.server.limits().maxOutboundBytes());
        long before = queue.written();
        long start = System.nanoTime();
        queue.awaitBelow(mark / 2, nanos);
        long now = System.nanoTime();
        if (queue.queued() <= mark / 2 || queue.written() - before >= mark / 8) {
            slowSince = 0; // it drains: whatever it did before was a pause
        } else if (now - start >= MIN_VERDICT_NANOS && (isArmed() || conn.server.limits().writeTimeout().isZero())) {
            long since = slowSince;
            if (since == 0) {
                slowSince = start == 0 ? 1 : start;
            } else if (now - since >= STUCK_AFTER_NANOS) {
                stuck = true;
            }
        }
    }

    /** Whether its senders stop waiting for it (see {@link #awaitDrained}). */
    boolean isStuck() {
        return stuck;
    }

    /**
     * Connection.shutdownOutput, before the socket's output is shut: sends are refused from now
     * on, and what was accepted before is written first. A send racing with the shutdown from
     * another thread is either accepted before this (and written) or refused; a write to the shut
     * socket that fails anyway (the handler's own socket shut by other means) drops the queue and
     * refuses from then on without ending the connection: see {@link Drainer#shutUnderUs}.
     */
    void refuseSends() throws IOException {
        synchronized (this) {
            outputShut = true;
        }
        flush();
    }

    /** The batch's array keeps its wrapper: no allocation on the fast path. */
    private ByteBuffer batchView(int off, int len) {
        ByteBuffer v = batchView;
        if (v == null || v.array() != batch) {
            batchView = v = ByteBuffer.wrap(batch);
        }
        v.limit(off + len).position(off);
        return v;
    }

    // ---- life ----

    /** Takes the drainer's flag while the connection goes to wait without a thread; false if busy. */
    boolean holdForParking() {
        // What is still queued then goes to the reactor, which writes it once the connection is
        // registered there (Reactor.takeParks).
        return count == 0 && tryAcquire();
    }

    /** Lets go of the flag taken by {@link #holdForParking}, once the connection waits without a thread. */
    void parked() {
        release();
    }

    /** Drops the batch's array, and an empty queue, before the connection waits without a thread (flag held). */
    void releaseMemory() {
        if (count == 0) {
            batch = null;
            batchView = null;
            batchGone();
            forgetEmptyQueue();
        }
    }

    long queuedBytes() {
        return queued() + count;
    }
}
