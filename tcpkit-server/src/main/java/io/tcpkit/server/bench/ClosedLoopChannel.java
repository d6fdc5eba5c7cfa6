package io.tcpkit.server.bench;

import java.nio.channels.SocketChannel;

/**
 * A closed-loop connection on an {@link EventLoop}: it keeps {@code inFlight} requests
 * outstanding, queueing one more for every reply that comes back and writing all that one read
 * completed in one write. Latency is from a request's queueing to its reply's arrival. At the
 * stop time it sends no more and finishes when what is in flight has come back.
 */
final class ClosedLoopChannel extends LoadChannel {
    private final int inFlight;
    private final long stopNanos;
    /** When each outstanding request was sent, at its sequence number modulo {@code inFlight}. */
    private final long[] sentAt;

    ClosedLoopChannel(SocketChannel channel, Workload workload, BenchStats stats, int inFlight, long stopNanos) {
        // At most inFlight requests are outstanding, so at most that many wait to be written.
        super(channel, workload, stats, workload.requestBytes() * inFlight);
        this.inFlight = inFlight;
        this.stopNanos = stopNanos;
        this.sentAt = new long[inFlight];
    }

    @Override
    void start(long now, double phase) {
        queue(now, inFlight);
    }

    @Override
    long sentAt(long seq) {
        return sentAt[(int) (seq % inFlight)];
    }

    @Override
    void replied(long now, int count) {
        if (now - stopNanos >= 0) {
            if (answered == sent) {
                finish();
            }
            return; // drain what is still in flight, send no more
        }
        if (count > 0) {
            queue(now, count);
        }
    }

    @Override
    void endOfStream() {
        fail("server closed the connection");
    }

    private void queue(long now, int count) {
        for (int i = 0; i < count; i++) {
            sentAt[(int) (sent % inFlight)] = now;
            queue();
        }
        send();
    }
}
