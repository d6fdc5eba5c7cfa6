package io.tcpkit;

/** Why a connection closed. The first reason recorded wins; metrics count closes by reason. */
public enum CloseReason {
    /** The peer closed its side (end of stream) and the service finished. */
    PEER_CLOSED("closed by peer"),
    /** The connection failed: reset by the peer, or another I/O error. */
    IO_ERROR("connection error"),
    /** No input for {@link Limits#idleTimeout()}. */
    IDLE_TIMEOUT("idle timeout"),
    /** A frame was started but not completed within {@link Limits#readTimeout()}. */
    READ_TIMEOUT("read timeout"),
    /** The peer did not take what we wrote within {@link Limits#writeTimeout()}. */
    WRITE_TIMEOUT("write timeout"),
    /** A line or frame exceeded its maximum length. */
    FRAME_TOO_LONG("frame too long"),
    /** The peer broke the service's protocol. */
    PROTOCOL_ERROR("protocol error"),
    /** The peer read too slowly for the messages sent to it. */
    SLOW_CONSUMER("slow consumer"),
    /**
     * Evicted to keep the server inside its client memory budget: it held the most when the
     * budget (or its address's share) was reached. See {@link MemoryBudget}.
     */
    MEMORY_EVICTED("evicted: client memory budget"),
    /** The service ended the conversation (for example after QUIT). */
    SERVER_CLOSED("closed by server"),
    /** Closed on request by an administrator or another connection (CLIENT KILL). */
    KILLED("killed"),
    /** The server shut down and the connection finished cleanly within the drain deadline. */
    SHUTDOWN("server shutdown"),
    /** The server shut down and the connection was still open at the drain deadline. */
    SHUTDOWN_FORCED("server shutdown (forced)"),
    /** Refused after accept (access rules, limits, PROXY header) before the handler ran. */
    REJECTED("rejected"),
    /** The TLS handshake failed or did not finish in time (plain text on a TLS port, say). */
    TLS_HANDSHAKE_FAILED("TLS handshake failed"),
    /** The service's handler failed with an unexpected exception. */
    HANDLER_ERROR("handler error");

    private final String description;

    CloseReason(String description) {
        this.description = description;
    }

    /** A short lower-case description for logs. */
    public String description() {
        return description;
    }
}
