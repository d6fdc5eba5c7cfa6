package io.tcpkit.codec;

import java.io.IOException;

/**
 * A request broke the Redis serialization protocol. The message is the text Redis itself sends
 * after {@code -ERR Protocol error: }, such as "invalid bulk length"; Redis closes the connection
 * after replying, and so should a server.
 */
public final class RespProtocolException extends IOException {
    private static final long serialVersionUID = 1L;

    public RespProtocolException(String message) {
        super(message);
    }
}
