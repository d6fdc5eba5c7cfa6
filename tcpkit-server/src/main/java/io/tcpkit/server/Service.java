package io.tcpkit.server;

import io.tcpkit.RejectReason;
import io.tcpkit.TcpServer;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** A service the program can run on a listener: a name, a default port, and its handlers. */
public interface Service {

    String name();

    int defaultPort();

    /**
     * Sets the service's handler on a listener's builder: every service is served in turns
     * ({@link io.tcpkit.RequestHandler}), so that its idle connections hold no thread.
     */
    TcpServer.Builder handle(TcpServer.Builder builder);

    /** What a client refused at a connection limit is told, in the service's own protocol. */
    default Optional<byte[]> rejectionMessage(RejectReason reason) {
        String text = switch (reason) {
            case MAX_CONNECTIONS -> "ERR too many connections\r\n";
            case MAX_CONNECTIONS_PER_ADDRESS -> "ERR too many connections from your address\r\n";
            case DENIED -> "ERR access denied\r\n";
            case RATE_LIMITED -> "ERR too many connections per second from your address\r\n";
            case BAD_PROXY_HEADER -> "ERR bad PROXY protocol header\r\n";
            case SHUTTING_DOWN -> "ERR server is shutting down\r\n";
        };
        return Optional.of(text.getBytes(StandardCharsets.US_ASCII));
    }

    /** Called once the service's listener is bound, before the first connection. */
    default void started(TcpServer server) {
    }

    /** Called when the server stops, after every connection has ended. */
    default void stopped() {
    }
}
