package io.tcpkit.engine;

import io.tcpkit.CloseReason;
import io.tcpkit.ConnectionState;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

import static io.tcpkit.ConnectionState.ACTIVE;
import static io.tcpkit.ConnectionState.CLOSED;
import static io.tcpkit.ConnectionState.CLOSING;
import static io.tcpkit.ConnectionState.IDLE;
import static io.tcpkit.ConnectionState.NEW;
import static io.tcpkit.ConnectionState.WAITING;

/**
 * Where a connection is in its life ({@link ConnectionState}), why it ended, and which thread
 * serves it: the part of {@link ConnectionImpl} that every other part coordinates through.
 *
 * <p>The state changes only by the transitions {@link #allowed} lists, each made by the one party
 * that may make it: the acceptor (NEW, then IDLE for a connection that waits for its first request
 * without a thread), the serving thread (NEW to ACTIVE, ACTIVE and WAITING, ACTIVE to IDLE, on to
 * CLOSING and CLOSED), the {@link Reactor} (IDLE to ACTIVE when the client speaks) and, for a
 * connection with no thread, whoever closes it (IDLE to CLOSING). The last two race, and a
 * compare-and-set decides. The first reason recorded is the reason the connection closed.
 */
abstract class Lifecycle {
    private static final ConnectionState[] STATES = ConnectionState.values();
    private static final VarHandle STATE;
    private static final VarHandle REASON;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            STATE = lookup.findVarHandle(Lifecycle.class, "state", int.class);
            REASON = lookup.findVarHandle(Lifecycle.class, "reason", CloseReason.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @SuppressWarnings("unused") // through STATE
    private volatile int state;
    @SuppressWarnings("unused") // through REASON
    private volatile CloseReason reason;
    /** The thread serving the connection now; null while it waits without one. */
    private volatile Thread owner;

    /** Whether the lifecycle allows going from {@code from} to {@code to}. */
    static boolean allowed(ConnectionState from, ConnectionState to) {
        return switch (from) {
            case NEW -> to == ACTIVE || to == IDLE || to == CLOSING;
            case ACTIVE -> to == WAITING || to == IDLE || to == CLOSING;
            case WAITING -> to == ACTIVE || to == CLOSING;
            case IDLE -> to == ACTIVE || to == CLOSING;
            case CLOSING -> to == CLOSED;
            case CLOSED -> false;
        };
    }

    final ConnectionState state() {
        return STATES[state];
    }

    /** Moves from {@code from} to {@code to} if the connection is in {@code from}; false if not. */
    final boolean transition(ConnectionState from, ConnectionState to) {
        assert allowed(from, to) : from + " -> " + to;
        return STATE.compareAndSet(this, from.ordinal(), to.ordinal());
    }

    /** The serving thread's own moves between ACTIVE and WAITING; they fail only once closing began. */
    final void markWaiting(boolean waiting) {
        transition(waiting ? ACTIVE : WAITING, waiting ? WAITING : ACTIVE);
    }

    /** Moves on to CLOSING from wherever the connection is; false if it was closing already. */
    final boolean toClosing() {
        while (true) {
            ConnectionState s = state();
            if (s == CLOSING || s == CLOSED) {
                return false;
            }
            if (transition(s, CLOSING)) {
                return true;
            }
        }
    }

    /** Moves on to CLOSED, once: true for the caller that did it. */
    final boolean toClosed() {
        toClosing();
        return transition(CLOSING, CLOSED);
    }

    /** Records a reason if none was recorded yet; true if this one was recorded. */
    final boolean recordReason(CloseReason why) {
        return REASON.compareAndSet(this, null, why);
    }

    final CloseReason closeReason() {
        return reason;
    }

    /** Binds the thread that serves the connection from now on (null: none). */
    final void owner(Thread thread) {
        this.owner = thread;
    }

    final boolean isOwner() {
        return Thread.currentThread() == owner;
    }

    /** Interrupts the serving thread, for a handler blocked on something other than its socket. */
    final void interruptOwner() {
        Thread t = owner;
        if (t != null) {
            t.interrupt();
        }
    }
}
