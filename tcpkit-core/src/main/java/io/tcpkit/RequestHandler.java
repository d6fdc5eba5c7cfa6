package io.tcpkit;

import java.io.IOException;

/**
 * A service that serves a connection in turns, so that an idle connection holds no thread.
 *
 * <p>The engine calls {@link #serve} on a virtual thread when input (or end of stream) is waiting
 * in {@link Connection#input()}; {@code serve} handles one or more requests with the usual
 * blocking calls (reading the rest of a request that is still arriving is fine) and returns
 * {@code true} to wait for the next one, or {@code false} to end the conversation. Between turns
 * a busy connection keeps its thread, blocked in an untimed read (the fast path); a quiet one (its
 * last wait lasted 50 ms or more) gives the thread back and its socket waits in the engine's
 * selector until the client speaks again. An idle connection then costs its socket and a few small
 * objects, about 1 KiB, where a thread parked in a read costs several.
 *
 * <p>A turn should consume what it handled; one that consumes nothing is taken to need more of a
 * frame, which the engine reads (under the read timeout) before it calls {@code serve} again.
 * State that outlives a turn lives in the handler object, not on the stack: use
 * {@link TcpServer.Builder#requestHandlers} for one handler per connection.
 *
 * <pre>{@code
 * RequestHandler echo = conn -> {
 *     ReadBuffer in = conn.input();
 *     if (in.readable() == 0 && in.fill() < 0) {
 *         return false; // the client closed: end the connection
 *     }
 *     conn.write(in.array(), in.readIndex(), in.readable());
 *     in.skip(in.readable());
 *     return true;
 * };
 * }</pre>
 */
@FunctionalInterface
public interface RequestHandler {
    /**
     * Serves what has arrived. What it writes is flushed when the connection next waits for input.
     *
     * @return true to wait for the next request, false to end the connection
     * @throws IOException          the connection failed or timed out; the engine records why
     * @throws InterruptedException a wait in the handler was interrupted; the connection closes
     */
    boolean serve(Connection connection) throws IOException, InterruptedException;

    /**
     * Called on the serving thread when the connection is about to wait for its next request
     * without a thread (nothing is buffered then): drop what the next request can rebuild (a
     * decoder, scratch arrays), so that an idle connection costs little. It must not block; the
     * default does nothing. The connection may yet keep its thread after this (if output is being
     * written for it, say): a handler must rebuild what it dropped on its next turn either way.
     */
    default void idle(Connection connection) {
    }

    /**
     * Called once when the connection has ended, whatever ended it (the handler, the peer, a
     * timeout, a kill, the shutdown), on the thread that ended it, after the socket closed: release
     * what the connection held (subscriptions, names). It must not block; the default does nothing.
     */
    default void closed(Connection connection, CloseReason reason) {
    }

    /** Makes the handler of one connection. */
    @FunctionalInterface
    interface Factory {
        /**
         * Called on the connection's own thread when it opens (after its PROXY header and TLS
         * handshake), before its first request: it may write a greeting, which is flushed before
         * the connection waits for input. If it throws, the connection closes as a handler error
         * and, having no handler, no {@link RequestHandler#closed} is called: release what it took
         * before it throws.
         */
        RequestHandler open(Connection connection) throws IOException, InterruptedException;
    }
}
