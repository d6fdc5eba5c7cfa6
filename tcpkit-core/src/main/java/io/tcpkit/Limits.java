package io.tcpkit;

import java.time.Duration;

/**
 * The limits a listener enforces, immutable. Start from {@link #DEFAULT} and change what you need
 * with the {@code with…} methods. A {@link Duration#ZERO} timeout means "no timeout".
 *
 * @param maxConnections            connections open at once on the listener; the next one gets
 *                                  the rejection message and a close (default 10,000)
 * @param maxConnectionsPerAddress  connections open at once from one client IP address
 *                                  (default 1,000)
 * @param idleTimeout               how long a connection may wait with no input between frames
 *                                  (default 5 minutes)
 * @param readTimeout               how long a frame may take to arrive once its first byte has:
 *                                  cuts off slowloris peers (default 30 seconds)
 * @param writeTimeout              how long one write may stay blocked because the peer does not
 *                                  read (default 30 seconds)
 * @param maxLineBytes              longest line (or inline frame) a line decoder accepts, without
 *                                  its terminator (default 64 KiB)
 * @param maxOutboundBytes          bytes that may wait in a connection's outbound queue (messages
 *                                  other connections {@link Connection#send sent} it); past that
 *                                  it is closed as a slow consumer (default 1 MiB)
 */
public record Limits(
        int maxConnections,
        int maxConnectionsPerAddress,
        Duration idleTimeout,
        Duration readTimeout,
        Duration writeTimeout,
        int maxLineBytes,
        int maxOutboundBytes) {

    public static final int DEFAULT_MAX_CONNECTIONS = 10_000;
    public static final int DEFAULT_MAX_CONNECTIONS_PER_ADDRESS = 1_000;
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(5);
    public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(30);
    public static final Duration DEFAULT_WRITE_TIMEOUT = Duration.ofSeconds(30);
    public static final int DEFAULT_MAX_LINE_BYTES = 64 * 1024;
    public static final int DEFAULT_MAX_OUTBOUND_BYTES = 1024 * 1024;

    public static final Limits DEFAULT = new Limits(DEFAULT_MAX_CONNECTIONS,
            DEFAULT_MAX_CONNECTIONS_PER_ADDRESS, DEFAULT_IDLE_TIMEOUT, DEFAULT_READ_TIMEOUT,
            DEFAULT_WRITE_TIMEOUT, DEFAULT_MAX_LINE_BYTES, DEFAULT_MAX_OUTBOUND_BYTES);

    public Limits {
        positive("maxConnections", maxConnections);
        positive("maxConnectionsPerAddress", maxConnectionsPerAddress);
        notNegative("idleTimeout", idleTimeout);
        notNegative("readTimeout", readTimeout);
        notNegative("writeTimeout", writeTimeout);
        positive("maxLineBytes", maxLineBytes);
        positive("maxOutboundBytes", maxOutboundBytes);
    }

    public Limits withMaxConnections(int n) {
        return new Limits(n, maxConnectionsPerAddress, idleTimeout, readTimeout, writeTimeout, maxLineBytes, maxOutboundBytes);
    }

    public Limits withMaxConnectionsPerAddress(int n) {
        return new Limits(maxConnections, n, idleTimeout, readTimeout, writeTimeout, maxLineBytes, maxOutboundBytes);
    }

    public Limits withIdleTimeout(Duration d) {
        return new Limits(maxConnections, maxConnectionsPerAddress, d, readTimeout, writeTimeout, maxLineBytes, maxOutboundBytes);
    }

    public Limits withReadTimeout(Duration d) {
        return new Limits(maxConnections, maxConnectionsPerAddress, idleTimeout, d, writeTimeout, maxLineBytes, maxOutboundBytes);
    }

    public Limits withWriteTimeout(Duration d) {
        return new Limits(maxConnections, maxConnectionsPerAddress, idleTimeout, readTimeout, d, maxLineBytes, maxOutboundBytes);
    }

    public Limits withMaxLineBytes(int n) {
        return new Limits(maxConnections, maxConnectionsPerAddress, idleTimeout, readTimeout, writeTimeout, n, maxOutboundBytes);
    }

    public Limits withMaxOutboundBytes(int n) {
        return new Limits(maxConnections, maxConnectionsPerAddress, idleTimeout, readTimeout, writeTimeout, maxLineBytes, n);
    }

    private static void positive(String name, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive, got " + value);
        }
    }

    private static void notNegative(String name, Duration value) {
        if (value == null || value.isNegative()) {
            throw new IllegalArgumentException(name + " must be zero (none) or positive, got " + value);
        }
    }
}
