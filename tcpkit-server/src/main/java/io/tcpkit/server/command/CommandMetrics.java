package io.tcpkit.server.command;

/**
 * Told of every command the command protocol runs, for metrics. Called on the connection's thread
 * after the command's reply is written: it must be quick and must not block or throw.
 */
public interface CommandMetrics {
    /** Counts nothing. */
    CommandMetrics NONE = new CommandMetrics() {
        @Override
        public boolean timeNext() {
            return false;
        }

        @Override
        public void commandRan(String command, long nanos, boolean error) {
        }
    };

    /**
     * Whether to time the command about to run. Reading the clock twice costs more than the rest
     * of a pipelined PING's accounting, so an implementation may time a sample of commands only.
     */
    boolean timeNext();

    /**
     * @param command the command's lower-case name ({@code "ping"}, {@code "client"}), always one of the
     *                service's own commands; null for an unknown command
     * @param nanos   time from parsed request to written reply; negative when the command was not timed
     * @param error   whether the reply was an error ({@code -ERR}, {@code -NOAUTH}, ...)
     */
    void commandRan(String command, long nanos, boolean error);
}
