package io.tcpkit.server.bench;

import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The subscribers of a pub/sub run read from one Selector on one platform thread, as
 * {@link EventLoop} drives request/reply connections: a read that finds nothing costs nothing, where
 * a virtual thread per subscriber parks, has its socket re-armed in the JDK's poller and is
 * unparked for every read. With a thousand subscribers that hand-off cost the generator more than
 * the server's own work per delivery, so the generator, not the server, set the pace (and it set
 * a slower one for a server whose writes carry fewer messages each). Every frame is checked byte
 * for byte as before; latency is from publish to the read that completed the frame.
 */
final class SubscriberLoop implements Runnable {
    private final SocketChannel[] channels;
    private final byte[] prefix;
    private final int frame;
    private final BenchStats stats;
    private final long stopNanos;
    /** This thread's latencies, handed to the shared stats every {@link #HAND_OVER_NANOS} and at the end. */
    private final Histogram own = BenchStats.ownHistogram();
    private static final long HAND_OVER_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    /** Per subscriber: bytes read and not yet checked (a frame split over reads waits here). */
    private static final class Pending {
        final ByteBuffer buffer;

        Pending(int capacity) {
            buffer = ByteBuffer.allocate(capacity);
        }
    }

    /** {@code sockets} are subscribed already (their confirmations read) and plain: channels of their own. */
    SubscriberLoop(List<Socket> sockets, int size, BenchStats stats, long stopNanos) {
        this.channels = sockets.stream().map(Socket::getChannel).toArray(SocketChannel[]::new);
        this.prefix = PubSubLoad.messagePrefix(size);
        this.frame = prefix.length + Math.max(16, size) + 2;
        this.stats = stats;
        this.stopNanos = stopNanos;
    }

    /** Whether every socket can be read this way (plain TCP, not TLS). */
    static boolean supports(List<Socket> sockets) {
        return sockets.stream().allMatch(s -> s.getChannel() != null);
    }

    @Override
    public void run() {
        try (Selector selector = Selector.open()) {
            int capacity = Math.max(64 * 1024, frame * 4);
            for (SocketChannel c : channels) {
                c.configureBlocking(false);
                c.register(selector, SelectionKey.OP_READ, new Pending(capacity));
            }
            int open = channels.length;
            long handedOver = System.nanoTime();
            while (open > 0) {
                long now = System.nanoTime();
                long left = stopNanos - now;
                if (left <= 0) {
                    return;
                }
                if (now - handedOver >= HAND_OVER_NANOS) {
                    stats.latencies(own);
                    handedOver = now;
                }
                selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                var keys = selector.selectedKeys();
                for (var it = keys.iterator(); it.hasNext(); ) {
                    SelectionKey key = it.next();
                    it.remove();
                    if (!read(key)) {
                        key.cancel();
                        open--;
                    }
                }
            }
        } catch (IOException e) {
            if (System.nanoTime() - stopNanos < 0) {
                stats.error(e.toString());
            }
        } finally {
            stats.latencies(own);
        }
    }

    /** Reads what came and checks every whole frame; false once the subscriber is done with (an error, the end). */
    private boolean read(SelectionKey key) {
        ByteBuffer in = ((Pending) key.attachment()).buffer;
        int n;
        try {
            n = ((SocketChannel) key.channel()).read(in);
        } catch (IOException e) {
            if (System.nanoTime() - stopNanos < 0) {
                stats.error(e.toString());
            }
            return false;
        }
        if (n < 0) {
            stats.error("server closed a subscriber");
            return false;
        }
        byte[] b = in.array();
        int filled = in.position();
        int pos = PubSubLoad.frames(b, filled, prefix, frame, System.nanoTime(), stats, own);
        if (pos < 0) {
            return false;
        }
        if (pos > 0) {
            System.arraycopy(b, pos, b, 0, filled - pos);
            in.position(filled - pos);
        }
        return true;
    }
}
