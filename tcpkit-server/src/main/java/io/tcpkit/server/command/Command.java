package io.tcpkit.server.command;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * One command of the command protocol: its name, arity in Redis's convention (n: exactly n words
 * with the name; -n: at least n), whether it may run before login, and its documentation, which
 * HELP, COMMAND and COMMAND DOCS serve.
 */
record Command(String name, int arity, boolean beforeLogin, String arguments, String summary,
               String group, Handler handler) {

    /** Runs the command; the context holds the request, the reply writer and the session. */
    @FunctionalInterface
    interface Handler {
        void run(CommandContext ctx) throws IOException, InterruptedException;
    }

    /** The version of Redis whose behaviour these commands follow (reported where Redis reports its own). */
    static final String SINCE = "1.0.0";

    Command {
        name = name.toUpperCase(Locale.ROOT);
    }

    byte[] nameBytes() {
        return name.getBytes(StandardCharsets.US_ASCII);
    }

    /** Lower-case name, as Redis writes it in COMMAND replies, ACL rules and CLIENT LIST. */
    String lowerName() {
        return name.toLowerCase(Locale.ROOT);
    }

    boolean arityMatches(int argc) {
        return arity >= 0 ? argc == arity : argc >= -arity;
    }

    /** "PING [message] - Ping the server." */
    String helpLine() {
        return name + (arguments.isEmpty() ? "" : " " + arguments) + " - " + summary;
    }
}
