package io.tcpkit.engine;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Whether the connection threads that the engine's platform threads start (the acceptor's new
 * connections, the reactor's resumed ones) wait too long to run: the sign that busy connections
 * are starving the others, on which a busy connection gives its thread back ({@link Turns}).
 *
 * <p>Why they can starve: the JDK's virtual-thread scheduler is a ForkJoinPool whose carrier
 * runs the tasks in its own queue until that is empty before it looks at the shared one. A
 * thread woken by a virtual thread (a busy connection's read, completed by the JDK's poller,
 * itself a virtual thread that yields between polls in JDK 25's default mode on Linux) goes to
 * the carrier's own queue; a thread started by a platform thread goes to the shared queue, behind
 * all of that. Under a fan-out on one core (bench/run's fanout-1000x100) 20 publishers that
 * kept their threads published some 1,800 times each while the 80 that waited in the reactor
 * between requests published 118 times, with round trips of 0.1-0.5 s: a p99 from publish to
 * delivery of 290 ms against Redis's 60, where every client is read in turn.
 *
 * <p>The remedy is that turn: while a thread started here has waited more than
 * {@link #STARVED_NANOS} to run, a busy connection waits for its next request in the reactor
 * too, and everyone's next turn goes through the same queue, first come, first served. A load
 * of busy connections alone (echo, pipelined PINGs) starts no threads and keeps its fast path.
 */
final class Starts {
    /**
     * A started thread that has not run after this long is starved. Well above the time a
     * carrier takes to go round its own queue when nothing starves (some microseconds per busy
     * connection), well below the quiet time after which a connection counts as idle.
     */
    static final long STARVED_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
    /** Threads started by the engine's platform threads that have not begun to run. */
    private static final AtomicInteger PENDING = new AtomicInteger();
    /** When the oldest of them was started, as near as is known (see {@link #running}). */
    private static volatile long oldestSince;

    private Starts() {
    }

    /** A platform thread of the engine is about to start a connection's thread; the time it does. */
    static long starting() {
        long now = System.nanoTime();
        if (PENDING.getAndIncrement() == 0) {
            oldestSince = now;
        }
        return now;
    }

    /** The thread started at {@code startedAt} runs (or could not be started). */
    static void running(long startedAt) {
        if (PENDING.decrementAndGet() > 0) {
            // The shared queue is first in, first out: the next one waits since this one's start
            // or later. Taking its start for theirs errs towards calling a wait starved, by the
            // gap between two starts, which is short when it matters (many starts).
            oldestSince = startedAt;
        }
    }

    /** Whether a thread started here has waited more than {@link #STARVED_NANOS} and still not run. */
    static boolean starving() {
        return PENDING.get() > 0 && System.nanoTime() - oldestSince > STARVED_NANOS;
    }
}
