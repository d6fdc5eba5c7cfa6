package io.tcpkit.server.bench;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * What one request and its reply look like, so that every reply can be checked byte for byte.
 * Requests carry their sequence number in their content, so a reply that is lost, duplicated or
 * reordered fails the check.
 */
public sealed interface Workload {

    int requestBytes();

    int replyBytes();

    /** Writes request {@code seq} into {@code buf} at {@code off}. */
    void request(byte[] buf, int off, long seq);

    /** Whether the reply to request {@code seq} is at {@code off}. */
    boolean replyMatches(byte[] buf, int off, long seq);

    static Workload of(String mode, int size) {
        return switch (mode) {
            case "echo" -> new Echo(size);
            case "line" -> new Line(size);
            case "ping" -> new Ping();
            default -> throw new IllegalArgumentException("unknown mode '" + mode + "' (echo, line, ping)");
        };
    }

    /** Binary messages echoed back unchanged. */
    record Echo(int size) implements Workload {
        public Echo {
            if (size < 1) {
                throw new IllegalArgumentException("--size must be at least 1");
            }
        }

        @Override
        public int requestBytes() {
            return size;
        }

        @Override
        public int replyBytes() {
            return size;
        }

        @Override
        public void request(byte[] buf, int off, long seq) {
            for (int i = 0; i < size; i++) {
                buf[off + i] = (byte) (seq * 31 + i);
            }
        }

        @Override
        public boolean replyMatches(byte[] buf, int off, long seq) {
            for (int i = 0; i < size; i++) {
                if (buf[off + i] != (byte) (seq * 31 + i)) {
                    return false;
                }
            }
            return true;
        }
    }

    /** Lines of printable ASCII ending in LF, echoed back (by an echo or a line-echo server). */
    record Line(int size) implements Workload {
        public Line {
            if (size < 2) {
                throw new IllegalArgumentException("--size must be at least 2 for lines (text and LF)");
            }
        }

        @Override
        public int requestBytes() {
            return size;
        }

        @Override
        public int replyBytes() {
            return size;
        }

        @Override
        public void request(byte[] buf, int off, long seq) {
            for (int i = 0; i < size - 1; i++) {
                buf[off + i] = (byte) ('a' + Math.floorMod(seq + i, 26));
            }
            buf[off + size - 1] = '\n';
        }

        @Override
        public boolean replyMatches(byte[] buf, int off, long seq) {
            for (int i = 0; i < size - 1; i++) {
                if (buf[off + i] != (byte) ('a' + Math.floorMod(seq + i, 26))) {
                    return false;
                }
            }
            return buf[off + size - 1] == '\n';
        }
    }

    /** Redis PING as a RESP array; the reply must be +PONG. */
    record Ping() implements Workload {
        private static final byte[] REQUEST = "*1\r\n$4\r\nPING\r\n".getBytes(StandardCharsets.US_ASCII);
        private static final byte[] REPLY = "+PONG\r\n".getBytes(StandardCharsets.US_ASCII);

        @Override
        public int requestBytes() {
            return REQUEST.length;
        }

        @Override
        public int replyBytes() {
            return REPLY.length;
        }

        @Override
        public void request(byte[] buf, int off, long seq) {
            System.arraycopy(REQUEST, 0, buf, off, REQUEST.length);
        }

        @Override
        public boolean replyMatches(byte[] buf, int off, long seq) {
            return Arrays.equals(buf, off, off + REPLY.length, REPLY, 0, REPLY.length);
        }
    }
}
