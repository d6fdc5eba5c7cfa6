package io.tcpkit;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;

/**
 * A snapshot of one open connection, for listings (CLIENT LIST, admin pages).
 *
 * @param idle        time since the last byte was read or written
 * @param queuedBytes output accepted for the peer and not yet written to the socket
 * @param state       where the connection is in its life
 */
public record ConnectionInfo(
        long id,
        String service,
        InetSocketAddress remoteAddress,
        Instant openedAt,
        Duration idle,
        long bytesIn,
        long bytesOut,
        long queuedBytes,
        ConnectionState state) {

    /** How long the connection has been open. */
    public Duration age() {
        return Duration.between(openedAt, Instant.now());
    }
}
