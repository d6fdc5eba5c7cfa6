package io.tcpkit.server.command;

import java.util.concurrent.TimeUnit;

/**
 * INFO's instantaneous_ops_per_sec without a timer: the rate between the two latest samples,
 * taken when INFO asks and at least {@link #MIN_INTERVAL_NANOS} apart (an exporter scraping
 * every 15 s sees the rate over its last 15 s; the first INFO, the rate since the start).
 * Redis samples every 100 ms instead; a timer per service is not worth it for a figure read so
 * seldom.
 */
final class OpsRate {
    static final long MIN_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private long lastNanos;
    private long lastCount;
    private long rate;

    OpsRate(long startNanos) {
        this.lastNanos = startNanos;
    }

    /** The rate given the count of commands now; called by INFO on any connection's thread. */
    synchronized long perSecond(long count, long nowNanos) {
        long elapsed = nowNanos - lastNanos;
        if (elapsed >= MIN_INTERVAL_NANOS) {
            rate = (long) ((count - lastCount) * 1e9 / elapsed);
            lastNanos = nowNanos;
            lastCount = count;
        }
        return rate;
    }
}
