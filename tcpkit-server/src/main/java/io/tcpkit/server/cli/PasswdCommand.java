package io.tcpkit.server.cli;

import io.tcpkit.server.auth.PasswordHasher;
import io.tcpkit.server.auth.User;
import io.tcpkit.server.auth.Users;
import io.tcpkit.server.auth.UsersFile;
import io.tcpkit.server.command.CommandService;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code tcpkit passwd --users FILE NAME}: adds a user, or changes its password (keeping its
 * commands) or its commands (keeping its password, without asking for it). The password is asked
 * twice on a terminal (not echoed), or read from stdin in a script.
 */
@Command(name = "passwd", mixinStandardHelpOptions = true,
        description = "Add a user to a users file, or change its password or commands.")
final class PasswdCommand implements Callable<Integer> {
    @Option(names = "--users", paramLabel = "FILE", required = true, description = "The users file (created if missing).")
    Path file;

    @Parameters(paramLabel = "NAME", description = "The user name.")
    String name;

    @Option(names = "--commands", paramLabel = "RULES",
            description = "What the user may run, e.g. \"all\", \"ping echo publish\", \"all -client|kill\". "
                    + "Default: everything but admin commands (client|kill, config|set). For an existing user, "
                    + "changes only its commands: the password stays and is not asked for.")
    String commands;

    @Option(names = "--admin", description = "Same as --commands all.")
    boolean admin;

    @Option(names = "--delete", description = "Remove the user instead.")
    boolean delete;

    @Option(names = "--iterations", defaultValue = "" + PasswordHasher.DEFAULT_ITERATIONS, hidden = true,
            description = "PBKDF2 iterations (default: ${DEFAULT-VALUE}).")
    int iterations;

    @Override
    public Integer call() throws IOException {
        if (!name.matches("[A-Za-z0-9_.@-]{1,64}")) {
            System.err.println("tcpkit passwd: a user name is 1-64 letters, digits or _ . @ -");
            return 1;
        }
        if (delete) {
            boolean removed = UsersFile.remove(file, name);
            System.err.println(removed ? "removed " + name : "no user " + name);
            return removed ? 0 : 1;
        }
        List<String> rules = admin ? List.of("all") : commands == null ? null : rules(commands);
        Optional<User> existing = Files.exists(file) ? Users.load(file).find(name) : Optional.empty();
        if (existing.isPresent() && rules != null) {
            // Only the commands change: the password stays, and nobody is asked for it.
            UsersFile.put(file, Users.user(name, existing.get().passwordHash(), rules));
            System.err.println("updated the commands of " + name + " in " + file + " (password unchanged)");
            return 0;
        }
        char[] password = readPassword();
        if (password == null) {
            return 1;
        }
        try {
            String hash = PasswordHasher.hash(password, iterations);
            if (existing.isPresent()) {
                User u = existing.get();
                UsersFile.put(file, new User(name, hash, u.allCommands(), u.allowed(), u.denied()));
                System.err.println("updated the password of " + name + " in " + file + " (commands unchanged)");
            } else {
                UsersFile.put(file, Users.user(name, hash, rules == null ? List.of() : rules));
                System.err.println("added " + name + " in " + file);
            }
            return 0;
        } finally {
            Arrays.fill(password, '\0');
        }
    }

    /** The words of {@code --commands}; a name that is no command (a typo) is refused, as it would allow or deny nothing. */
    private static List<String> rules(String commands) {
        List<String> rules = Arrays.asList(commands.trim().split("\\s+"));
        List<String> unknown = rules.stream()
                .filter(r -> {
                    String name = r.startsWith("-") || r.startsWith("+") ? r.substring(1) : r;
                    return !name.equalsIgnoreCase("all") && !CommandService.isCommandName(name);
                })
                .map(r -> "'" + r + "'").toList();
        if (!unknown.isEmpty()) {
            throw new UsageException("--commands: no command named " + String.join(", ", unknown)
                    + " (names are those of HELP on the command port; subcommands as client|kill)");
        }
        return rules;
    }

    /**
     * On a terminal: asked twice, not echoed. Piped: the first line, and if a second line follows
     * (as a script that answers both questions sends), it must be the same.
     */
    private static char[] readPassword() throws IOException {
        Console console = System.console();
        char[] password;
        if (console != null) {
            password = console.readPassword("Password: ");
            char[] again = console.readPassword("Again: ");
            if (password == null || again == null || !Arrays.equals(password, again)) {
                System.err.println("tcpkit passwd: the passwords differ");
                return null;
            }
            Arrays.fill(again, '\0');
        } else {
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String line = in.readLine();
            String again = in.readLine();
            if (again != null && !again.equals(line)) {
                System.err.println("tcpkit passwd: the passwords differ");
                return null;
            }
            password = line == null ? new char[0] : line.toCharArray();
        }
        if (password.length == 0) {
            System.err.println("tcpkit passwd: the password is empty");
            return null;
        }
        return password;
    }
}
