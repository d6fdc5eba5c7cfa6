package io.tcpkit.server.bench;

import java.io.IOException;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.Arrays;
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
            while (open > 0) {
                long left = stopNanos - System.nanoTime();
                if (left <= 0) {
                    return;
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
        long now = System.nanoTime();
        byte[] b = in.array();
        int filled = in.position();
        int pos = 0;
        int frames = 0;
        while (filled - pos >= frame) {
            long sent = hex16(b, pos + prefix.length);
            if (sent == -1 || !Arrays.equals(b, pos, pos + prefix.length, prefix, 0, prefix.length)
                    || b[pos + frame - 2] != '\r' || b[pos + frame - 1] != '\n') {
                stats.error("a message frame differs from what was published");
                return false;
            }
            stats.latency(now - sent);
            frames++;
            pos += frame;
        }
        // The shared counters once per read, not per frame: at millions of frames a second the
        // generator's own cost per frame decides how fast it can read (it shares one core).
        stats.replies(frames, frame);
        if (pos > 0) {
            System.arraycopy(b, pos, b, 0, filled - pos);
            in.position(filled - pos);
        }
        return true;
    }

    /** The 16 lower-case hex digits at {@code at} (a publish time), or -1 if they are not that. */
    static long hex16(byte[] b, int at) {
        long v = 0;
        for (int i = at; i < at + 16; i++) {
            int c = b[i];
            int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
            if (d < 0) {
                return -1;
            }
            v = v << 4 | d;
        }
        return v;
    }
}
