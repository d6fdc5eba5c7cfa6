package io.tcpkit.server.echo;

import io.tcpkit.ConnectionHandler;
import io.tcpkit.codec.ReadBuffer;
import io.tcpkit.server.Service;

/**
 * Echo (RFC 862, and the "Smoke Test" rules in PROTOCOLS.md): every byte received is sent back
 * unchanged. When the client half-closes, what is still owed is sent and then the connection
 * closes; the engine does that when the handler returns.
 *
 * <p>The fast path is one read into the connection's buffer and one write of the same bytes,
 * with no allocation per message. The engine flushes before it blocks to read again, and sends
 * large reads straight from the buffer to the socket without a copy.
 */
public final class EchoService implements Service {
    public static final int DEFAULT_PORT = 7000;

    private static final ConnectionHandler ECHO = conn -> {
        ReadBuffer in = conn.input();
        while (in.fill() > 0) {
            conn.write(in.array(), in.readIndex(), in.readable());
            in.skip(in.readable());
        }
    };

    @Override
    public String name() {
        return "echo";
    }

    @Override
    public int defaultPort() {
        return DEFAULT_PORT;
    }

    @Override
    public ConnectionHandler handler() {
        return ECHO;
    }
}
