package io.tcpkit.server.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;

/**
 * One plain-TCP connection of a load test on a non-blocking {@link SocketChannel}, driven by an
 * {@link EventLoop}: it reads replies, whole or in pieces, and checks each byte for byte against
 * the {@link Workload}; it writes requests from a buffer that keeps whatever the socket did not
 * take, and asks for OP_WRITE only while some is left. Subclasses decide when requests are sent
 * (closed or open loop) and when each was due. The buffers are made once: nothing is allocated
 * per message. Only its event loop's thread calls it.
 */
abstract sealed class LoadChannel permits ClosedLoopChannel, OpenLoopChannel {
    /** Read at least this much at a time, so that small replies come many to a read. */
    private static final int MIN_READ_BYTES = 64 * 1024;

    final SocketChannel channel;
    final Workload workload;
    final BenchStats stats;
    private final int requestBytes;
    private final int replyBytes;
    /**
     * Replies, read through {@link #input} (heap: the JDK copies only the bytes read) and checked
     * in place; a reply split over reads waits at the front for the rest.
     */
    private final byte[] in;
    private final ByteBuffer input;
    /** One request as the workload makes it, before it goes into {@link #output}. */
    private final byte[] request;
    /**
     * Requests not written yet, between position and limit. Direct, so that a write the socket
     * takes only part of does not copy the rest again on the next try.
     */
    private final ByteBuffer output;
    private EventLoop loop;
    private SelectionKey key;
    private boolean waitingToWrite;
    private boolean finished;
    /** Requests put into {@link #output} so far, which is the next request's sequence number. */
    long sent;
    /** Replies checked so far, which is the next reply's sequence number. */
    long answered;

    /** {@code outputBytes}: how many bytes of requests may wait to be written; at least one request. */
    LoadChannel(SocketChannel channel, Workload workload, BenchStats stats, int outputBytes) {
        this.channel = channel;
        this.workload = workload;
        this.stats = stats;
        this.requestBytes = workload.requestBytes();
        this.replyBytes = workload.replyBytes();
        this.in = new byte[Math.max(MIN_READ_BYTES, 2 * replyBytes)];
        this.input = ByteBuffer.wrap(in);
        this.request = new byte[requestBytes];
        this.output = ByteBuffer.allocateDirect(Math.max(outputBytes, requestBytes)).flip();
    }

    /** Starts the connection at {@code now}; {@code phase} in [0, 1) is its place among its loop's connections. */
    abstract void start(long now, double phase);

    /** When the request that reply {@code seq} answers was sent or due: its latency counts from then. */
    abstract long sentAt(long seq);

    /** {@code count} replies (maybe none: only part of one) were checked, at {@code now}. */
    abstract void replied(long now, int count);

    /** The server ended its stream. */
    abstract void endOfStream();

    /** All that was waiting has been written, after the socket had refused some. */
    void drained() {
    }

    final void register(EventLoop loop, Selector selector) throws ClosedChannelException {
        this.loop = loop;
        this.key = channel.register(selector, SelectionKey.OP_READ, this);
    }

    /** The socket has bytes, or the end of the stream. */
    final void readable() {
        int n;
        try {
            n = channel.read(input);
        } catch (IOException e) {
            fail(e.toString());
            return;
        }
        if (n < 0) {
            endOfStream();
            return;
        }
        if (n == 0) {
            return;
        }
        long arrived = System.nanoTime();
        int filled = input.position();
        int pos = 0;
        int count = 0;
        while (filled - pos >= replyBytes) {
            if (answered == sent) {
                fail("more replies than requests");
                return;
            }
            if (!workload.replyMatches(in, pos, answered)) {
                fail("reply " + answered + " differs from what was sent");
                return;
            }
            stats.reply(arrived - sentAt(answered), replyBytes);
            answered++;
            pos += replyBytes;
            count++;
        }
        if (pos > 0) {
            System.arraycopy(in, pos, in, 0, filled - pos);
            input.position(filled - pos);
        }
        replied(arrived, count);
    }

    /** The socket takes bytes again: write what waits, then let the subclass send more. */
    final void writable() {
        write();
        if (!waitingToWrite && !finished) {
            drained();
        }
    }

    /** Whether one more request fits in the output buffer. */
    final boolean roomForRequest() {
        return output.capacity() - output.remaining() >= requestBytes;
    }

    /** Puts request {@link #sent} into the output buffer (which must have room); {@link #send} writes it. */
    final void queue() {
        int end = output.limit();
        if (output.capacity() - end < requestBytes) {
            output.compact().flip();
            end = output.limit();
        }
        workload.request(request, 0, sent++);
        output.limit(end + requestBytes).put(end, request);
    }

    /** Writes what was queued, unless the socket is still taking earlier requests (then OP_WRITE will). */
    final void send() {
        if (!waitingToWrite) {
            write();
        }
    }

    final boolean waitingToWrite() {
        return waitingToWrite;
    }

    private void write() {
        if (output.hasRemaining()) {
            try {
                channel.write(output);
            } catch (IOException e) {
                fail(e.toString());
                return;
            }
        }
        boolean left = output.hasRemaining();
        if (left != waitingToWrite) {
            waitingToWrite = left;
            key.interestOps(left ? SelectionKey.OP_READ | SelectionKey.OP_WRITE : SelectionKey.OP_READ);
        }
    }

    final boolean finished() {
        return finished;
    }

    /** Done with this connection: its loop stops watching it (the runner closes it). */
    final void finish() {
        if (!finished) {
            finished = true;
            key.cancel();
            loop.finished();
        }
    }

    /** Counts an error and gives up on this connection; only the first error of a connection counts. */
    final void fail(String what) {
        if (!finished) {
            stats.error(what);
            finish();
        }
    }

    /** The time to drain is up and the connection has not finished: count it as an error. */
    final void giveUp(String waited) {
        fail("still waiting " + waited + " after the end, " + (sent - answered) + " replies missing");
    }
}
