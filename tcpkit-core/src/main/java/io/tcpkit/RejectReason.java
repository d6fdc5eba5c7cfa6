package io.tcpkit;

/** Why a new connection was refused before its handler ran. */
public enum RejectReason {
    /** {@link Limits#maxConnections()} connections were already open on the listener. */
    MAX_CONNECTIONS,
    /** {@link Limits#maxConnectionsPerAddress()} connections were already open from that address. */
    MAX_CONNECTIONS_PER_ADDRESS,
    /** The server is shutting down. */
    SHUTTING_DOWN
}
