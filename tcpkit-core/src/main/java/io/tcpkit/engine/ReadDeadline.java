package io.tcpkit.engine;

import io.tcpkit.CloseReason;

/**
 * The deadline of the read a connection is blocked in, for the sweeper to enforce: reads block
 * untimed, because a timed read arms and cancels a scheduler timer every time, which doubled the
 * CPU cost of a small request. The owner arms it before a read and disarms it after; the sweeper
 * {@link #expire expires} it once it has passed, and the owner then reports {@link #expired()}.
 * {@link FrameDeadline} says when a frame's time is up; this holds the read to it.
 */
final class ReadDeadline {
    /** When the current read times out (System.nanoTime(), never 0), or 0 for none. */
    private volatile long deadlineNanos;
    /** What the current deadline means: the idle timeout or the read timeout. */
    private volatile CloseReason reason;
    /** Set once a deadline has passed; the connection is closing with this reason. */
    private volatile CloseReason expired;

    /** Before a blocking read: it may last {@code timeoutNanos} (0: for ever). Owner only. */
    void arm(CloseReason reason, long timeoutNanos) {
        this.reason = reason;
        this.deadlineNanos = timeoutNanos == 0 ? 0 : (System.nanoTime() + timeoutNanos) | 1;
    }

    /** After the read. Owner only. */
    void disarm() {
        deadlineNanos = 0;
    }

    /**
     * Called by the sweeper: true, once, when the armed deadline has passed; the caller then
     * wakes the reader. A read that began meanwhile is left alone, so the reason reported is
     * always that of the read whose deadline passed.
     */
    boolean expire(long now) {
        long deadline = deadlineNanos;
        if (deadline == 0 || now - deadline < 0 || expired != null) {
            return false;
        }
        CloseReason r = reason;
        if (deadlineNanos != deadline) {
            return false;
        }
        expired = r;
        return true;
    }

    /** The timeout that passed, or null. */
    CloseReason expired() {
        return expired;
    }
}
