package io.tcpkit.server.cli;

import io.tcpkit.server.auth.PasswordHasher;
import io.tcpkit.server.auth.User;
import io.tcpkit.server.auth.Users;
import io.tcpkit.server.auth.UsersFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code tcpkit passwd --users FILE NAME}: adds a user or changes its password. The password is
 * asked twice on a terminal (not echoed), or read as the first line of stdin in a script.
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
                    + "Default: everything but admin commands (client|kill, config|set).")
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
        char[] password = readPassword();
        if (password == null) {
            return 1;
        }
        try {
            List<String> rules = admin ? List.of("all")
                    : commands == null ? List.of() : Arrays.asList(commands.trim().split("\\s+"));
            User user = Users.user(name, PasswordHasher.hash(password, iterations), rules);
            boolean replaced = UsersFile.put(file, user);
            System.err.println((replaced ? "updated " : "added ") + name + " in " + file);
            return 0;
        } finally {
            Arrays.fill(password, '\0');
        }
    }

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
            String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            password = line == null ? new char[0] : line.toCharArray();
        }
        if (password.length == 0) {
            System.err.println("tcpkit passwd: the password is empty");
            return null;
        }
        return password;
    }
}
