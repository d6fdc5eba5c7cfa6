package io.tcpkit.tls;

/** Whether a TLS server asks clients for a certificate. */
public enum ClientAuth {
    /** Never asks. */
    NONE,
    /** Asks; a client without one is still served (its session has no certificate identity). */
    OPTIONAL,
    /** Asks, and refuses the handshake without a certificate signed by the client CA. */
    REQUIRED
}
