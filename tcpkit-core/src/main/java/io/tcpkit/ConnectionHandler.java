package io.tcpkit;

import java.io.IOException;

/**
 * A service: plain blocking code that runs on the connection's own virtual thread, from accept
 * to close. Return (or throw) to end the connection; the engine then flushes what was written,
 * closes the socket and records why. A handler never needs to close the connection itself.
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
