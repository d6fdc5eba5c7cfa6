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
 *
 * <p>It reads what Redis 7 reads, as a differential fuzz against redis-server checks: counts and
 * lengths as Redis's {@code string2ll} reads them (no leading zeros, no "-0", no "+"; a count
 * over 2<sup>31</sup>-1 or that overflows is an invalid multibulk length), a count or length line
 * may be as long as an inline line before it is "too big", {@code \v} and {@code \f} are blanks
 * between inline words but not inside one, and a request may have any number of arguments within
 * its size limit. Deliberately stricter than Redis, which skips them unread: the byte after a
 * count's or length's CR must be LF, and the two bytes after a bulk string must be CRLF ("expected
 * CRLF after bulk string"). Different from Redis, which never finds the end of such a line: an
 * inline line may hold NUL bytes. Before {@link #limitUnauthenticated login}, as in Redis with a
 * password set, a request may have at most 10 arguments of at most 16 KiB.
 *
 * <p>Over 300 lines (by its documentation of where it departs from Redis): inline splitting
 * ({@link InlineSplitter}) and Redis's integer rules ({@link RedisIntegers}) are classes of their
 * own; what is left, the read loop, the multibulk state machine and the argument accessors, shares
 * the request's state, which is kept in this one object for a connection's memory's sake.
 */
public final class RespReader {
    public static final int DEFAULT_MAX_INLINE_BYTES = 64 * 1024;
    public static final int DEFAULT_MAX_REQUEST_BYTES = 1024 * 1024;
    /** As Redis: any number that fits an int; memory is bounded by the request size instead. */
    public static final int DEFAULT_MAX_ARGUMENTS = Integer.MAX_VALUE;
    /** Redis's limits for a client that has not logged in while a password is required. */
    private static final int UNAUTHENTICATED_MAX_ARGUMENTS = 10;
    private static final int UNAUTHENTICATED_MAX_BULK = 16 * 1024;

    private final ReadBuffer in;
    private final int maxInlineBytes;
    private final int maxRequestBytes;
    private final int maxArguments;

    // The current (or partially parsed) request; offsets are relative to in.readIndex(), which
    // stays put until the request is consumed, so they survive the buffer's compaction and growth.
    private static final byte[] NO_BYTES = new byte[0];
    /** Argument spans and the inline scratch array are kept up to these sizes between requests. */
    private static final int KEPT_SPANS = 64;
    private static final int KEPT_SCRATCH = 4096;
    private static final int START = 0;
    private static final int INLINE = 1;
    private static final int MULTIBULK = 2;

    private int state = START;
    private int consumed;
    /** Where the current request began in the buffer's array; it is consumed, but still there. */
    private int requestStart;
    private int parsed;
    private int expected = -1;
    private int bulkLength = -1;
    private int argc;
    /** Start and length of each argument, in pairs; grown as requests need, from room for two. */
    private int[] spans = new int[4];
    private boolean inline;
    /** Where inline requests are unquoted; made by the first one (programs send arrays). */
    private byte[] scratch = NO_BYTES;
    /** Where the search for the end of the current "$length" line goes on (relative offset). */
    private int headerScanned;
    private boolean unauthenticated;

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
        if (state == START) { // a request of thousands of arguments is not kept in memory after it
            if (spans.length > KEPT_SPANS) {
                spans = new int[4];
            }
            if (scratch.length > KEPT_SCRATCH) {
                scratch = NO_BYTES;
            }
        }
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

    /**
     * Whether the next requests come from a client that has not logged in while a login is
     * required: as in Redis, it may then send at most 10 arguments of at most 16 KiB each
     * ("unauthenticated multibulk length", "unauthenticated bulk length").
     */
    public void limitUnauthenticated(boolean limit) {
        unauthenticated = limit;
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
        return inline ? spans[2 * i] : requestStart + spans[2 * i];
    }

    public int length(int i) {
        check(i);
        return spans[2 * i + 1];
    }

    /** Argument {@code i} as a new byte array. */
    public byte[] bytes(int i) {
        int s = start(i);
        return Arrays.copyOfRange(array(i), s, s + length(i));
    }

    /** Argument {@code i} decoded as UTF-8. */
    public String string(int i) {
        return new String(array(i), start(i), length(i), StandardCharsets.UTF_8);
    }

    /** Whether argument {@code i} equals {@code upperCaseAscii}, ignoring ASCII case. */
    public boolean equalsIgnoreCase(int i, byte[] upperCaseAscii) {
        if (length(i) != upperCaseAscii.length) {
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
        argc = 0;
        if (scratch.length < end - base) {
            scratch = new byte[Math.max(Math.max(end - base, 64), scratch.length * 2)];
        }
        InlineSplitter.split(a, base, end, scratch, this);
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
                if (avail > maxInlineBytes) {
                    throw new RespProtocolException("too big mbulk count string");
                }
                return false;
            }
            long n = RedisIntegers.string2ll(a, base + 1, crlf, "invalid multibulk length");
            if (n > Integer.MAX_VALUE || n > maxArguments) {
                throw new RespProtocolException("invalid multibulk length");
            }
            if (n > UNAUTHENTICATED_MAX_ARGUMENTS && unauthenticated) {
                throw new RespProtocolException("unauthenticated multibulk length");
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
            headerScanned = parsed;
        }
        while (argc < expected) {
            if (bulkLength < 0) {
                int crlf = findCrlf(a, base + Math.max(parsed, headerScanned), base + avail);
                if (crlf < 0) {
                    headerScanned = Math.max(parsed, avail - 1);
                    if (avail - parsed > maxInlineBytes) {
                        throw new RespProtocolException("too big bulk count string");
                    }
                    return false;
                }
                if (a[base + parsed] != '$') {
                    throw new RespProtocolException("expected '$', got '" + (char) (a[base + parsed] & 0xff) + "'");
                }
                long length = RedisIntegers.string2ll(a, base + parsed + 1, crlf, "invalid bulk length");
                if (length < 0 || length > maxRequestBytes) {
                    throw new RespProtocolException("invalid bulk length");
                }
                if (length > UNAUTHENTICATED_MAX_BULK && unauthenticated) {
                    throw new RespProtocolException("unauthenticated bulk length");
                }
                bulkLength = (int) length;
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
            headerScanned = parsed;
            bulkLength = -1;
        }
        consumed = parsed;
        expected = -1;
        parsed = 0;
        return true;
    }

    /** Records the next argument's span (relative to the request, or in the inline scratch array). */
    void addArg(int start, int length) {
        if (2 * argc == spans.length) {
            spans = Arrays.copyOf(spans, spans.length * 2);
        }
        spans[2 * argc] = start;
        spans[2 * argc + 1] = length;
        argc++;
    }

    private static int findCrlf(byte[] a, int from, int to) {
        for (int i = from; i < to - 1; i++) {
            if (a[i] == '\r' && a[i + 1] == '\n') {
                return i;
            }
        }
        return -1;
    }
}
