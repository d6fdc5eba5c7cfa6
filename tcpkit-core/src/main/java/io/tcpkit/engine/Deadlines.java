package io.tcpkit.engine;

import io.tcpkit.CloseReason;
import io.tcpkit.ConnectionState;

import java.lang.System.Logger.Level;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

/**
 * The one deadline service of a listener: every {@link #periodNanos sweep period} it expires the
 * {@link Deadline}s of the listener's connections that have passed (a TLS handshake, a PROXY
 * header, the idle time between requests, the rest of a frame, a blocked write, the linger after
 * a close) and wakes their waiters. It runs on the {@link Reactor}'s thread, between selects.
 *
 * <p>Precision and cost: a deadline fires up to one period late (a quarter of the shortest
 * timeout in force, between 10 ms and 1 s: a 30 s read timeout fires within 30.5 s). A sweep reads
 * two volatile fields per connection: 10,000 connections take well under a millisecond, a few
 * times a second. Arming and disarming a deadline is two volatile writes, where a timed read would
 * arm and cancel a timer in the virtual-thread scheduler on every read. Time comes from the
 * server's clock, which a test may replace, and {@link #sweep} may be called directly with any
 * time: tests of timeouts need no sleeps.
 */
final class Deadlines {
    private static final System.Logger LOG = System.getLogger(Deadlines.class.getName());
    static final long MIN_PERIOD_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    static final long MAX_PERIOD_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final EngineServer server;
    private final long periodNanos;
    private long nextSweep;

    Deadlines(EngineServer server) {
        this.server = server;
        this.periodNanos = periodNanos(server.spec());
        this.nextSweep = server.clock() + periodNanos;
    }

    /**
     * A quarter of the shortest deadline the listener may have to enforce, within 10 ms and 1 s.
     * The linger after a close is always among them.
     */
    static long periodNanos(Engine.Spec spec) {
        LongStream.Builder timeouts = LongStream.builder()
                .add(spec.limits().idleTimeout().toNanos())
                .add(spec.limits().readTimeout().toNanos())
                .add(spec.limits().writeTimeout().toNanos())
                .add(Input.LINGER_NANOS);
        if (spec.tls() != null) {
            timeouts.add(spec.tls().config().handshakeTimeout().toNanos());
        }
        if (spec.proxyProtocol() != null) {
            timeouts.add(spec.proxyProtocol().timeout().toNanos());
        }
        long shortest = timeouts.build().filter(t -> t > 0).min().orElse(MAX_PERIOD_NANOS * 4);
        return Math.clamp(shortest / 4, MIN_PERIOD_NANOS, MAX_PERIOD_NANOS);
    }

    long periodNanos() {
        return periodNanos;
    }

    /** How long until the next sweep is due; 0 or less when it is due now. */
    long untilNextSweep(long now) {
        return nextSweep - now;
    }

    /** Sweeps if a period has passed since the last sweep. Reactor thread. */
    void sweepIfDue(long now) {
        if (now - nextSweep >= 0) {
            sweep(now);
            nextSweep = now + periodNanos;
        }
    }

    /** Expires the deadlines that passed by {@code now} and wakes their waiters. */
    void sweep(long now) {
        for (ConnectionImpl conn : server.registry().all()) {
            try {
                Deadline read = conn.in().deadline();
                if (read.expire(now)) {
                    if (conn.state() == ConnectionState.IDLE) {
                        conn.close(read.expired()); // no thread waits: the close ends it
                    } else {
                        conn.in().wakeExpired(read.expired());
                    }
                }
                if (conn.out().deadline().expire(now)) {
                    LOG.log(Level.DEBUG, () -> conn + ": write blocked for over "
                            + server.limits().writeTimeout().toMillis() + " ms, closing");
                    conn.abort(CloseReason.WRITE_TIMEOUT);
                    conn.closeChannel(); // also when closing began already: a graceful close stuck flushing
                }
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, conn + ": sweeping failed", e);
            }
        }
    }
}
