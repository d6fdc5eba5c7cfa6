package io.tcpkit;

import java.io.IOException;

/**
 * A service as plain blocking code that keeps the connection's virtual thread from accept to
 * close: the simplest way to write one. Return (or throw) to end the connection; the engine then
 * flushes what was written, closes the socket and records why. A handler never needs to close the
 * connection itself. To hold no thread while the connection is idle, write a
 * {@link RequestHandler} instead; the engine runs a connection handler as one turn that lasts the
 * whole conversation.
 *
 * <pre>{@code
 * ConnectionHandler echo = conn -> {
 *     ReadBuffer in = conn.input();
 *     while (in.fill() > 0) {
 *         conn.write(in.array(), in.readIndex(), in.readable());
 *         in.skip(in.readable());
 *     }
 * };
 * }</pre>
 */
@FunctionalInterface
public interface ConnectionHandler {
    /**
     * Serves one connection until the conversation ends.
     *
     * @throws IOException          the connection failed or timed out; the engine records why
     * @throws InterruptedException a wait in the handler was interrupted; the connection closes
     */
    void handle(Connection connection) throws IOException, InterruptedException;
}
