package io.tcpkit.server.auth;

import java.util.Set;

/**
 * A user and what it may run. Commands are lower-case Redis names, with subcommands written
 * {@code client|kill}; a rule for {@code client} covers all of its subcommands.
 *
 * @param passwordHash the stored hash (see {@link PasswordHasher}), or null for no password
 * @param allCommands  whether every command is allowed, apart from {@code denied}
 * @param allowed      commands allowed when not {@code allCommands}
 * @param denied       commands refused even when {@code allCommands}
 */
public record User(String name, String passwordHash, boolean allCommands, Set<String> allowed, Set<String> denied) {

    /** Commands only administrators run; a users-file entry without a command list excludes them. */
    public static final Set<String> ADMIN_COMMANDS = Set.of("client|kill", "config|set");

    /** Everyone, when the server runs without a users file (as Redis's default user). */
    public static final User DEFAULT = new User("default", null, true, Set.of(), Set.of());

    public User {
        allowed = Set.copyOf(allowed);
        denied = Set.copyOf(denied);
    }

    /**
     * Whether the user may run {@code command}, named as the command service normalised it
     * ("ping", "client|kill"). Only ASCII letters are folded, as Redis folds command names: Java's
     * Unicode case mapping would turn other characters into letters the dispatch never saw.
     */
    public boolean mayRun(String command) {
        if (allCommands && denied.isEmpty()) {
            return true; // the default user, on every request: no work
        }
        String c = Users.asciiLowerCase(command);
        int bar = c.indexOf('|');
        String parent = bar < 0 ? c : c.substring(0, bar);
        if (denied.contains(c) || denied.contains(parent)) {
            return false;
        }
        return allCommands || allowed.contains(c) || allowed.contains(parent);
    }

    /** The command column of a users file for this user. */
    public String rules() {
        StringBuilder sb = new StringBuilder(allCommands ? "all" : "");
        allowed.stream().sorted().forEach(c -> sb.append(sb.isEmpty() ? "" : " ").append(c));
        denied.stream().sorted().forEach(c -> sb.append(sb.isEmpty() ? "" : " ").append('-').append(c));
        return sb.toString();
    }
}
