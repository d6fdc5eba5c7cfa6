package io.tcpkit.engine;

import java.io.IOException;
import java.util.Arrays;

/**
 * A connection's output buffer: the owner thread's small writes are gathered here and flushed in
 * one system call; large writes with nothing buffered go straight through without a copy. It
 * grows with a burst (to {@link #MAX_BYTES}) and is dropped again after one, so idle connections
 * keep none. Owner thread only.
 */
final class OutputBuffer {
    /** Where flushed bytes go: the connection's locked socket write. */
    @FunctionalInterface
    interface Sink {
        void write(byte[] b, int off, int len) throws IOException;
    }

    static final int INITIAL_BYTES = 512;
    /** Buffered output beyond this is flushed before more is appended. */
    static final int MAX_BYTES = 64 * 1024;
    /** A write at least this large, with nothing buffered, goes straight to the socket (no copy). */
    static final int DIRECT_WRITE_BYTES = 8 * 1024;

    private final Sink sink;
    private byte[] buf;
    private int count;

    OutputBuffer(Sink sink) {
        this.sink = sink;
    }

    void write(byte[] b, int off, int len) throws IOException {
        if (count == 0 && len >= DIRECT_WRITE_BYTES) {
            sink.write(b, off, len);
            return;
        }
        if (buf == null) {
            buf = new byte[Math.max(INITIAL_BYTES, Integer.highestOneBit(len) << 1)];
        }
        if (count + len > buf.length) {
            if (count + len <= MAX_BYTES) {
                buf = Arrays.copyOf(buf, Math.min(MAX_BYTES, Integer.highestOneBit(count + len) << 1));
            } else {
                flush();
                if (len > buf.length) {
                    sink.write(b, off, len);
                    return;
                }
            }
        }
        System.arraycopy(b, off, buf, count, len);
        count += len;
    }

    /** Drops the array when nothing is buffered: for a connection about to wait without a thread. */
    void release() {
        if (count == 0) {
            buf = null;
        }
    }

    void flush() throws IOException {
        if (count == 0) {
            return;
        }
        int n = count;
        count = 0;
        sink.write(buf, 0, n);
        if (buf.length > DIRECT_WRITE_BYTES && n < INITIAL_BYTES) {
            buf = null; // a burst is over; don't keep its buffer while idle
        }
    }
}
