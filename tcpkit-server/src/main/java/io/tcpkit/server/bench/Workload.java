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

    /**
     * A request that comes back unchanged: {@code size} bytes, byte {@code i} of request {@code seq}
     * being {@link #at}. One writer and one check for every echoed workload, so they cannot drift apart.
     */
    sealed interface Echoed extends Workload {
        int size();

        /** Byte {@code i} of request {@code seq}. */
        byte at(long seq, int i);

        @Override
        default int requestBytes() {
            return size();
        }

        @Override
        default int replyBytes() {
            return size();
        }

        @Override
        default void request(byte[] buf, int off, long seq) {
            for (int i = 0; i < size(); i++) {
                buf[off + i] = at(seq, i);
            }
        }

        @Override
        default boolean replyMatches(byte[] buf, int off, long seq) {
            for (int i = 0; i < size(); i++) {
                if (buf[off + i] != at(seq, i)) {
                    return false;
                }
            }
            return true;
        }
    }

    /** Binary messages echoed back unchanged. */
    record Echo(int size) implements Echoed {
        public Echo {
            if (size < 1) {
                throw new IllegalArgumentException("--size must be at least 1");
            }
        }

        @Override
        public byte at(long seq, int i) {
            return (byte) (seq * 31 + i);
        }
    }

    /** Lines of printable ASCII ending in LF, echoed back (by an echo or a line-echo server). */
    record Line(int size) implements Echoed {
        public Line {
            if (size < 2) {
                throw new IllegalArgumentException("--size must be at least 2 for lines (text and LF)");
            }
        }

        @Override
        public byte at(long seq, int i) {
            return i == size - 1 ? (byte) '\n' : (byte) ('a' + Math.floorMod(seq + i, 26));
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
