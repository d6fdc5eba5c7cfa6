package io.tcpkit;

/**
 * Where a connection is in its life, in the spirit of Go's {@code http.ConnState}. A connection
 * moves forward through these states, except that it goes back and forth between {@link #ACTIVE},
 * {@link #WAITING} and {@link #IDLE} while it serves requests.
 *
 * <pre>
 *   NEW ──▶ ACTIVE ◀──▶ WAITING
 *    │       ▲  │
 *    │       │  ▼
 *    └─────▶ IDLE
 *   NEW, ACTIVE, WAITING, IDLE ──▶ CLOSING ──▶ CLOSED
 * </pre>
 */
public enum ConnectionState {
    /** Accepted; its PROXY header or TLS handshake, if any, is not done yet. */
    NEW,
    /** A thread is serving it: running its handler, or reading the rest of a request. */
    ACTIVE,
    /** Its thread waits for the next request (a busy connection's fast path). */
    WAITING,
    /** It waits for the next request with no thread: its socket waits in the engine's selector. */
    IDLE,
    /** It is closing: its last output is being written and late input discarded. */
    CLOSING,
    /** It has ended and given back its permits. */
    CLOSED
}
