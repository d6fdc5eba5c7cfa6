package io.tcpkit.server.echo;

import io.tcpkit.RequestHandler;
import io.tcpkit.TcpServer;
import io.tcpkit.codec.ReadBuffer;
import io.tcpkit.server.Service;

/**
 * Echo (RFC 862, and the "Smoke Test" rules in docs/protocols.md): every byte received is sent back
 * unchanged. When the client half-closes, what is still owed is sent and then the connection
 * closes; the engine does that when the handler returns.
 *
 * <p>It is served in turns ({@link RequestHandler}): a client that is quiet for a moment holds
 * no thread, so idle connections cost little more than their sockets.
 *
 * <p>The fast path is one read into the connection's buffer and one write of the same bytes,
 * with no allocation per message. The engine flushes before it blocks to read again, and sends
 * large reads straight from the buffer to the socket without a copy.
 */
public final class EchoService implements Service {
    public static final int DEFAULT_PORT = 7000;

    /** One turn: echo what has arrived (reading first if nothing has); false at end of stream. */
    public static final RequestHandler ECHO = conn -> {
        ReadBuffer in = conn.input();
        if (in.readable() == 0 && in.fill() < 0) {
            return false;
        }
        conn.write(in.array(), in.readIndex(), in.readable());
        in.skip(in.readable());
        return true;
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
    public TcpServer.Builder handle(TcpServer.Builder builder) {
        return builder.requestHandler(ECHO);
    }
}
