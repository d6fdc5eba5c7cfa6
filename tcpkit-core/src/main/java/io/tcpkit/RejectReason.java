package io.tcpkit;

/** Why a new connection was refused before its handler ran. */
public enum RejectReason {
    /** {@link Limits#maxConnections()} connections were already open on the listener. */
    MAX_CONNECTIONS,
    /** {@link Limits#maxConnectionsPerAddress()} connections were already open from that address. */
    MAX_CONNECTIONS_PER_ADDRESS,
    /** The address is denied, or not in the allow list ({@link AccessRules}). */
    DENIED,
    /** The address connected more often than its rate limit allows ({@link AccessRules}). */
    RATE_LIMITED,
    /** The peer is not a trusted proxy, or sent no valid PROXY header in time. */
    BAD_PROXY_HEADER,
    /** The server is shutting down. */
    SHUTTING_DOWN
}
