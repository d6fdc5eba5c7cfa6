package io.tcpkit.server.command;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * One command of the command protocol: its name, arity in Redis's convention (n: exactly n words
 * with the name; -n: at least n), whether it may run before login, and its documentation, which
 * HELP, COMMAND and COMMAND DOCS serve.
 */
final class Command {
    /**
     * Commands no user rule refuses, as Redis's "no-auth" commands: whoever is logged in may
     * still log in as someone else, or say goodbye.
     */
    private static final Set<String> NEVER_REFUSED = Set.of("AUTH", "LOGIN", "HELLO", "QUIT");
    /**
     * Commands whose first argument is a subcommand, checked as "client|list" (as Redis 7 does),
     * and their subcommands, so that a users-file rule can be checked for typos.
     */
    private static final Map<String, Set<String>> SUBCOMMANDS = Map.of(
            "CLIENT", Set.of("id", "getname", "setname", "setinfo", "info", "list", "kill", "help"),
            "ACL", Set.of("whoami", "users", "help"),
            "CONFIG", Set.of("get", "set", "help"),
            "COMMAND", Set.of("count", "list", "info", "docs", "help"),
            "PUBSUB", Set.of("channels", "numsub", "numpat", "help"));

    private final String name;
    private final String lowerName;
    private final int arity;
    private final boolean beforeLogin;
    private final String arguments;
    private final String summary;
    private final String group;
    private final Handler handler;
    // Worked out once: these are asked for every request.
    private final boolean neverRefused;
    private final boolean hasSubcommands;

    Command(String name, int arity, boolean beforeLogin, String arguments, String summary, String group,
            Handler handler) {
        this.name = name.toUpperCase(Locale.ROOT);
        this.lowerName = name.toLowerCase(Locale.ROOT);
        this.arity = arity;
        this.beforeLogin = beforeLogin;
        this.arguments = arguments;
        this.summary = summary;
        this.group = group;
        this.handler = handler;
        this.neverRefused = NEVER_REFUSED.contains(this.name);
        this.hasSubcommands = SUBCOMMANDS.containsKey(this.name);
    }

    String name() {
        return name;
    }

    int arity() {
        return arity;
    }

    boolean beforeLogin() {
        return beforeLogin;
    }

    String arguments() {
        return arguments;
    }

    String summary() {
        return summary;
    }

    String group() {
        return group;
    }

    Handler handler() {
        return handler;
    }

    /** AUTH, LOGIN, HELLO and QUIT: no user's command list refuses them. */
    boolean neverRefused() {
        return neverRefused;
    }

    /** Whether its first argument is a subcommand, which user rules name as "client|list". */
    boolean hasSubcommands() {
        return hasSubcommands;
    }

    /** Its subcommands, lower-case ("list" of "client|list"); empty for a command without. */
    Set<String> subcommands() {
        return SUBCOMMANDS.getOrDefault(name, Set.of());
    }

    /** Runs the command; the context holds the request, the reply writer and the session. */
    @FunctionalInterface
    interface Handler {
        void run(CommandContext ctx) throws IOException, InterruptedException;
    }

    /** The version of Redis whose behaviour these commands follow (reported where Redis reports its own). */
    static final String SINCE = "1.0.0";

    byte[] nameBytes() {
        return name.getBytes(StandardCharsets.US_ASCII);
    }

    /** Lower-case name, as Redis writes it in COMMAND replies, ACL rules and CLIENT LIST. */
    String lowerName() {
        return lowerName;
    }

    boolean arityMatches(int argc) {
        return arity >= 0 ? argc == arity : argc >= -arity;
    }

    /** "PING [message] - Ping the server." */
    String helpLine() {
        return name + (arguments.isEmpty() ? "" : " " + arguments) + " - " + summary;
    }
}
