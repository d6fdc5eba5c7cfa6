package io.tcpkit.engine;

import io.tcpkit.CloseReason;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Enforces the timeouts of blocked I/O. Java's blocking socket writes have no timeout of their
 * own, so a peer that stops reading would otherwise hold its handler forever: a write blocked
 * longer than the write timeout closes the connection. Reads block untimed too (see
 * {@link ReadDeadline} for why), and the sweeper ends those past their idle or read deadline. Runs on one named
 * platform thread per listener, waking a few times per shortest timeout (between 10 ms and 1 s):
 * a timeout fires up to a quarter of itself late.
 */
final class Sweeper {
    private static final System.Logger LOG = System.getLogger(Sweeper.class.getName());

    private final EngineServer server;
    private final long writeTimeoutNanos;
    /** The shortest timeout, or 0 when there is none to enforce. */
    private final long shortestNanos;
    private ScheduledExecutorService executor;

    Sweeper(EngineServer server) {
        this.server = server;
        this.writeTimeoutNanos = server.limits().writeTimeout().toNanos();
        this.shortestNanos = java.util.stream.LongStream.of(writeTimeoutNanos,
                        server.limits().idleTimeout().toNanos(), server.limits().readTimeout().toNanos())
                .filter(t -> t > 0).min().orElse(0);
    }

    void start() {
        if (shortestNanos == 0) {
            return;
        }
        String name = "tcpkit-sweeper-" + server.service() + "-" + server.port();
        executor = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon().name(name).unstarted(r));
        long period = Math.clamp(shortestNanos / 4, Duration.ofMillis(10).toNanos(), Duration.ofSeconds(1).toNanos());
        executor.scheduleWithFixedDelay(this::sweep, period, period, TimeUnit.NANOSECONDS);
    }

    void stop() {
        if (executor != null) {
            executor.shutdownNow();
        }
    }

    private void sweep() {
        long now = System.nanoTime();
        for (ConnectionImpl conn : server.registry().all()) {
            try {
                conn.checkReadDeadline(now);
                if (writeTimeoutNanos > 0 && conn.writeBlockedNanos(now) > writeTimeoutNanos) {
                    LOG.log(Level.DEBUG, () -> conn + ": write blocked for over "
                            + server.limits().writeTimeout().toMillis() + " ms, closing");
                    conn.close(CloseReason.WRITE_TIMEOUT);
                }
            } catch (RuntimeException e) {
                // One connection's failure must not stop the sweeps: a failed scheduled task never runs again.
                LOG.log(Level.WARNING, conn + ": sweeping failed", e);
            }
        }
    }
}
