package io.tcpkit;

import java.net.SocketTimeoutException;

/**
 * A read waited longer than a {@link Limits limit} allows. {@link #reason()} says which: an idle
 * connection ({@link CloseReason#IDLE_TIMEOUT}) or a frame that stalled half-way
 * ({@link CloseReason#READ_TIMEOUT}). A handler may catch it to say goodbye; if it propagates,
 * the connection closes with that reason.
 */
public final class ConnectionTimeoutException extends SocketTimeoutException {
    private static final long serialVersionUID = 1L;
    private final transient CloseReason reason;

    public ConnectionTimeoutException(CloseReason reason) {
        super(reason.description());
        this.reason = reason;
    }

    public CloseReason reason() {
        return reason;
    }
}
