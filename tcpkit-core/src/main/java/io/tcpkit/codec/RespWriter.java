package io.tcpkit.codec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Writes RESP2 replies to a {@link ByteSink} (a connection's buffered output): simple strings,
 * errors, integers, bulk strings, nulls and array headers. Headers with small numbers ({@code *3},
 * {@code $4}, {@code :1}) come pre-encoded and shared, as Redis shares its bulk and multibulk
 * headers; larger numbers are formatted into a scratch array made on first use, so that a
 * connection that waits between requests holds none. Not thread-safe.
 */
public final class RespWriter {
    /** Where replies go; {@code Connection::write} is one. */
    @FunctionalInterface
    public interface ByteSink {
        void write(byte[] b, int off, int len) throws IOException;
    }

    public static final byte[] OK = ascii("+OK\r\n");
    public static final byte[] PONG = ascii("+PONG\r\n");
    public static final byte[] NULL_BULK = ascii("$-1\r\n");
    public static final byte[] NULL_ARRAY = ascii("*-1\r\n");
    public static final byte[] EMPTY_ARRAY = ascii("*0\r\n");
    private static final byte[] CRLF = ascii("\r\n");
    /** Headers for 0 to this, exclusive, are shared for each type. */
    private static final int SHARED_HEADERS = 64;
    private static final String TYPES = "*$:%~>|";
    /** By type (its index in {@link #TYPES}), then by value. */
    private static final byte[][][] HEADERS = new byte[TYPES.length()][SHARED_HEADERS][];
    /** The type byte alone, by type character (ASCII). */
    private static final byte[][] TYPE_BYTES = new byte[128][];

    static {
        for (int t = 0; t < TYPES.length(); t++) {
            for (int n = 0; n < SHARED_HEADERS; n++) {
                HEADERS[t][n] = ascii(TYPES.charAt(t) + Integer.toString(n) + "\r\n");
            }
        }
        for (int c = 0; c < 128; c++) {
            TYPE_BYTES[c] = new byte[] {(byte) c};
        }
    }

    private final ByteSink sink;
    private byte[] scratch;

    public RespWriter(ByteSink sink) {
        this.sink = sink;
    }

    /** Writes pre-encoded bytes as they are (constants such as {@link #OK}). */
    public void raw(byte[] encoded) throws IOException {
        sink.write(encoded, 0, encoded.length);
    }

    /** {@code +text\r\n}; CR and LF in {@code text} are replaced by spaces, as the protocol requires. */
    public void simple(String text) throws IOException {
        line('+', text);
    }

    /** {@code -text\r\n}, where text starts with the error code, e.g. "ERR unknown command". */
    public void error(String text) throws IOException {
        line('-', text);
    }

    /**
     * {@code -text\r\n} from bytes, for errors that quote what a client sent byte for byte (as
     * Redis does); CR and LF become spaces. The array may be modified.
     */
    public void error(byte[] text) throws IOException {
        line('-', text);
    }

    public void integer(long value) throws IOException {
        header(':', value);
    }

    public void bulk(byte[] b, int off, int len) throws IOException {
        header('$', len);
        sink.write(b, off, len);
        sink.write(CRLF, 0, 2);
    }

    public void bulk(byte[] b) throws IOException {
        bulk(b, 0, b.length);
    }

    /** A bulk string of {@code text} in UTF-8; null writes the null bulk string. */
    public void bulk(String text) throws IOException {
        if (text == null) {
            raw(NULL_BULK);
        } else {
            bulk(text.getBytes(StandardCharsets.UTF_8));
        }
    }

    public void nullBulk() throws IOException {
        raw(NULL_BULK);
    }

    /** {@code *n\r\n}: the caller then writes n elements. */
    public void arrayHeader(int n) throws IOException {
        header('*', n);
    }

    private void line(char type, String text) throws IOException {
        line(type, text.getBytes(StandardCharsets.UTF_8));
    }

    private void line(char type, byte[] b) throws IOException {
        for (int i = 0; i < b.length; i++) {
            if (b[i] == '\r' || b[i] == '\n') {
                b[i] = ' ';
            }
        }
        sink.write(TYPE_BYTES[type & 0x7f], 0, 1);
        sink.write(b, 0, b.length);
        sink.write(CRLF, 0, 2);
    }

    /** Writes type, the decimal value and CRLF: shared when small, else from the scratch array, right to left. */
    private void header(char type, long value) throws IOException {
        int t = TYPES.indexOf(type);
        if (value >= 0 && value < SHARED_HEADERS && t >= 0) {
            byte[] shared = HEADERS[t][(int) value];
            sink.write(shared, 0, shared.length);
            return;
        }
        byte[] scratch = this.scratch;
        if (scratch == null) {
            this.scratch = scratch = new byte[24];
        }
        int i = scratch.length;
        scratch[--i] = '\n';
        scratch[--i] = '\r';
        boolean negative = value < 0;
        long v = negative ? value : -value; // work in negatives so Long.MIN_VALUE fits
        do {
            scratch[--i] = (byte) ('0' - (v % 10));
            v /= 10;
        } while (v != 0);
        if (negative) {
            scratch[--i] = '-';
        }
        scratch[--i] = (byte) type;
        sink.write(scratch, i, scratch.length - i);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
