package io.tcpkit.server.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The users file: one user per line, {@code NAME HASH [COMMANDS...]}, '#' starts a comment.
 *
 * <pre>
 * # name   password hash (tcpkit passwd)                     commands
 * admin    pbkdf2-sha256:210000:q3Jm...:Zx8...               all
 * alice    pbkdf2-sha256:210000:H2k1...:b7Q...
 * bot      pbkdf2-sha256:210000:Uo0a...:9Fd...               ping echo publish subscribe
 * </pre>
 *
 * COMMANDS are {@code all}, command names ({@code publish}, {@code client|list}) and denials
 * ({@code -client|kill}). Without a command list a user may run everything but the
 * {@linkplain User#ADMIN_COMMANDS admin commands}. Without a users file at all, everyone is
 * {@link User#DEFAULT} with every command, as Redis's default user.
 */
public final class Users {
    private final Path file;
    private final Map<String, User> byName;
    /** By name with ASCII case folded: chat names are unique ignoring case, so "ALICE" is alice's. */
    private final Map<String, User> byFoldedName;

    private Users(Path file, Map<String, User> byName) {
        this.file = file;
        this.byName = byName;
        Map<String, User> folded = new java.util.HashMap<>();
        byName.values().forEach(u -> folded.putIfAbsent(asciiLowerCase(u.name()), u));
        this.byFoldedName = Map.copyOf(folded);
    }

    /** No users file: everyone is the default user. */
    public static Users open() {
        return new Users(null, Map.of());
    }

    public static Users load(Path file) throws IOException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IOException("users file " + file + " does not exist (create it with 'tcpkit passwd')", e);
        }
        return new Users(file, parse(file, lines));
    }

    /** Whether a users file is in force (otherwise nobody needs to log in). */
    public boolean required() {
        return file != null;
    }


    public Optional<User> find(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /** The user whose name is {@code name} ignoring ASCII case. */
    public Optional<User> findIgnoringCase(String name) {
        return Optional.ofNullable(byFoldedName.get(asciiLowerCase(name)));
    }

    public List<User> all() {
        return List.copyOf(byName.values());
    }

    static Map<String, User> parse(Path file, List<String> lines) throws IOException {
        Map<String, User> users = new LinkedHashMap<>();
        for (int n = 0; n < lines.size(); n++) {
            String line = lines.get(n).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] words = line.split("\\s+");
            String where = file + ":" + (n + 1) + ": ";
            if (words.length < 2) {
                throw new IOException(where + "expected NAME HASH [COMMANDS...]");
            }
            if (!words[0].matches("[A-Za-z0-9_.@-]{1,64}")) {
                throw new IOException(where + "bad user name '" + words[0] + "'");
            }
            if (!PasswordHasher.isWellFormed(words[1])) {
                throw new IOException(where + "not a password hash (make one with 'tcpkit passwd')");
            }
            if (users.put(words[0], user(words[0], words[1], List.of(words).subList(2, words.length))) != null) {
                throw new IOException(where + "user '" + words[0] + "' appears twice");
            }
        }
        return users;
    }

    /** A user from its command rules ("all", "ping", "-client|kill"); none means all but admin commands. */
    public static User user(String name, String hash, List<String> rules) {
        if (rules.isEmpty()) {
            return new User(name, hash, true, Set.of(), User.ADMIN_COMMANDS);
        }
        boolean all = false;
        Set<String> allowed = new HashSet<>();
        Set<String> denied = new HashSet<>();
        for (String rule : rules) {
            String r = asciiLowerCase(rule);
            if (r.equals("all")) {
                all = true;
            } else if (r.startsWith("-")) {
                denied.add(r.substring(1));
            } else {
                allowed.add(r.startsWith("+") ? r.substring(1) : r);
            }
        }
        return new User(name, hash, all, allowed, denied);
    }

    /** Command names are ASCII case-insensitive, as in Redis; other characters are kept as written. */
    static String asciiLowerCase(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            sb.append(c >= 'A' && c <= 'Z' ? (char) (c + 32) : c);
        }
        return sb.toString();
    }

    /** Renders users back into the file format (for {@code tcpkit passwd}). */
    static List<String> render(List<User> users) {
        List<String> lines = new ArrayList<>();
        lines.add("# tcpkit users: NAME HASH [COMMANDS...]; edit with 'tcpkit passwd'");
        for (User u : users) {
            String rules = u.denied().equals(User.ADMIN_COMMANDS) && u.allCommands() && u.allowed().isEmpty()
                    ? "" : " " + u.rules();
            lines.add(u.name() + " " + u.passwordHash() + rules);
        }
        return lines;
    }
}
