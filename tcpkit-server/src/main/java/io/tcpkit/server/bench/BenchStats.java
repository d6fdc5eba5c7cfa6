package io.tcpkit.server.bench;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the connections measure, shared by all of them: replies, bytes, errors, and a latency
 * histogram (nanoseconds, 3 significant digits). Recording is lock-free; before the measured
 * window opens (warm-up) nothing is recorded.
 */
final class BenchStats {
    /** The longest latency recorded; longer ones count as this. */
    static final long MAX_LATENCY_NANOS = TimeUnit.MINUTES.toNanos(1);
    private final Recorder latency = new Recorder(MAX_LATENCY_NANOS, 3);
    private final LongAdder replies = new LongAdder();
    private final LongAdder bytes = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private final Histogram total = new Histogram(MAX_LATENCY_NANOS, 3);
    /** Latencies that threads recorded in histograms of their own and handed over (see {@link #latencies}). */
    private final Histogram handedOver = new Histogram(MAX_LATENCY_NANOS, 3);
    private volatile boolean measuring;
    private volatile String firstError;
    /** PUBLISHes answered, per publisher (pub/sub runs; see {@link #publishers}). */
    private AtomicLongArray published = new AtomicLongArray(0);

    /** A pub/sub run with {@code n} publishers, each counted apart: how evenly they are served. */
    void publishers(int n) {
        published = new AtomicLongArray(n);
    }

    void startMeasuring() {
        latency.reset();
        synchronized (this) {
            handedOver.reset();
        }
        replies.reset();
        bytes.reset();
        for (int i = 0; i < published.length(); i++) {
            published.set(i, 0);
        }
        measuring = true;
    }

    void stopMeasuring() {
        measuring = false;
    }

    /** Whether the measured window is open: only then is anything recorded. */
    boolean measuring() {
        return measuring;
    }

    /** A latency as histograms record it: at most {@link #MAX_LATENCY_NANOS}, never negative. */
    static long recordable(long latencyNanos) {
        return Math.min(Math.max(0, latencyNanos), MAX_LATENCY_NANOS);
    }

    /** A histogram for one thread's own latencies (see {@link #latencies}). */
    static Histogram ownHistogram() {
        return new Histogram(MAX_LATENCY_NANOS, 3);
    }

    /**
     * Adds the latencies a thread recorded in a histogram of its own ({@link #ownHistogram}, only
     * while {@link #measuring}), and empties it. The shared recorder takes an atomic update per
     * value, which the subscriber loop, recording every delivery (millions a second), cannot
     * afford on the generator's one core: at fan-out rates that update and its bookkeeping were
     * a tenth of the generator's CPU.
     */
    synchronized void latencies(Histogram own) {
        if (own.getTotalCount() > 0) {
            handedOver.add(own);
            own.reset();
        }
    }

    void reply(long latencyNanos, int replyBytes) {
        latency(latencyNanos);
        replies(1, replyBytes);
    }

    /**
     * A batch of {@code count} replies of {@code replyBytes} each, whose latencies were recorded
     * one by one with {@link #latency(long)}: the counters are shared by every thread, and a
     * subscriber that reads a hundred frames at once updates them once.
     */
    void replies(int count, int replyBytes) {
        if (measuring && count > 0) {
            replies.add(count);
            bytes.add((long) count * replyBytes);
        }
    }

    /** One reply's latency, counted with {@link #replies}. */
    void latency(long latencyNanos) {
        if (measuring) {
            latency.recordValue(recordable(latencyNanos));
        }
    }

    /** Publisher {@code index} had a PUBLISH answered. */
    void published(int index) {
        if (measuring) {
            published.incrementAndGet(index);
        }
    }

    /** PUBLISHes answered in the measured window, per publisher, fewest first; empty outside pub/sub. */
    long[] publishedSorted() {
        long[] counts = new long[published.length()];
        for (int i = 0; i < counts.length; i++) {
            counts[i] = published.get(i);
        }
        Arrays.sort(counts);
        return counts;
    }

    void error(String what) {
        errors.increment();
        if (firstError == null) {
            firstError = what;
        }
    }

    /** The latencies recorded since the last call, also added to the total. */
    synchronized Histogram interval() {
        Histogram h = latency.getIntervalHistogram();
        h.add(handedOver);
        handedOver.reset();
        total.add(h);
        return h;
    }

    synchronized Histogram total() {
        interval();
        return total.copy();
    }

    long replies() {
        return replies.sum();
    }

    long bytes() {
        return bytes.sum();
    }

    long errors() {
        return errors.sum();
    }

    String firstError() {
        return firstError;
    }
}
