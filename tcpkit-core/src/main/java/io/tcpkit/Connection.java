package io.tcpkit;

import io.tcpkit.codec.LineReader;
import io.tcpkit.codec.ReadBuffer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * One accepted TCP connection, as its handler sees it.
 *
 * <p><b>Threads.</b> Reading and writing belong to the thread that runs the connection's handler.
 * {@link #send}, {@link #close(CloseReason)}, the identity methods and {@link #isDraining()} may be
 * called from any thread.
 *
 * <p><b>One ordered output.</b> {@code write} appends to an output buffer; {@link #send} queues a
 * message from any thread. Both leave in the order they were issued: a message sent after a reply
 * was written (a pub/sub message after the subscription's confirmation, say) is never written
 * before it. The engine flushes in one system call just before the connection waits for more
 * input, when the buffer fills, and when the handler returns, so a pipelined batch of requests is
 * answered with one write without doing anything. Call {@link #flush()} to push bytes out earlier.
 *
 * <p><b>Input.</b> {@link #input()} is the connection's read buffer for in-place decoding;
 * {@link #lines()} is a line decoder over it bounded by {@link Limits#maxLineBytes()}; {@link
 * #read} and {@link #inputStream()} give the raw stream. All three share one buffer, so they can
 * be mixed (a line-based handshake, then a raw stream). Reads apply the listener's timeouts and
 * throw {@link ConnectionTimeoutException} when one passes.
 */
public interface Connection {

    /** Unique for the life of the process, across all listeners. */
    long id();

    /** The name of the service this listener runs (for logs and listings). */
    String service();

    InetSocketAddress remoteAddress();

    InetSocketAddress localAddress();

    Instant openedAt();

    Limits limits();

    /** The TLS session (protocol, cipher suite, peer certificates) on a TLS listener; empty otherwise. */
    java.util.Optional<javax.net.ssl.SSLSession> tlsSession();

    /** The connection's read buffer, for decoders that parse in place. */
    ReadBuffer input();

    /** A line decoder over {@link #input()} with {@link Limits#maxLineBytes()} (created once). */
    LineReader lines();

    /**
     * Reads raw bytes, buffered ones first; blocks until at least one byte is available.
     *
     * @return the number of bytes read, or -1 at end of stream
     */
    int read(byte[] b, int off, int len) throws IOException;

    /** The raw input as a stream (shares the buffer with {@link #read}). */
    InputStream inputStream();

    /** Appends bytes to the output buffer (large writes go straight to the socket). */
    void write(byte[] b, int off, int len) throws IOException;

    default void write(byte[] b) throws IOException {
        write(b, 0, b.length);
    }

    /** Appends {@code text} encoded as UTF-8. */
    default void write(String text) throws IOException {
        write(text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Writes everything this connection has written or been sent so far to the socket, and
     * returns once it has been written (or the write timeout closed the connection).
     */
    void flush() throws IOException;

    /** The output as a stream: writes go to the output buffer; {@code flush()} flushes it. */
    OutputStream outputStream();

    /**
     * Queues a message for this connection from any thread, without blocking: for fan-out (chat,
     * pub/sub). It is written after everything this connection wrote or was sent before, by
     * whichever thread is free to write (the connection's own when it flushes, a writer thread, or
     * the engine's selector while the connection is idle), gathered with other queued output into
     * as few writes as possible. If more than {@link Limits#maxOutboundBytes()} are waiting, the
     * connection is closed as a {@linkplain CloseReason#SLOW_CONSUMER slow consumer} and this
     * returns false; it also returns false once the connection is closed. After
     * {@link #shutdownOutput} nothing more is written and the connection stays open for reading:
     * a message sent then is refused (false). The array must not be modified afterwards; one array
     * may be sent to many connections.
     */
    boolean send(byte[] message);

    /**
     * Counts memory a service holds for this connection (its subscriptions, say) in the server's
     * {@link MemoryBudget}, or returns some with a negative delta. A charge that takes the budget
     * past its limit evicts the biggest holders, maybe this connection: then this returns false,
     * the connection is closing ({@link CloseReason#MEMORY_EVICTED}) and nothing more should be
     * allocated for it.
     */
    default boolean accountMemory(long deltaBytes) {
        return true;
    }

    /** Flushes, then half-closes: the peer reads end of stream; we can still read. */
    void shutdownOutput() throws IOException;

    /**
     * Whether the server is shutting down. Once it is, a read that would wait for a new frame
     * returns end of stream instead, so a handler ends the conversation at the next frame
     * boundary; it may check this to send a goodbye first.
     */
    boolean isDraining();

    /**
     * Closes the connection, recording why (the first reason recorded wins). On the connection's
     * own thread, buffered output is flushed first and the close is graceful; from any other
     * thread the socket closes at once and the handler's next I/O fails.
     */
    void close(CloseReason reason);

    /** Whether the connection is still open. */
    boolean isOpen();
}
