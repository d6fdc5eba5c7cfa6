package io.tcpkit.engine;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The connection threads that the engine's platform threads start (the acceptor's new
 * connections, the reactor's resumed ones) and have not yet run, and how busy connections let
 * them go first ({@link #giveWay}).
 *
 * <p>Why they can starve: the JDK's virtual-thread scheduler is a ForkJoinPool whose carrier
 * runs the tasks in its own queue until that is empty before it looks at the shared ones, and
 * then keeps taking from the shared queue it found for as long as that one is not empty. A
 * thread woken by a virtual thread (a busy connection's read, completed by the JDK's poller,
 * itself a virtual thread in JDK 25's default mode on Linux) goes to the carrier's own queue; a
 * thread started by a platform thread goes to that thread's shared queue, behind all of that.
 * Under a fan-out on one core (bench/run's fanout-1000x100) 20 publishers that kept their threads
 * published some 1,800 times each while the 80 that waited in the reactor between requests
 * published 118 times, with round trips of 0.1-0.5 s: a p99 from publish to delivery of 290 ms
 * against Redis's 60, where every client is read in turn.
 *
 * <p>The remedy: while threads started here wait to run, a busy connection about to read waits
 * (an untimed park) until as many started threads have run as had been started when it began to
 * wait, and the last of those wakes it. Busy connections stop one by one, the carrier's own queue
 * runs empty, the carrier finds the waiting starts in their shared queue, and each start that
 * runs wakes the busy connections that waited for it, into the carrier's own queue. They keep
 * their threads and their fast path. A load of busy connections alone (echo, pipelined PINGs)
 * starts no threads and never waits so; a start on a quiet carrier runs at once.
 *
 * <p>What was here before: a busy connection parked for a nanosecond instead, to come back
 * through the scheduler's timer, whose tasks go to a shared queue too. That served the fan-out,
 * but with a thousand busy connections the timer's shared queue itself never ran empty, so the
 * carrier kept to it and never looked at the starts' queue: under bench's 1,000 connections echo
 * 56 to 314 started threads waited for the whole 30 s run (a request answered after 12.7 s), and
 * every busy read went through the timer meanwhile. Before that, a busy connection gave its
 * thread back, so that its next request went through the reactor and the shared queue too: fair,
 * but then every request of the 1,000 connections paid a thread start and two selector
 * registrations (bench/results/issue-12-gap.md).
 */
final class Starts {
    /**
     * Threads started by the engine's platform threads, and how many of them have begun to run:
     * for the whole process, as the scheduler's carriers are (two servers in one JVM share them).
     */
    private static final AtomicLong STARTED = new AtomicLong();
    private static final AtomicLong RAN = new AtomicLong();
    /** Busy connections waiting for the starts ahead of them, about in the order they came. */
    private static final ConcurrentLinkedQueue<Waiter> WAITERS = new ConcurrentLinkedQueue<>();

    private Starts() {
    }

    /** A platform thread of the engine is about to start a connection's thread. */
    static void starting() {
        STARTED.incrementAndGet();
    }

    /** A thread it started runs (or could not be started): wakes the busy connections that waited for it. */
    static void running() {
        long ran = RAN.incrementAndGet();
        Waiter w;
        // Tickets are taken about in queue order; one a little out of order waits for a later start.
        while ((w = WAITERS.peek()) != null && w.ticket <= ran) {
            if (WAITERS.remove(w) && w.compareAndSet(false, true)) { // else it left on its own
                LockSupport.unpark(w.thread);
            }
        }
    }

    /** Whether threads started here wait to run. */
    private static boolean pending() {
        return RAN.get() < STARTED.get();
    }

    /**
     * Called by a busy connection before it reads: while threads started here wait to run, waits
     * until those started so far have run. An interrupt (a forced close) ends the wait; the read
     * after it sees the interrupt.
     */
    static void giveWay() {
        if (pending()) {
            awaitStarts(); // apart, so that what runs on every read stays small
        }
    }

    private static void awaitStarts() {
        Waiter w = new Waiter(Thread.currentThread(), STARTED.get());
        WAITERS.add(w);
        while (RAN.get() < w.ticket && !w.get() && !Thread.currentThread().isInterrupted()) {
            LockSupport.park(Starts.class);
        }
        if (w.compareAndSet(false, true)) {
            WAITERS.remove(w); // it leaves on its own (the starts ran, or an interrupt): no one will wake it
        }
        // Else a start claimed it, and its unpark may still come: a later park then returns once
        // too early, which every park allows for (the JDK's reads and ours wait in a loop).
    }

    /** A busy connection's wait; claimed (true) by whoever ends it: a start that wakes it, or itself. */
    private static final class Waiter extends AtomicBoolean {
        final Thread thread;
        final long ticket;

        Waiter(Thread thread, long ticket) {
            this.thread = thread;
            this.ticket = ticket;
        }
    }
}
