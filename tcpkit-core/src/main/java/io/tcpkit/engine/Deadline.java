package io.tcpkit.engine;

import io.tcpkit.CloseReason;

/**
 * One deadline a connection can be held to: the read it waits in (its TLS handshake, its PROXY
 * header, the idle time between requests, the rest of a frame, the linger after close) or the
 * write it is blocked in. The connection's thread arms it before it blocks and disarms it after;
 * the {@link Reactor}'s sweep {@link #expire expires} it once it has passed and wakes the thread,
 * which then reports {@link #expired()}.
 *
 * <p>Why a sweep and not a timed read: a timed park arms and cancels a timer in the virtual-thread
 * scheduler on every read, which doubled the CPU cost of a small request. Arming this costs two
 * volatile writes. The price is precision: a deadline fires up to one sweep period late (see
 * {@link Deadlines}). Times are those of the server's clock (System.nanoTime() unless a test
 * supplies another), so tests of the logic need no sleeps.
 *
 * <p>{@link Input} and {@link Output} are their connection's read and write deadlines (they extend
 * this class rather than hold one): one object fewer each per connection, whose memory while
 * idle is a goal of the engine.
 */
class Deadline {
    /** When the armed wait times out (never 0), or 0 when disarmed. */
    private volatile long atNanos;
    /** What the armed deadline means, reported when it passes. */
    private volatile CloseReason reason;
    /** Set once a deadline has passed; the connection is closing with this reason. */
    @SuppressWarnings("unused") // through EXPIRED
    private volatile CloseReason expired;
    private static final java.lang.invoke.VarHandle EXPIRED;

    static {
        try {
            EXPIRED = java.lang.invoke.MethodHandles.lookup().findVarHandle(Deadline.class, "expired", CloseReason.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Before a blocking wait of at most {@code timeoutNanos} (0: no limit). Owner only. */
    void arm(long now, long timeoutNanos, CloseReason why) {
        this.reason = why;
        this.atNanos = timeoutNanos <= 0 ? 0 : (now + timeoutNanos) | 1;
    }

    /** Arms for an absolute time (System.nanoTime() scale, never 0 after the |1). */
    void armAt(long atNanos, CloseReason why) {
        this.reason = why;
        this.atNanos = atNanos | 1;
    }

    /** After the wait. Owner only. */
    void disarm() {
        atNanos = 0;
    }

    boolean isArmed() {
        return atNanos != 0;
    }

    /**
     * Called by the sweep: true, once, when the armed deadline has passed; the caller then wakes
     * the waiter. A wait armed again meanwhile is left alone, so the reason reported is always the
     * one of the wait whose deadline passed.
     */
    boolean expire(long now) {
        long at = atNanos;
        if (at == 0 || now - at < 0 || expired != null) {
            return false;
        }
        CloseReason why = reason;
        if (atNanos != at) {
            return false;
        }
        return EXPIRED.compareAndSet(this, null, why); // once, whoever sweeps (a test may too)
    }

    /** The deadline that passed, or null. */
    CloseReason expired() {
        return expired;
    }

    /** The reason of the wait armed now (for the sweep to choose how to wake it). */
    CloseReason reason() {
        return reason;
    }
}
