package io.tcpkit.codec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads Redis requests from a {@link ReadBuffer}: RESP arrays of bulk strings
 * ({@code *2\r\n$4\r\nECHO\r\n$2\r\nhi\r\n}), as every client library sends, and inline commands
 * ({@code ECHO "hi there"\r\n}), as people type them in telnet or nc.
 *
 * <p>Arguments are parsed in place, by index, with no allocation per request: {@link #array(int)},
 * {@link #start(int)} and {@link #length(int)} locate each one. {@link #next()} consumes the
 * request it returns, so the buffer holds only what is still to be handled; the arguments stay
 * valid until the next read from the buffer's source. Inline arguments are unquoted into a
 * scratch array that is reused.
 *
 * <p>Parsing is incremental: a request split across many reads is not re-scanned from its start
 * after each one, so a peer trickling bytes costs linear time. Memory is bounded by the limits,
 * whatever lengths the peer claims: a request is buffered whole, and may not exceed
 * {@code maxRequestBytes}; an inline line may not exceed {@code maxInlineBytes} (Redis: 64 KiB).
 * Inline lines end at LF, with an optional CR before it, as in Redis.
 *
 * <p>Errors throw {@link RespProtocolException} with Redis's own wording ("invalid bulk length",
 * "unbalanced quotes in request", "too big inline request", ...). Not thread-safe.
 */
public final class RespReader {
    public static final int DEFAULT_MAX_INLINE_BYTES = 64 * 1024;
    public static final int DEFAULT_MAX_REQUEST_BYTES = 1024 * 1024;
    public static final int DEFAULT_MAX_ARGUMENTS = 64 * 1024;

    private final ReadBuffer in;
    private final int maxInlineBytes;
    private final int maxRequestBytes;
    private final int maxArguments;

    // The current (or partially parsed) request; offsets are relative to in.readIndex(), which
    // stays put until the request is consumed, so they survive the buffer's compaction and growth.
    private static final int START = 0;
    private static final int INLINE = 1;
    private static final int MULTIBULK = 2;
    /** Longest "*count" or "$length" line accepted; far above any real one, it bounds rescans. */
    private static final int MAX_COUNT_LINE = 32;

    private int state = START;
    private int consumed;
    /** Where the current request began in the buffer's array; it is consumed, but still there. */
    private int requestStart;
    private int parsed;
    private int expected = -1;
    private int bulkLength = -1;
    private int argc;
    private int[] starts = new int[8];
    private int[] lengths = new int[8];
    private boolean inline;
    private byte[] scratch = new byte[64];

    public RespReader(ReadBuffer in) {
        this(in, DEFAULT_MAX_INLINE_BYTES, DEFAULT_MAX_REQUEST_BYTES, DEFAULT_MAX_ARGUMENTS);
    }

    public RespReader(ReadBuffer in, int maxInlineBytes, int maxRequestBytes, int maxArguments) {
        this.in = in;
        this.maxInlineBytes = maxInlineBytes;
        this.maxRequestBytes = maxRequestBytes;
        this.maxArguments = maxArguments;
    }

    /**
     * Reads the next non-empty request, blocking as needed.
     *
     * @return false at end of stream (a partial request at the end is dropped)
     */
    public boolean next() throws IOException {
        while (true) {
            if (in.readable() > 0 && parse()) {
                // Consumed at once (an empty line or *0 is nothing to run, as in Redis); the
                // arguments stay where they are in the buffer until its next fill.
                requestStart = in.readIndex();
                in.skip(consumed);
                consumed = 0;
                if (argc > 0) {
                    return true;
                }
                continue;
            }
            if (in.readable() == in.capacity()) {
                int most = Math.max(maxRequestBytes, maxInlineBytes) + 64;
                if (in.capacity() >= most) {
                    // The incomplete request already fills the largest buffer allowed (its last
                    // "$len" header cut short, say): it is over the limit whatever comes next.
                    throw new RespProtocolException(state == INLINE ? "too big inline request"
                            : "request larger than " + maxRequestBytes + " bytes");
                }
                in.ensureCapacity(Math.min(in.capacity() * 2, most));
            }
            if (in.fill() < 0) {
                return false;
            }
        }
    }

    /** Number of arguments of the current request, the command name included. */
    public int argc() {
        return argc;
    }

    /** Whether the current request came inline (typed) rather than as a RESP array. */
    public boolean isInline() {
        return inline;
    }

    public byte[] array(int i) {
        check(i);
        return inline ? scratch : in.array();
    }

    public int start(int i) {
        check(i);
        return inline ? starts[i] : requestStart + starts[i];
    }

    public int length(int i) {
        check(i);
        return lengths[i];
    }

    /** Argument {@code i} as a new byte array. */
    public byte[] bytes(int i) {
        int s = start(i);
        return Arrays.copyOfRange(array(i), s, s + lengths[i]);
    }

    /** Argument {@code i} decoded as UTF-8. */
    public String string(int i) {
        return new String(array(i), start(i), lengths[i], StandardCharsets.UTF_8);
    }

    /** Whether argument {@code i} equals {@code upperCaseAscii}, ignoring ASCII case. */
    public boolean equalsIgnoreCase(int i, byte[] upperCaseAscii) {
        if (lengths[i] != upperCaseAscii.length) {
            return false;
        }
        byte[] a = array(i);
        int s = start(i);
        for (int k = 0; k < upperCaseAscii.length; k++) {
            int c = a[s + k];
            if (c >= 'a' && c <= 'z') {
                c -= 32;
            }
            if (c != upperCaseAscii[k]) {
                return false;
            }
        }
        return true;
    }

    private void check(int i) {
        if (i < 0 || i >= argc) {
            throw new IndexOutOfBoundsException("argument " + i + " of " + argc);
        }
    }

    /** Parses what is buffered; true when a whole request is, with {@code consumed} set. */
    private boolean parse() throws RespProtocolException {
        if (state == START) {
            argc = 0;
            parsed = 0;
            state = in.array()[in.readIndex()] == '*' ? MULTIBULK : INLINE;
        }
        boolean complete = state == INLINE ? parseInline() : parseMultibulk();
        if (complete) {
            inline = state == INLINE;
            state = START;
        }
        return complete;
    }

    private boolean parseInline() throws RespProtocolException {
        byte[] a = in.array();
        int base = in.readIndex();
        int lf = in.indexOf((byte) '\n', base + parsed);
        if (lf < 0) {
            parsed = in.readable();
            if (in.readable() > maxInlineBytes) {
                throw new RespProtocolException("too big inline request");
            }
            return false;
        }
        int end = lf > base && a[lf - 1] == '\r' ? lf - 1 : lf;
        if (end - base > maxInlineBytes) {
            throw new RespProtocolException("too big inline request");
        }
        splitInline(a, base, end);
        consumed = lf + 1 - base;
        parsed = 0;
        return true;
    }

    private boolean parseMultibulk() throws RespProtocolException {
        byte[] a = in.array();
        int base = in.readIndex();
        int avail = in.readable();
        if (expected < 0) {
            int crlf = findCrlf(a, base + parsed, base + avail);
            if (crlf < 0) {
                parsed = Math.max(0, avail - 1);
                if (avail > MAX_COUNT_LINE) {
                    throw new RespProtocolException("invalid multibulk length");
                }
                return false;
            }
            long n = parseLong(a, base + 1, crlf);
            if (n == Long.MIN_VALUE || n > maxArguments) {
                throw new RespProtocolException("invalid multibulk length");
            }
            parsed = crlf + 2 - base;
            if (n <= 0) {
                consumed = parsed;
                argc = 0;
                parsed = 0;
                return true;
            }
            expected = (int) n;
            argc = 0;
        }
        while (argc < expected) {
            if (bulkLength < 0) {
                int crlf = findCrlf(a, base + parsed, base + avail);
                if (crlf < 0) {
                    if (avail - parsed > MAX_COUNT_LINE) {
                        throw new RespProtocolException("invalid bulk length");
                    }
                    return false;
                }
                if (a[base + parsed] != '$') {
                    throw new RespProtocolException("expected '$', got '" + printable(a[base + parsed]) + "'");
                }
                long len = parseLong(a, base + parsed + 1, crlf);
                if (len < 0 || len > maxRequestBytes) {
                    throw new RespProtocolException("invalid bulk length");
                }
                bulkLength = (int) len;
                parsed = crlf + 2 - base;
                if (parsed + bulkLength + 2L > maxRequestBytes + 64L) {
                    throw new RespProtocolException("request larger than " + maxRequestBytes + " bytes");
                }
            }
            if (avail - parsed < bulkLength + 2) {
                return false;
            }
            if (a[base + parsed + bulkLength] != '\r' || a[base + parsed + bulkLength + 1] != '\n') {
                throw new RespProtocolException("expected CRLF after bulk string");
            }
            addArg(parsed, bulkLength);
            parsed += bulkLength + 2;
            bulkLength = -1;
        }
        consumed = parsed;
        expected = -1;
        parsed = 0;
        return true;
    }

    private void addArg(int start, int length) {
        if (argc == starts.length) {
            starts = Arrays.copyOf(starts, argc * 2);
            lengths = Arrays.copyOf(lengths, argc * 2);
        }
        starts[argc] = start;
        lengths[argc] = length;
        argc++;
    }

    /** Redis's sdssplitargs: words split by spaces; "double quotes" with escapes; 'single quotes'. */
    private void splitInline(byte[] a, int from, int to) throws RespProtocolException {
        argc = 0;
        if (scratch.length < to - from) {
            scratch = new byte[Math.max(to - from, scratch.length * 2)];
        }
        int out = 0;
        int i = from;
        while (true) {
            while (i < to && isSpace(a[i])) {
                i++;
            }
            if (i >= to) {
                return;
            }
            int argStart = out;
            boolean inDouble = false;
            boolean inSingle = false;
            boolean done = false;
            while (!done) {
                if (inDouble) {
                    if (i >= to) {
                        throw new RespProtocolException("unbalanced quotes in request");
                    }
                    byte c = a[i];
                    if (c == '\\' && i + 3 < to && a[i + 1] == 'x' && isHex(a[i + 2]) && isHex(a[i + 3])) {
                        scratch[out++] = (byte) (hex(a[i + 2]) * 16 + hex(a[i + 3]));
                        i += 3;
                    } else if (c == '\\' && i + 1 < to) {
                        i++;
                        scratch[out++] = switch (a[i]) {
                            case 'n' -> '\n';
                            case 'r' -> '\r';
                            case 't' -> '\t';
                            case 'b' -> '\b';
                            case 'a' -> 7;
                            default -> a[i];
                        };
                    } else if (c == '"') {
                        if (i + 1 < to && !isSpace(a[i + 1])) {
                            throw new RespProtocolException("unbalanced quotes in request");
                        }
                        done = true;
                    } else {
                        scratch[out++] = c;
                    }
                } else if (inSingle) {
                    if (i >= to) {
                        throw new RespProtocolException("unbalanced quotes in request");
                    }
                    byte c = a[i];
                    if (c == '\\' && i + 1 < to && a[i + 1] == '\'') {
                        i++;
                        scratch[out++] = '\'';
                    } else if (c == '\'') {
                        if (i + 1 < to && !isSpace(a[i + 1])) {
                            throw new RespProtocolException("unbalanced quotes in request");
                        }
                        done = true;
                    } else {
                        scratch[out++] = c;
                    }
                } else if (i >= to || isSpace(a[i])) {
                    done = true;
                } else if (a[i] == '"') {
                    inDouble = true;
                } else if (a[i] == '\'') {
                    inSingle = true;
                } else {
                    scratch[out++] = a[i];
                }
                if (i < to) {
                    i++;
                }
            }
            addArg(argStart, out - argStart);
        }
    }

    private static boolean isSpace(byte c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == 0x0b || c == '\f';
    }

    private static boolean isHex(byte c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    private static int hex(byte c) {
        return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
    }

    private static int findCrlf(byte[] a, int from, int to) {
        for (int i = from; i < to - 1; i++) {
            if (a[i] == '\r' && a[i + 1] == '\n') {
                return i;
            }
        }
        return -1;
    }

    /** Parses a signed decimal in [from, to); Long.MIN_VALUE if it is not one. */
    private static long parseLong(byte[] a, int from, int to) {
        if (from >= to || to - from > 19) {
            return Long.MIN_VALUE;
        }
        boolean negative = a[from] == '-';
        int i = negative ? from + 1 : from;
        if (i == to) {
            return Long.MIN_VALUE;
        }
        long v = 0;
        for (; i < to; i++) {
            int d = a[i] - '0';
            if (d < 0 || d > 9) {
                return Long.MIN_VALUE;
            }
            v = v * 10 + d;
        }
        return negative ? -v : v;
    }

    private static String printable(byte b) {
        return b >= 0x20 && b < 0x7f ? String.valueOf((char) b) : String.format("\\x%02x", b & 0xff);
    }
}
