package io.tcpkit.codec;

import java.io.IOException;
import java.util.Arrays;

/**
 * The input side of a connection: bytes read from a {@link Source} into one array, consumed by
 * decoders by index, in place, with no allocation per message.
 *
 * <p>The array starts small ({@link #DEFAULT_INITIAL_CAPACITY}) so that an idle connection costs
 * little, doubles while reads fill it (a bulk stream soon reads up to {@code maxCapacity} at a
 * time) and halves again after a run of small reads. A decoder that needs a whole frame in memory
 * may {@link #ensureCapacity grow} it up to its own frame limit; a buffer so grown past the read
 * size goes back to its initial size at the first {@link #fill} after a {@link #skip} emptied it
 * (the frame consumed), and tells its source so.
 *
 * <p>Not thread-safe: it belongs to the one thread that runs the connection.
 */
public final class ReadBuffer {
    /** Where the bytes come from: a connection's socket, with its timeouts and accounting. */
    @FunctionalInterface
    public interface Source {
        /**
         * Reads at least one byte into {@code b}, blocking until some arrive; a non-blocking
         * source may return 0 when none are there.
         *
         * @return the number of bytes read, or -1 at end of stream
         */
        int read(byte[] b, int off, int len) throws IOException;

        /**
         * The buffer is about to grow to {@code newCapacity} bytes: a source that accounts memory
         * charges it here, before the array is allocated, and may refuse by throwing.
         */
        default void growing(int newCapacity) throws IOException {
        }

        /** The buffer shrank to {@code newCapacity} bytes (0 when it let its array go). */
        default void shrunk(int newCapacity) {
        }
    }

    public static final int DEFAULT_INITIAL_CAPACITY = 512;
    public static final int DEFAULT_MAX_CAPACITY = 64 * 1024;
    /** Consecutive small reads after which a grown buffer shrinks by half. */
    private static final int SMALL_READS_BEFORE_SHRINK = 8;
    private static final byte[] NONE = new byte[0];

    private final Source source;
    private final int initialCapacity;
    private final int maxReadCapacity;
    private byte[] buf;
    private int readIndex;
    private int writeIndex;
    /** Up to {@link #SMALL_READS_BEFORE_SHRINK}: a byte keeps an idle connection's buffer object at 40 bytes. */
    private byte smallReads;
    private boolean eof;
    /**
     * Set when a skip empties a buffer grown past the read size (only {@link #ensureCapacity},
     * for one large frame, grows it so far): the next fill makes it small again, unless a decoder
     * asks for the room again first. A small request never sets it.
     */
    private boolean oversizedAndEmpty;

    public ReadBuffer(Source source) {
        this(source, DEFAULT_INITIAL_CAPACITY, DEFAULT_MAX_CAPACITY);
    }

    public ReadBuffer(Source source, int initialCapacity, int maxReadCapacity) {
        if (initialCapacity < 16 || maxReadCapacity < initialCapacity) {
            throw new IllegalArgumentException("need 16 <= initialCapacity <= maxReadCapacity, got "
                    + initialCapacity + ", " + maxReadCapacity);
        }
        this.source = source;
        this.initialCapacity = initialCapacity;
        this.maxReadCapacity = maxReadCapacity;
        this.buf = new byte[initialCapacity];
    }

    /** The backing array; valid from {@link #readIndex()} to {@link #writeIndex()} until the next fill. */
    public byte[] array() {
        return buf;
    }

    public int readIndex() {
        return readIndex;
    }

    public int writeIndex() {
        return writeIndex;
    }

    /** Bytes buffered and not yet consumed. */
    public int readable() {
        return writeIndex - readIndex;
    }

    public int capacity() {
        return buf.length;
    }

    /** Whether the source has reported end of stream. */
    public boolean isEof() {
        return eof;
    }

    /** Consumes {@code n} buffered bytes. */
    public void skip(int n) {
        if (n < 0 || n > readable()) {
            throw new IndexOutOfBoundsException("skip " + n + " of " + readable());
        }
        readIndex += n;
        if (readIndex == writeIndex) {
            readIndex = writeIndex = 0;
            oversizedAndEmpty = buf.length > maxReadCapacity;
        }
    }

