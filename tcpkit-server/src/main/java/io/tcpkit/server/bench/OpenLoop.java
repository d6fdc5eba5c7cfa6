package io.tcpkit.server.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;

/**
 * One TLS connection driven at a fixed rate whatever the server does (open loop): a writer sends
 * on schedule, a reader checks replies, each on a virtual thread over a blocking SSLSocket (plain
 * TCP runs as an {@link OpenLoopChannel} on an {@link EventLoop}). Latency counts from when a
 * request was due, not when it was written, so a stalled server cannot hide its stall (no
 * coordinated omission).
 */
final class OpenLoop {
    private final Socket socket;
    private final Workload workload;
    private final BenchStats stats;
    private final long intervalNanos;
    private final long stopNanos;
    private final ConcurrentLinkedQueue<Long> due = new ConcurrentLinkedQueue<>();
    private volatile long sent;
    private volatile boolean writerDone;

    OpenLoop(Socket socket, Workload workload, BenchStats stats, double perSecond, long stopNanos) {
        this.socket = socket;
        this.workload = workload;
        this.stats = stats;
        this.intervalNanos = (long) (1e9 / perSecond);
        this.stopNanos = stopNanos;
    }

    void write() {
        byte[] out = new byte[workload.requestBytes()];
        long next = System.nanoTime();
        long seq = 0;
        try {
            OutputStream output = socket.getOutputStream();
            while (next - stopNanos < 0) {
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                    continue;
                }
                workload.request(out, 0, seq++);
                due.add(next);
                output.write(out);
                sent = seq;
                next += intervalNanos;
            }
            writerDone = true;
            // Half-close: the server answers what is outstanding, then ends the stream, which
            // tells the reader it has everything.
            socket.shutdownOutput();
        } catch (IOException e) {
            stats.error(e.toString());
        }
    }

    void read() {
        int replyBytes = workload.replyBytes();
        byte[] in = new byte[Math.max(64 * 1024, replyBytes * 2)];
        long seq = 0;
        int filled = 0;
        try {
            InputStream input = socket.getInputStream();
            while (true) {
                int n = input.read(in, filled, in.length - filled);
                if (n < 0) {
                    if (!writerDone || seq < sent) {
                        stats.error("server closed the connection with " + (sent - seq) + " replies outstanding");
                    }
                    return;
                }
                filled += n;
                long arrived = System.nanoTime();
                int pos = 0;
                while (filled - pos >= replyBytes) {
                    if (!workload.replyMatches(in, pos, seq)) {
                        stats.error("reply " + seq + " differs from what was sent");
                        return;
                    }
                    Long dueAt = due.poll();
                    stats.reply(arrived - (dueAt == null ? arrived : dueAt), replyBytes);
                    seq++;
                    pos += replyBytes;
                }
                System.arraycopy(in, pos, in, 0, filled - pos);
                filled -= pos;
            }
        } catch (IOException e) {
            stats.error(e.toString());
        }
    }
}
