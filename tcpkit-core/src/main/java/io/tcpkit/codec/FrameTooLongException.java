package io.tcpkit.codec;

import java.io.IOException;

/**
 * A frame (a line, a RESP element) exceeded its decoder's maximum length. The decoder has already
 * arranged to skip the rest of that frame, so a service may report the error and keep reading, or
 * let the exception end the connection.
 */
public final class FrameTooLongException extends IOException {
    private static final long serialVersionUID = 1L;
    private final int limit;

    public FrameTooLongException(int limit) {
        super("frame longer than " + limit + " bytes");
        this.limit = limit;
    }

    /** The maximum the frame exceeded, in bytes. */
    public int limit() {
        return limit;
    }
}
