package io.tcpkit.server.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;

/**
 * One TLS connection that keeps {@code inFlight} requests outstanding: it writes that many, and
 * for every reply that comes back (checked byte for byte) writes one more, in one write per read.
 * Latency is from a request's write to its reply's arrival. Runs on its own virtual thread over a
 * blocking SSLSocket; plain TCP runs as a {@link ClosedLoopChannel} on an {@link EventLoop}.
 */
final class ClosedLoop implements Runnable {
    private final Socket socket;
    private final Workload workload;
    private final int inFlight;
    private final BenchStats stats;
    private final long stopNanos;
    private final long[] sentAt;

    ClosedLoop(Socket socket, Workload workload, int inFlight, BenchStats stats, long stopNanos) {
        this.socket = socket;
        this.workload = workload;
        this.inFlight = inFlight;
        this.stats = stats;
        this.stopNanos = stopNanos;
        this.sentAt = new long[inFlight];
    }

    @Override
    public void run() {
        int reqBytes = workload.requestBytes();
        int replyBytes = workload.replyBytes();
        byte[] out = new byte[reqBytes * inFlight];
        byte[] in = new byte[Math.max(64 * 1024, replyBytes * inFlight * 2)];
        long nextSeq = 0;
        long nextReply = 0;
        try {
            InputStream input = socket.getInputStream();
            OutputStream output = socket.getOutputStream();
            long now = System.nanoTime();
            for (int i = 0; i < inFlight; i++) {
                workload.request(out, i * reqBytes, nextSeq);
                sentAt[(int) (nextSeq++ % inFlight)] = now;
            }
            output.write(out, 0, inFlight * reqBytes);
            int filled = 0;
            while (true) {
                int n = input.read(in, filled, in.length - filled);
                if (n < 0) {
                    stats.error("server closed the connection");
                    return;
                }
                filled += n;
                long arrived = System.nanoTime();
                int pos = 0;
                int completed = 0;
                while (filled - pos >= replyBytes) {
                    if (!workload.replyMatches(in, pos, nextReply)) {
                        stats.error("reply " + nextReply + " differs from what was sent");
                        return;
                    }
                    stats.reply(arrived - sentAt[(int) (nextReply % inFlight)], replyBytes);
                    nextReply++;
                    pos += replyBytes;
                    completed++;
                }
                System.arraycopy(in, pos, in, 0, filled - pos);
                filled -= pos;
                if (arrived - stopNanos >= 0) {
                    if (nextReply == nextSeq) {
                        return;
                    }
                    continue; // drain what is still in flight, send no more
                }
                if (completed > 0) {
                    for (int i = 0; i < completed; i++) {
                        workload.request(out, i * reqBytes, nextSeq);
                        sentAt[(int) (nextSeq++ % inFlight)] = arrived;
                    }
                    output.write(out, 0, completed * reqBytes);
                }
            }
        } catch (IOException e) {
            stats.error(e.toString());
        }
    }
}
