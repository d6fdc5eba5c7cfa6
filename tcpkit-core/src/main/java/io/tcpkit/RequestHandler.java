package io.tcpkit;

import java.io.IOException;

/**
 * A service for request/response protocols that holds no thread while its connection is idle.
 *
 * <p>A {@link ConnectionHandler} keeps its virtual thread from accept to close, parked in a read
 * while the client is quiet: a few KiB of stack per idle connection. A request handler instead
 * serves the connection in turns. The engine calls {@link #serve} on a virtual thread when input
 * (or end of stream) is waiting; {@code serve} handles one or more requests with the usual
 * blocking calls (reading the rest of a request that is still arriving is fine) and returns.
 *
 * <p>A new connection waits for its first request in the engine's selector, with no thread. A
 * busy connection keeps its thread between requests, waiting in an untimed read (the fast path).
 * A quiet one (its last wait lasted 50 ms or more, or it has just come from the selector) waits
 * at most {@link TcpServer.Builder#releaseIdleAfter releaseIdleAfter} on its thread, then the
 * thread ends and the socket waits in the selector until the client speaks again. Limits,
 * timeouts, draining and close reasons work exactly as for a connection handler.
 *
 * <p>A turn should consume what it handled: the line last read from {@link Connection#lines()}
 * is consumed when the turn ends, and a turn that consumes nothing is taken to need more of a
 * frame, which the engine reads (under the read timeout) before the next turn. State that must
 * outlive one turn lives in objects the handler keeps per connection, not on its stack. TLS
 * connections, and PROXY connections whose header arrived with data behind it, keep their thread
 * and are served the same way. {@link Connection#send} is not available: the socket may be
 * waiting in the selector when another thread sends.
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
     * Serves what has arrived. The engine flushes what was written when it next waits for input.
     *
     * @return true to wait for the next request, false to end the connection
     * @throws IOException          the connection failed or timed out; the engine records why
     * @throws InterruptedException a wait in the handler was interrupted; the connection closes
     */
    boolean serve(Connection connection) throws IOException, InterruptedException;
}
