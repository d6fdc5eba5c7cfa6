package io.tcpkit.codec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Splits a {@link ReadBuffer} into lines, in place: handles partial reads, many lines per read and
 * one line across many reads.
 *
 * <p>A line ends at LF; a CR right before the LF is stripped too, so both {@code "a\n"} and
 * {@code "a\r\n"} give {@code "a"}. A lone CR is part of the line (it does not end it), so a peer
 * cannot smuggle a line break past a CRLF-only parser downstream. Bytes after the last LF at end
 * of stream are not a line and are dropped.
 *
 * <p>{@link #next()} consumes the line it finds; its bytes stay where they are in the buffer, so
 * {@link #line()}, {@link #array()}, {@link #start()} and {@link #length()} read them in place,
 * valid until the next read from the buffer's source.
 *
 * <p>A line longer than {@code maxLineBytes} (not counting its terminator) makes {@link #next()}
 * throw {@link FrameTooLongException} as soon as the limit is passed, without buffering the rest;
 * the following call skips what remains of that line, so a service may report the error and go on.
 *
 * <p>Not thread-safe: it belongs to the connection's thread.
 */
public final class LineReader {
    private static final byte LF = '\n';
    private static final byte CR = '\r';

    private final ReadBuffer in;
    private final int maxLineBytes;
    private int lineStart;
    private int lineLength;
    private boolean skipping;

    public LineReader(ReadBuffer in, int maxLineBytes) {
        if (maxLineBytes < 1) {
            throw new IllegalArgumentException("maxLineBytes must be positive: " + maxLineBytes);
        }
        this.in = in;
        this.maxLineBytes = maxLineBytes;
    }

    public int maxLineBytes() {
        return maxLineBytes;
    }

    /** Whether it is discarding the rest of an over-long line: it then holds state that a new reader would not. */
    public boolean isSkipping() {
        return skipping;
    }

    /**
     * Advances to the next complete line, reading as needed.
     *
     * @return false at end of stream
     * @throws FrameTooLongException if the next line is longer than the maximum; the next call
     *                               resumes after that line
     */
    public boolean next() throws IOException {
        if (skipping && !skipRestOfLine()) {
            return false;
        }
        int scanned = in.readIndex();
        while (true) {
            int lf = in.indexOf(LF, scanned);
            if (lf >= 0) {
                int start = in.readIndex();
                int end = lf > start && in.array()[lf - 1] == CR ? lf - 1 : lf;
                if (end - start > maxLineBytes) {
                    in.skip(lf + 1 - start);
                    throw new FrameTooLongException(maxLineBytes);
                }
                lineStart = start;
                lineLength = end - start;
                in.skip(lf + 1 - start);
                return true;
            }
            // +1 leaves room for a CR that may precede the LF still to come.
            if (in.readable() > maxLineBytes + 1) {
                in.skip(in.readable());
                skipping = true;
                throw new FrameTooLongException(maxLineBytes);
            }
            scanned = in.writeIndex();
            int relative = scanned - in.readIndex();
            if (in.readable() == in.capacity()) {
                in.ensureCapacity(Math.min(in.capacity() * 2, maxLineBytes + 2));
            }
            if (in.fill() < 0) {
                return false;
            }
            scanned = in.readIndex() + relative;
        }
    }

    /** The array holding the current line; see {@link #start()} and {@link #length()}. */
    public byte[] array() {
        return in.array();
    }

    /** Offset of the current line in {@link #array()}. */
    public int start() {
        return lineStart;
    }

    /** Length of the current line, without its terminator. */
    public int length() {
        return lineLength;
    }

    /** The current line decoded as UTF-8 (malformed bytes become U+FFFD). */
    public String line() {
        return new String(in.array(), lineStart, lineLength, StandardCharsets.UTF_8);
    }

    /** Reads the next line as UTF-8, or returns null at end of stream. */
    public String readLine() throws IOException {
        return next() ? line() : null;
    }

    /** Whether a complete line is already buffered, so {@link #next()} will not block. */
    public boolean hasBufferedLine() {
        return in.indexOf(LF, in.readIndex()) >= 0;
    }

    private boolean skipRestOfLine() throws IOException {
        while (true) {
            int lf = in.indexOf(LF, in.readIndex());
            if (lf >= 0) {
                in.skip(lf + 1 - in.readIndex());
                skipping = false;
                return true;
            }
            in.skip(in.readable());
            if (in.fill() < 0) {
                return false;
            }
        }
    }
}
