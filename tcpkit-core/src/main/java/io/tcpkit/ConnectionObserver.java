package io.tcpkit;

import java.net.InetSocketAddress;

/**
 * Told of the life of a listener's connections, for metrics and logs. Methods run on the thread
 * where the event happens (a connection's own thread, the accept thread): they must be quick and
 * must not block or throw. Every method has an empty default.
 */
public interface ConnectionObserver {
    /** Observes nothing. */
    ConnectionObserver NONE = new ConnectionObserver() {
    };

    /** A connection was admitted and its service is about to see it (after PROXY header and TLS handshake). */
    default void opened(ConnectionInfo connection) {
    }

    /** A connection ended, for {@code reason}; {@code connection} is its last snapshot. */
    default void closed(ConnectionInfo connection, CloseReason reason) {
    }

    /** A client was refused before its service saw it. */
    default void rejected(InetSocketAddress client, RejectReason reason) {
    }
}
