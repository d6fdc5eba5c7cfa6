package io.tcpkit.server.bench;

import java.io.IOException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * Drives many {@link LoadChannel}s from one Selector on one platform thread, as redis-benchmark's
 * ae loop does: no thread per connection, no hand-offs between threads, so that a reply costs the
 * generator little more than its read, its check and the write of the next request. It also keeps
 * the open-loop schedule: its connections' requests fall due in turn, staggered evenly over an
 * interval. It runs until every connection has finished, or gives up on the rest {@code drain}
 * after the stop time.
 */
final class EventLoop implements Runnable {
    private static final long MILLI = TimeUnit.MILLISECONDS.toNanos(1);
    /**
     * In the last millisecond before a request is due (Selector timeouts are whole milliseconds)
     * the loop naps this long at a time, and polls the sockets between naps: a request goes out,
     * and a reply is read, at most a nap (plus the kernel's timer slack, about 50 us) late,
     * without spinning a core.
     */
    private static final long NAP = TimeUnit.MICROSECONDS.toNanos(20);

    private final LoadChannel[] channels;
    /** The open-loop connections, in the order their requests fall due. */
    private final OpenLoopChannel[] schedule;
    private final BenchStats stats;
    private final long stopNanos;
    private final Duration drain;
    private final Consumer<SelectionKey> ready = this::ready;
    private int active;

    EventLoop(List<? extends LoadChannel> channels, BenchStats stats, long stopNanos, Duration drain) {
        this.channels = channels.toArray(LoadChannel[]::new);
        this.schedule = channels.stream().filter(OpenLoopChannel.class::isInstance)
                .map(OpenLoopChannel.class::cast).toArray(OpenLoopChannel[]::new);
        this.stats = stats;
        this.stopNanos = stopNanos;
        this.drain = drain;
    }

    @Override
    public void run() {
        try (Selector selector = Selector.open()) {
            for (LoadChannel c : channels) {
                c.register(this, selector);
            }
            active = channels.length;
            long now = System.nanoTime();
            for (int i = 0; i < channels.length; i++) {
                channels[i].start(now, (double) i / channels.length);
            }
            loop(selector);
        } catch (IOException e) {
            stats.error(e.toString());
        }
    }

    /** A connection is done with: one fewer to wait for. */
    void finished() {
        active--;
    }

    private void loop(Selector selector) throws IOException {
        long giveUp = stopNanos + drain.toNanos();
        int next = 0;
        boolean scheduling = schedule.length > 0;
        while (active > 0) {
            long now = System.nanoTime();
            long wake = giveUp;
            while (scheduling) {
                long due = schedule[next].nextDue();
                if (due - stopNanos >= 0) {
                    scheduling = false;
                    for (OpenLoopChannel c : schedule) {
                        c.endSchedule();
                    }
                } else if (due - now > 0) {
                    wake = due;
                    break;
                } else {
                    schedule[next].tick();
                    next = next + 1 == schedule.length ? 0 : next + 1;
                }
            }
            if (now - giveUp >= 0) {
                for (LoadChannel c : channels) {
                    c.giveUp(drain.toSeconds() + " s");
                }
                return;
            }
            long wait = wake - now;
            if (wait >= MILLI) {
                selector.select(ready, wait / MILLI);
            } else if (selector.selectNow(ready) == 0) {
                LockSupport.parkNanos(Math.min(wait, NAP));
            }
        }
    }

    private void ready(SelectionKey key) {
        LoadChannel c = (LoadChannel) key.attachment();
        int ops = key.readyOps();
        if ((ops & SelectionKey.OP_WRITE) != 0) {
            c.writable();
        }
        if ((ops & SelectionKey.OP_READ) != 0 && key.isValid()) {
            c.readable();
        }
    }
}
