package io.tcpkit.engine;

import io.tcpkit.CloseReason;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Closes connections whose writes have been blocked longer than the write timeout. Java's
 * blocking socket writes have no timeout of their own, so a peer that stops reading would
 * otherwise hold its handler forever. Runs on one named platform thread per listener, waking a
 * few times per write timeout (between 100 ms and 1 s).
 */
final class Sweeper {
    private static final System.Logger LOG = System.getLogger(Sweeper.class.getName());

    private final EngineServer server;
    private final long writeTimeoutNanos;
    private ScheduledExecutorService executor;

    Sweeper(EngineServer server) {
        this.server = server;
        this.writeTimeoutNanos = server.limits().writeTimeout().toNanos();
    }

    void start() {
        if (writeTimeoutNanos == 0) {
            return;
        }
        String name = "tcpkit-sweeper-" + server.service() + "-" + server.port();
        executor = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon().name(name).unstarted(r));
        long period = Math.clamp(writeTimeoutNanos / 4, Duration.ofMillis(100).toNanos(), Duration.ofSeconds(1).toNanos());
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
            if (conn.writeBlockedNanos(now) > writeTimeoutNanos) {
                LOG.log(Level.DEBUG, () -> conn + ": write blocked for over "
                        + server.limits().writeTimeout().toMillis() + " ms, closing");
                conn.close(CloseReason.WRITE_TIMEOUT);
            }
        }
    }
}
