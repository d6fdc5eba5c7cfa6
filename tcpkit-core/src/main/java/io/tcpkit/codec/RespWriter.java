package io.tcpkit.codec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Writes RESP replies to a {@link ByteSink} (a connection's buffered output): simple strings,
 * errors, integers, bulk strings, nulls and array headers, and RESP3's types (maps, sets, pushes,
 * the null, booleans, doubles, verbatim strings). Headers with small numbers ({@code *3},
 * {@code $4}, {@code :1}) come pre-encoded and shared, as Redis shares its bulk and multibulk
 * headers; larger numbers are formatted into a scratch array made on first use, so that a
 * connection that waits between requests holds none. Not thread-safe.
 *
 * <p>The writer speaks RESP2 until {@link #protocol(int)} switches it (HELLO 3). The RESP3 types
 * are written as Redis writes them to a RESP2 client when the writer speaks RESP2: a map as an
 * array of 2n elements, a set or a push as an array, the null as the null bulk string or null
 * array, a boolean as 1 or 0, a double and a verbatim string as bulk strings. So a command writes
 * its reply once, in RESP3's terms, and a RESP2 client reads exactly what it always read.
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
    /** RESP3's null, which stands for both the null bulk string and the null array. */
    public static final byte[] NULL = ascii("_\r\n");
    private static final byte[] TRUE = ascii("#t\r\n");
    private static final byte[] FALSE = ascii("#f\r\n");
    private static final byte[] CRLF = ascii("\r\n");
    private static final byte[] TXT = ascii("txt:");
    /** Headers for 0 to this, exclusive, are shared for each type. */
    private static final int SHARED_HEADERS = 64;
    private static final String TYPES = "*$:%~>|";
    /**
     * Shared headers by type character (ASCII), then by value; null for a type that has none
     * ({@code =}, which always formats), so that {@link #header} finds them with one array load.
     */
    private static final byte[][][] HEADERS = new byte[128][][];
    /** The type byte alone, by type character (ASCII). */
    private static final byte[][] TYPE_BYTES = new byte[128][];

    static {
        for (int t = 0; t < TYPES.length(); t++) {
            char type = TYPES.charAt(t);
            byte[][] byValue = HEADERS[type] = new byte[SHARED_HEADERS][];
            for (int n = 0; n < SHARED_HEADERS; n++) {
                byValue[n] = ascii(type + Integer.toString(n) + "\r\n");
            }
        }
        for (int c = 0; c < 128; c++) {
            TYPE_BYTES[c] = new byte[] {(byte) c};
        }
    }

    private final ByteSink sink;
    private byte[] scratch;
    private boolean resp3;

    public RespWriter(ByteSink sink) {
        this.sink = sink;
    }

    /** Switches to protocol version 2 or 3 (HELLO): what the RESP3 methods write from now on. */
    public void protocol(int version) {
        if (version != 2 && version != 3) {
            throw new IllegalArgumentException("RESP version 2 or 3, not " + version);
        }
        resp3 = version == 3;
    }

    /** 2 or 3. */
    public int protocol() {
        return resp3 ? 3 : 2;
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
            nullBulk();
        } else {
            bulk(text.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** A missing string: {@code $-1} in RESP2, {@code _} in RESP3. */
    public void nullBulk() throws IOException {
        raw(resp3 ? NULL : NULL_BULK);
    }

    /** A missing array: {@code *-1} in RESP2, {@code _} in RESP3. */
    public void nullArray() throws IOException {
        raw(resp3 ? NULL : NULL_ARRAY);
    }

    /** {@code *n\r\n}: the caller then writes n elements. */
    public void arrayHeader(int n) throws IOException {
        header('*', n);
    }

    /** A map of n pairs: {@code %n} in RESP3, {@code *2n} in RESP2; the caller writes key, value n times. */
    public void mapHeader(int n) throws IOException {
        if (resp3) {
            header('%', n);
        } else {
            header('*', 2L * n);
        }
    }

    /** A set of n elements: {@code ~n} in RESP3, {@code *n} in RESP2. */
    public void setHeader(int n) throws IOException {
        header(resp3 ? '~' : '*', n);
    }

    /**
     * A push of n elements (a pub/sub message or confirmation): {@code >n} in RESP3, {@code *n} in
     * RESP2, where pushes are ordinary arrays.
     */
    public void pushHeader(int n) throws IOException {
        header(resp3 ? '>' : '*', n);
    }

    /** {@code #t} or {@code #f} in RESP3; {@code :1} or {@code :0} in RESP2, as Redis writes a boolean. */
    public void bool(boolean value) throws IOException {
        if (resp3) {
            raw(value ? TRUE : FALSE);
        } else {
            integer(value ? 1 : 0);
        }
    }

    /**
     * {@code ,1.5} in RESP3, the bulk string {@code 1.5} in RESP2; {@code inf}, {@code -inf} and
     * {@code nan} and every other value as Redis 7.2 writes them ({@code ,3}, {@code ,1e+20}).
     */
    public void doubleValue(double value) throws IOException {
        byte[] text = ascii(formatDouble(value));
        if (resp3) {
            line(',', text);
        } else {
            bulk(text);
        }
    }

    /**
     * As Redis 7.2 writes a double (util.c d2string, fpconv_dtoa's emit_digits): integral values
     * as integers, else the shortest digits that read back as the same value, plain unless that
     * takes many zeros ({@code 0.00001}, {@code 1e+20}, {@code -1.25e-7}).
     */
    static String formatDouble(double value) {
        if (Double.isNaN(value)) {
            return "nan";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "inf" : "-inf";
        }
        if (value == 0) {
            return (1 / value < 0) ? "-0" : "0";
        }
        if (Math.abs(value) <= Long.MAX_VALUE / 2 && (long) value == value) {
            return Long.toString((long) value);
        }
        // Double.toString gives the shortest digits that round-trip (JDK 19 and later).
        java.math.BigDecimal d = new java.math.BigDecimal(Double.toString(Math.abs(value))).stripTrailingZeros();
        String digits = d.unscaledValue().toString();
        int n = digits.length();
        int k = -d.scale(); // value = digits * 10^k
        int exp = Math.abs(k + n - 1);
        String sign = value < 0 ? "-" : "";
        if (k >= 0 && exp < n + 7) {
            return sign + digits + "0".repeat(k);
        }
        if (k < 0 && (k > -7 || exp < 4)) {
            int offset = n + k;
            return sign + (offset <= 0 ? "0." + "0".repeat(-offset) + digits
                    : digits.substring(0, offset) + "." + digits.substring(offset));
        }
        n = Math.min(n, value < 0 ? 17 : 18);
        return sign + digits.charAt(0) + (n > 1 ? "." + digits.substring(1, n) : "") + "e"
                + (k + n - 1 < 0 ? "-" : "+") + exp;
    }

    /**
     * Text meant for people (CLIENT LIST, INFO): a verbatim string of format {@code txt} in RESP3
     * ({@code =n+4\r\ntxt:...}), a bulk string in RESP2.
     */
    public void verbatim(String text) throws IOException {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        if (!resp3) {
            bulk(b);
            return;
        }
        header('=', b.length + 4L);
        sink.write(TXT, 0, TXT.length);
        sink.write(b, 0, b.length);
        sink.write(CRLF, 0, 2);
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
        byte[][] byValue = HEADERS[type & 0x7f];
        if (value >= 0 && value < SHARED_HEADERS && byValue != null) {
            byte[] shared = byValue[(int) value];
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
