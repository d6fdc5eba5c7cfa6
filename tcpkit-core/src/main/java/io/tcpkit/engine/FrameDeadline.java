package io.tcpkit.engine;

import io.tcpkit.CloseReason;
import io.tcpkit.ConnectionTimeoutException;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The read timeout as a deadline per frame: once a frame's first bytes are buffered, the whole
 * frame must arrive within the read timeout, however it trickles in (that is what cuts off a
 * slowloris peer). A frame is known to be complete when the decoder consumes input; the bytes
 * still buffered then begin the next frame, with a deadline of its own. Owner thread only.
 */
final class FrameDeadline {
    /** System.nanoTime() when the current partial frame started; 0 between frames. */
    private long startNanos;
    /** Input consumed by the decoder when the deadline started. */
    private long startConsumed;

    /**
     * The time left for the frame in progress.
     *
     * @param consumed input the decoder has consumed so far, in bytes
     * @return nanoseconds left, or 0 for no limit
     * @throws ConnectionTimeoutException if the frame's time is up
     */
    long remainingNanos(Duration readTimeout, long consumed) throws ConnectionTimeoutException {
        long now = System.nanoTime();
        if (startNanos == 0 || consumed != startConsumed) {
            startNanos = now;
            startConsumed = consumed;
        }
        if (readTimeout.isZero()) {
            return 0;
        }
        long left = readTimeout.toNanos() - (now - startNanos);
        if (left <= 0) {
            throw new ConnectionTimeoutException(CloseReason.READ_TIMEOUT);
        }
        return left;
    }

    /** Between frames: nothing is pending. */
    void clear() {
        startNanos = 0;
    }

    /** A timeout for Socket.setSoTimeout: 0 for none, otherwise at least 1 ms and clamped to an int. */
    static int soTimeoutMillis(long nanos) {
        // Clamped: a timeout over Integer.MAX_VALUE ms (24.8 days) would wrap negative.
        return nanos == 0 ? 0 : (int) Math.clamp(TimeUnit.NANOSECONDS.toMillis(nanos), 1, Integer.MAX_VALUE);
    }
}
