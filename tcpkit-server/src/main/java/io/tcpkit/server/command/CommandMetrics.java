package io.tcpkit.server.command;

/**
 * Told of every command the command protocol runs, for metrics. Called on the connection's thread
 * after the command's reply is written: it must be quick and must not block or throw.
 */
public interface CommandMetrics {
    /** Counts nothing. */
    CommandMetrics NONE = (command, nanos, error) -> {
    };

    /**
     * @param command the command's lower-case name ({@code "ping"}, {@code "client"}), always one of the
     *                service's own commands; null for an unknown command
     * @param nanos   time from parsed request to written reply
     * @param error   whether the reply was an error ({@code -ERR}, {@code -NOAUTH}, ...)
     */
    void commandRan(String command, long nanos, boolean error);
}
