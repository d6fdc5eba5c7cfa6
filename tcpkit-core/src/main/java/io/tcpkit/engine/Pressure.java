package io.tcpkit.engine;

import java.util.ArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Back-pressure from receivers to the connections that send to them (a PUBLISH to subscribers, a
 * chat line to a room). A send never blocks: it queues, and if that takes the receiver's queue
 * past its pressure mark ({@link Output#pressureMark}) the receiver is noted against
 * the sending thread. After the request (and before any read), that thread waits for the noted
 * receivers to drain to half the mark, for at most {@link #MAX_WAIT_NANOS} in all (as NATS
 * stalls a fast producer): a receiver that reads at full speed soon catches up and the sender
 * goes on at the pace it sets. One that hardly drains during a wait is marked stuck and not
 * waited for again until it catches up ({@link Output#awaitDrained}): it fills to the
 * slow-consumer limit and is closed, rather than hold its senders back. Because the sender stops
 * reading meanwhile, its own TCP window pushes back on the client that sends.
 *
 * <p>Per thread: only the serving thread of the sending connection notes and waits.
 */
final class Pressure {
    /** The longest a sender waits for its receivers before it reads its next request. */
    static final long MAX_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    /** Receivers noted at most per wait; a sender to many slow ones waits for the first few. */
    private static final int MAX_NOTED = 32;
    private static final ThreadLocal<ArrayList<Output>> BEHIND = new ThreadLocal<>();
    /**
     * Threads with receivers noted and not yet waited for: while it is 0, as it is whenever every
     * receiver keeps up, {@link #await} costs one volatile read and no thread-local look-up (each
     * turn after a wait in the reactor is a new thread, whose first look-up would build its map).
     */
    private static final AtomicInteger PENDING = new AtomicInteger();

    private Pressure() {
    }

    /** A send from this thread took {@code receiver} past its pressure mark. */
    static void behind(Output receiver) {
        if (!Thread.currentThread().isVirtual()) {
            return; // the engine's own threads and a program's platform threads are never held
        }
        ArrayList<Output> noted = BEHIND.get();
        if (noted == null) {
            noted = new ArrayList<>(4);
            BEHIND.set(noted);
        }
        if (noted.isEmpty()) {
            PENDING.incrementAndGet();
        }
        if (noted.size() < MAX_NOTED && !noted.contains(receiver)) {
            noted.add(receiver);
        }
    }

    /** Before the serving thread reads: waits for the receivers its sends left behind. */
    static void await() {
        if (PENDING.get() == 0) {
            return;
        }
        ArrayList<Output> noted = BEHIND.get();
        if (noted == null || noted.isEmpty()) {
            return;
        }
        long deadline = System.nanoTime() + MAX_WAIT_NANOS;
        try {
            for (Output receiver : noted) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                receiver.awaitDrained(left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // a forced shutdown: the read that follows fails
        } finally {
            noted.clear();
            PENDING.decrementAndGet();
        }
    }
}
