package io.tcpkit.server.command;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
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
     * Commands whose first argument is a subcommand, and their subcommands: the cases of their
     * handlers' switches. Each is known by its full name ("client|list", as in Redis 7), the one
     * name that user rules are checked against, CLIENT LIST shows and the handler dispatches on.
     * A subcommand missing here is refused as unknown before its handler runs, and a users-file
     * rule naming one is taken for a typo.
     */
    private static final Map<String, List<String>> SUBCOMMANDS = Map.of(
            "CLIENT", List.of("ID", "GETNAME", "SETNAME", "SETINFO", "INFO", "LIST", "KILL", "HELP"),
            "ACL", List.of("WHOAMI", "USERS", "HELP"),
            "CONFIG", List.of("GET", "SET", "HELP"),
            "COMMAND", List.of("COUNT", "DOCS", "INFO", "LIST", "HELP"),
            "PUBSUB", List.of("CHANNELS", "NUMSUB", "NUMPAT", "HELP"));

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
    /** Upper-case subcommand to full name ("LIST" to "client|list"); empty for a plain command. */
    private final Map<String, String> fullNames;

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
        Map<String, String> full = new java.util.HashMap<>();
        for (String sub : SUBCOMMANDS.getOrDefault(this.name, List.of())) {
            full.put(sub, lowerName + "|" + sub.toLowerCase(Locale.ROOT));
        }
        this.fullNames = Map.copyOf(full);
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
        return !fullNames.isEmpty();
    }

    /**
     * The full name of a run of this command: "client|list" for a known subcommand (given
     * upper-case, ASCII), the command's own name when it has none or none was given, null for an
     * unknown one.
     */
    String fullName(String subcommand) {
        return subcommand == null ? lowerName : fullNames.get(subcommand);
    }

    /** Its subcommands, lower-case ("list" of "client|list"); empty for a command without. */
    Set<String> subcommands() {
        Set<String> lower = new java.util.HashSet<>();
        fullNames.values().forEach(f -> lower.add(f.substring(f.indexOf('|') + 1)));
        return lower;
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
