package io.tcpkit.engine;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;

/**
 * Logs a recurring event at most once per interval, counting what it held back, so that a flood
 * (accept errors, rejected connections) cannot flood the log too. Thread-safe.
 */
final class LogThrottle {
    private final long intervalNanos;
    private final AtomicLong nextNanos = new AtomicLong(Long.MIN_VALUE);
    private final AtomicLong suppressed = new AtomicLong();

    LogThrottle(long intervalMillis) {
        this.intervalNanos = intervalMillis * 1_000_000;
    }

    /** Logs {@code message.apply(suppressedSinceLastLog)} if the interval has passed. */
    void log(Logger logger, Level level, LongFunction<String> message) {
        long now = System.nanoTime();
        long next = nextNanos.get();
        if ((next == Long.MIN_VALUE || now - next >= 0) && nextNanos.compareAndSet(next, now + intervalNanos)) {
            long held = suppressed.getAndSet(0);
            logger.log(level, () -> message.apply(held));
        } else {
            suppressed.incrementAndGet();
        }
    }
}
