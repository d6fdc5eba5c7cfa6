package io.tcpkit.server.bench;

import java.io.IOException;
import java.nio.channels.SocketChannel;

/**
 * An open-loop connection on an {@link EventLoop}: requests fall due at fixed intervals whatever
 * the server does, and latency counts from when a request was due, not when it was written, so
 * a stalled server cannot hide its stall (no coordinated omission). Its loop calls {@link #tick}
 * when the next request is due; requests the socket cannot take yet are made when it drains.
 * After the schedule ends it half-closes: the server answers what is outstanding, then ends its
 * stream, and a reply missing by then is an error.
 */
final class OpenLoopChannel extends LoadChannel {
    /** Requests due but refused by a full socket wait in at most this much output buffer, then in {@link #due}. */
    private static final int OUTPUT_BYTES = 64 * 1024;

    private final double intervalNanos;
    private long firstDue;
    /** Requests due so far; those from {@link #sent} on are not written yet. */
    private long due;
    private boolean scheduleOver;
    private boolean halfClosed;

    OpenLoopChannel(SocketChannel channel, Workload workload, BenchStats stats, double perSecond) {
        super(channel, workload, stats, OUTPUT_BYTES);
        this.intervalNanos = 1e9 / perSecond;
    }

    /** The first request is due {@code phase} of an interval from now, to spread a loop's connections. */
    @Override
    void start(long now, double phase) {
        firstDue = now + (long) (phase * intervalNanos);
    }

    /** When the next request is due. */
    long nextDue() {
        return dueAt(due);
    }

    /** The next request is due now: send it, unless the socket is still taking earlier ones. */
    void tick() {
        due++;
        if (!finished()) {
            sendDue();
        }
    }

    /** No more requests fall due: half-close once all that fell due is written. */
    void endSchedule() {
        scheduleOver = true;
        if (!finished()) {
            sendDue();
        }
    }

    @Override
    void drained() {
        sendDue();
    }

    @Override
    long sentAt(long seq) {
        return dueAt(seq);
    }

    @Override
    void replied(long now, int count) {
        // Requests go out on schedule, not on replies.
    }

    @Override
    void endOfStream() {
        if (!halfClosed || answered < sent) {
            fail("server closed the connection with " + (sent - answered) + " replies outstanding");
        } else {
            finish();
        }
    }

    private long dueAt(long seq) {
        return firstDue + (long) (seq * intervalNanos);
    }

    private void sendDue() {
        while (sent < due && !waitingToWrite() && !finished()) {
            while (sent < due && roomForRequest()) {
                queue();
            }
            send();
        }
        if (scheduleOver && !halfClosed && sent == due && !waitingToWrite() && !finished()) {
            try {
                channel.shutdownOutput();
                halfClosed = true;
            } catch (IOException e) {
                fail(e.toString());
            }
        }
    }
}
