package io.tcpkit.server.cli;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * SIGINT and SIGTERM as a latch: the first asks for a graceful shutdown, so that the program can
 * drain its connections and exit 0 (a JVM shutdown hook would exit 130 or 143); a second one,
 * from an impatient operator, ends the process at once.
 */
final class ShutdownSignal {
    private static final Logger LOG = LoggerFactory.getLogger(ShutdownSignal.class);

    private final CountDownLatch requested = new CountDownLatch(1);
    private final AtomicInteger received = new AtomicInteger();

    /** Installs the INT and TERM handlers, and HUP to run {@code onHangup} (reloads, which log what they did). */
    static ShutdownSignal install(Runnable onHangup) {
        ShutdownSignal signal = new ShutdownSignal();
        for (String name : new String[] {"INT", "TERM"}) {
            Signal.handle(new Signal(name), s -> signal.onSignal("SIG" + s.getName()));
        }
        Signal.handle(new Signal("HUP"), s -> onHangup.run());
        return signal;
    }

    private void onSignal(String name) {
        if (received.incrementAndGet() == 1) {
            LOG.info("{} received: shutting down (send it again to exit at once)", name);
            requested.countDown();
        } else {
            LOG.warn("{} received again: exiting now", name);
            Runtime.getRuntime().halt(130);
        }
    }

    void await() throws InterruptedException {
        requested.await();
    }
}