    /** Index of the first {@code b} at or after {@code from} in the readable bytes, or -1. */
    public int indexOf(byte b, int from) {
        byte[] a = buf;
        for (int i = Math.max(from, readIndex), end = writeIndex; i < end; i++) {
            if (a[i] == b) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Reads once from the source, appending to the buffered bytes.
     *
     * @return the number of bytes read (at least 1 from a blocking source), or -1 at end of stream
     */
    public int fill() throws IOException {
        if (eof) {
            return -1;
        }
        makeRoom();
        int n = source.read(buf, writeIndex, buf.length - writeIndex);
        if (n < 0) {
            eof = true;
            return -1;
        }
        writeIndex += n;
        adapt(n);
        return n;
    }

    /**
     * Makes room for at least {@code bytes} buffered bytes in total, growing the array if needed.
     * Decoders call this to hold a frame larger than the read size, after checking their limit.
     */
    public void ensureCapacity(int bytes) throws IOException {
        oversizedAndEmpty = false; // it is wanted large
        if (bytes > buf.length) {
            compact();
            grow(Math.max(bytes, Math.min(buf.length * 2, maxReadCapacity)));
        }
    }

    /** Every growth goes through here, so that the source can account for it first. */
    private void grow(int size) throws IOException {
        source.growing(size);
        buf = Arrays.copyOf(buf, size);
    }

    /** Copies up to {@code len} buffered bytes into {@code dst}, consuming them. */
    public int drainTo(byte[] dst, int off, int len) {
        int n = Math.min(len, readable());
        System.arraycopy(buf, readIndex, dst, off, n);
        skip(n);
        return n;
    }

    /**
     * Drops the array while nothing is buffered, so that a connection waiting for its next
     * request holds no buffer; the next fill allocates the initial capacity again.
     */
    public void release() {
        if (readIndex == writeIndex) {
            boolean had = buf.length > 0;
            buf = NONE;
            readIndex = writeIndex = smallReads = 0;
            oversizedAndEmpty = false;
            if (had) {
                source.shrunk(0);
            }
        }
    }

    private void makeRoom() throws IOException {
        if (oversizedAndEmpty) {
            // Back to the initial size before the next read, so that a client that sent one 1 MB
            // request and then small ones does not keep 1 MB (as Redis frees a query buffer past
            // its resize threshold). Not at the skip itself: a decoder may still look at what it
            // consumed until the next fill.
            oversizedAndEmpty = false;
            buf = new byte[initialCapacity];
            smallReads = 0;
            source.shrunk(initialCapacity);
        }
        if (buf.length == 0) {
            source.growing(initialCapacity);
            buf = new byte[initialCapacity];
        }
        if (writeIndex < buf.length) {
            return;
        }
        if (readIndex > 0) {
            compact();
        } else if (buf.length < maxReadCapacity) {
            grow(Math.min(buf.length * 2, maxReadCapacity));
        } else {
            throw new IllegalStateException("read buffer full (" + buf.length
                    + " bytes of one frame): consume bytes or ensureCapacity first");
        }
    }

    private void compact() {
        int n = readable();
        System.arraycopy(buf, readIndex, buf, 0, n);
        readIndex = 0;
        writeIndex = n;
    }

    /**
     * Grow after a read that filled the array; halve after a run of small reads. Only within the
     * read size: a buffer grown past it holds the frame a decoder asked room for, however slowly
     * it arrives (halving it under the decoder made it grow again, and again), until the frame is
     * consumed.
     */
    private void adapt(int n) throws IOException {
        if (writeIndex == buf.length && buf.length < maxReadCapacity && readIndex == 0) {
            grow(Math.min(buf.length * 2, maxReadCapacity));
            smallReads = 0;
        } else if (buf.length > initialCapacity && buf.length <= maxReadCapacity && n < buf.length / 4) {
            if (++smallReads >= SMALL_READS_BEFORE_SHRINK && n <= buf.length / 2) {
                int keep = readable();
                int size = Math.max(initialCapacity, Math.max(buf.length / 2, Integer.highestOneBit(keep) * 2));
                if (size < buf.length) {
                    byte[] smaller = new byte[size];
                    System.arraycopy(buf, readIndex, smaller, 0, keep);
                    buf = smaller;
                    readIndex = 0;
                    writeIndex = keep;
                    source.shrunk(size);
                }
                smallReads = 0;
            }
        } else {
            smallReads = 0;
        }
    }
}
