package io.tcpkit.engine;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The connection threads that the engine's platform threads start (the acceptor's new
 * connections, the reactor's resumed ones) and have not yet run, and how busy connections let
 * them go first ({@link #giveWay}).
 *
 * <p>Why they can starve: the JDK's virtual-thread scheduler is a ForkJoinPool whose carrier
 * runs the tasks in its own queue until that is empty before it looks at the shared one. A
 * thread woken by a virtual thread (a busy connection's read, completed by the JDK's poller,
 * itself a virtual thread that yields between polls in JDK 25's default mode on Linux) goes to
 * the carrier's own queue; a thread started by any thread, a virtual one included
 * ({@code VirtualThread.start} submits externally), goes to the shared queue, behind all of that.
 * Under a fan-out on one core (bench/run's fanout-1000x100) 20 publishers that kept their threads
 * published some 1,800 times each while the 80 that waited in the reactor between requests
 * published 118 times, with round trips of 0.1-0.5 s: a p99 from publish to delivery of 290 ms
 * against Redis's 60, where every client is read in turn.
 *
 * <p>The remedy: while a thread started here waits to run, a busy connection parks for a
 * nanosecond before its next read. A timed park comes back through the scheduler's timer, which
 * submits to the shared queue: the busy connection lines up behind the threads waiting there,
 * and once the carrier's own queue has run out they run, first come, first served. It keeps its
 * thread and its fast path. A load of busy connections alone (echo, pipelined PINGs) starts no
 * threads and never parks so; a start on a quiet carrier runs at once.
 *
 * <p>An earlier remedy had a busy connection give its thread back instead, so that its next
 * request went through the reactor and the shared queue too: fair, but a round of the carrier's
 * queue with a thousand busy connections is itself more than the 5 ms wait it allowed, so under
 * bench/run's 1,000 connections echo every request went through the reactor, at a thread start
 * and two selector registrations each (bench/ab: 17.7-21.3 us of CPU per echo against 13.7-18.2
 * now, Netty's 9.5-13.3 in the same rounds; bench/results/issue-12-gap.md).
 */
final class Starts {
    /** Threads started by the engine's platform threads that have not begun to run. */
    private static final AtomicInteger PENDING = new AtomicInteger();

    private Starts() {
    }

    /** A platform thread of the engine is about to start a connection's thread. */
    static void starting() {
        PENDING.incrementAndGet();
    }

    /** A thread it started runs (or could not be started). */
    static void running() {
        PENDING.decrementAndGet();
    }

    /**
     * Called by a busy connection before it reads: while threads started here wait to run, parks
     * for a nanosecond, to line up behind them. At once, not only after they have waited some
     * time: with a millisecond's grace, bench/ab's 1,000 connections echo cost 18 us of CPU per
     * echo against 12.6-15.3 (the carrier's own queue grows meanwhile, and so does the wait).
     */
    static void giveWay() {
        if (PENDING.get() > 0) {
            LockSupport.parkNanos(1);
        }
    }
}
