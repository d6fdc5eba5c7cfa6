package io.tcpkit.server.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

/** Edits a users file in place: add, replace or remove one user, written atomically with mode 0600. */
public final class UsersFile {
    private UsersFile() {
    }

    /** Adds or replaces {@code user}; returns whether it replaced an existing entry. */
    public static boolean put(Path file, User user) throws IOException {
        List<User> users = new ArrayList<>(Files.exists(file) ? Users.load(file).all() : List.of());
        boolean replaced = users.removeIf(u -> u.name().equals(user.name()));
        users.add(user);
        write(file, users);
        return replaced;
    }

    /** Removes the user named {@code name}; returns whether there was one. */
    public static boolean remove(Path file, String name) throws IOException {
        List<User> users = new ArrayList<>(Users.load(file).all());
        boolean removed = users.removeIf(u -> u.name().equals(name));
        write(file, users);
        return removed;
    }

    private static void write(Path file, List<User> users) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = Files.createTempFile(dir, ".tcpkit-users", ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            Files.write(tmp, Users.render(users), StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
