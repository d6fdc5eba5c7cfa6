package io.tcpkit.server.command;

import io.tcpkit.server.auth.PasswordHasher;
import io.tcpkit.server.auth.Users;
import io.tcpkit.server.testing.Services;
import io.tcpkit.server.testing.Tcpkit;
import io.tcpkit.testing.ChildProcess;
import io.tcpkit.testing.RespClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code tcpkit passwd} and {@code tcpkit command --users} as real child processes: the users file
 * a person creates, and what the server prints while people log in (never a password or hash).
 */
@Timeout(90)
class UsersProgramTest {
    private static final Duration EXIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private static ChildProcess passwd(Path file, String stdin, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("passwd", "--users", file.toString(), "--iterations",
                Integer.toString(Services.TEST_ITERATIONS)));
        command.addAll(List.of(args));
        ChildProcess p = Tcpkit.start(command.toArray(String[]::new));
        p.write(stdin).closeStdin();
        p.awaitExit(EXIT);
        return p;
    }

    @Test
    void passwdWritesAPrivateFileOfHashesThatTheServerAccepts() throws Exception {
        Path file = dir.resolve("users.txt");
        ChildProcess carol = passwd(file, "correct horse battery\n", "carol");
        assertThat(carol.exitValue()).as(carol.stderr()).isZero();
        assertThat(carol.stderr()).isEqualTo("added carol in " + file + "\n");
        ChildProcess dave = passwd(file, "staple\n", "--admin", "dave");
        assertThat(dave.exitValue()).as(dave.stderr()).isZero();

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        String text = Files.readString(file, StandardCharsets.UTF_8);
        assertThat(text).doesNotContain("correct horse", "battery", "staple");
        List<String> entries = text.lines().filter(l -> !l.startsWith("#") && !l.isBlank()).toList();
        assertThat(entries).hasSize(2);
        assertThat(entries.get(0)).matches("carol pbkdf2-sha256:1000:[A-Za-z0-9+/]{22}:[A-Za-z0-9+/]{43}");
        assertThat(entries.get(1)).matches("dave pbkdf2-sha256:1000:[A-Za-z0-9+/]{22}:[A-Za-z0-9+/]{43} all");
        String carolHash = entries.get(0).split(" ")[1];
        assertThat(PasswordHasher.verify("correct horse battery".toCharArray(), carolHash)).isTrue();

        try (Services server = Services.withCommand(Users.load(file));
             RespClient c = server.commandClient(); RespClient d = server.commandClient()) {
            assertThat(c.call("AUTH", "carol", "correct horse")).startsWith("-WRONGPASS ");
            assertThat(c.call("AUTH", "carol", "correct horse battery")).isEqualTo("+OK\r\n");
            assertThat(d.call("LOGIN", "dave", "staple")).isEqualTo("+OK\r\n");
            long carolId = server.sessions.list().stream().filter(s -> s.user().name().equals("carol"))
                    .findFirst().orElseThrow().id();
            long daveId = server.sessions.list().stream().filter(s -> s.user().name().equals("dave"))
                    .findFirst().orElseThrow().id();
            assertThat(c.call("CLIENT", "KILL", "ID", Long.toString(daveId)))
                    .as("carol is not an admin").startsWith("-NOPERM ");
            assertThat(d.call("CLIENT", "KILL", "ID", Long.toString(carolId))).as("dave is").isEqualTo(":1\r\n");
        }
    }

    @Test
    void passwdReplacesAPasswordAndRefusesAnEmptyOne() throws Exception {
        Path file = dir.resolve("users.txt");
        assertThat(passwd(file, "first\n", "erin").exitValue()).isZero();
        String before = Files.readString(file);
        ChildProcess empty = passwd(file, "\n", "erin");
        assertThat(empty.exitValue()).isEqualTo(1);
        assertThat(empty.stderr()).isEqualTo("tcpkit passwd: the password is empty\n");
        assertThat(Files.readString(file)).as("unchanged").isEqualTo(before);
        ChildProcess again = passwd(file, "second\n", "erin");
        assertThat(again.exitValue()).isZero();
        assertThat(again.stderr()).isEqualTo("updated the password of erin in " + file + " (commands unchanged)\n");
        Users users = Users.load(file);
        assertThat(users.all()).hasSize(1);
        String hash = users.find("erin").orElseThrow().passwordHash();
        assertThat(PasswordHasher.verify("second".toCharArray(), hash)).isTrue();
        assertThat(PasswordHasher.verify("first".toCharArray(), hash)).isFalse();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    }

    @Test
    void pipedPasswordsThatDifferAreRefused() throws Exception {
        Path file = dir.resolve("users.txt");
        ChildProcess differ = passwd(file, "first\nsecond\n", "frank");
        assertThat(differ.exitValue()).isEqualTo(1);
        assertThat(differ.stderr()).isEqualTo("tcpkit passwd: the passwords differ\n");
        assertThat(file).doesNotExist();

        ChildProcess same = passwd(file, "first\nfirst\n", "frank");
        assertThat(same.exitValue()).as(same.stderr()).isZero();
        assertThat(PasswordHasher.verify("first".toCharArray(),
                Users.load(file).find("frank").orElseThrow().passwordHash())).isTrue();
    }

    @Test
    void unknownCommandNamesAreRefused() throws Exception {
        Path file = dir.resolve("users.txt");
        ChildProcess typo = passwd(file, "pw\n", "--commands", "ping pnig -client|kil publish", "grace");
        assertThat(typo.exitValue()).isEqualTo(2);
        assertThat(typo.stderr()).isEqualTo("tcpkit passwd: --commands: no command named 'pnig', '-client|kil' "
                + "(names are those of HELP on the command port; subcommands as client|kill)\n"
                + "Try 'tcpkit passwd --help' for more information.\n");
        assertThat(file).doesNotExist();

        ChildProcess good = passwd(file, "pw\n", "--commands", "ALL -client|kill +Publish", "grace");
        assertThat(good.exitValue()).as(good.stderr()).isZero();
        assertThat(Users.load(file).find("grace").orElseThrow().rules()).isEqualTo("all publish -client|kill");
    }

    @Test
    void commandsAndPasswordChangeSeparately() throws Exception {
        Path file = dir.resolve("users.txt");
        assertThat(passwd(file, "heidi-pw\n", "--commands", "ping echo", "heidi").exitValue()).isZero();
        String hash = Users.load(file).find("heidi").orElseThrow().passwordHash();

        // Only the commands: no password is read (stdin is empty), and the hash stays.
        ChildProcess commands = passwd(file, "", "--commands", "ping publish", "heidi");
        assertThat(commands.exitValue()).as(commands.stderr()).isZero();
        assertThat(commands.stderr()).isEqualTo("updated the commands of heidi in " + file + " (password unchanged)\n");
        assertThat(Users.load(file).find("heidi").orElseThrow().passwordHash()).isEqualTo(hash);
        assertThat(Users.load(file).find("heidi").orElseThrow().rules()).isEqualTo("ping publish");

        // Only the password: the commands stay.
        ChildProcess password = passwd(file, "new-pw\n", "heidi");
        assertThat(password.exitValue()).as(password.stderr()).isZero();
        assertThat(Users.load(file).find("heidi").orElseThrow().rules()).isEqualTo("ping publish");
        assertThat(PasswordHasher.verify("new-pw".toCharArray(),
                Users.load(file).find("heidi").orElseThrow().passwordHash())).isTrue();
    }

    @Test
    void theServerNeverPrintsPasswordsOrHashes() throws Exception {
        Path file = Services.usersFile(dir, "alice wonderful-secret", "bob bobs-secret ping");
        List<String> secrets = new ArrayList<>(List.of("wonderful-secret", "bobs-secret", "guess-one", "guess-two",
                "guess-three", "quoted-secret"));
        for (String line : Files.readAllLines(file)) {
            if (!line.startsWith("#")) {
                String hash = line.split(" ")[1];
                secrets.add(hash);
                String[] parts = hash.split(":");
                secrets.add(parts[2]); // salt
                secrets.add(parts[3]); // derived key
            }
        }
        try (ChildProcess server = Tcpkit.start("command", "--port", "0", "--users", file.toString())) {
            int port = Tcpkit.awaitPort(server, "command");
            try (RespClient c = RespClient.connect(port)) {
                assertThat(c.call("AUTH", "alice", "guess-one")).startsWith("-WRONGPASS ");
                assertThat(c.call("LOGIN", "nobody", "guess-two")).startsWith("-WRONGPASS ");
                assertThat(c.call("HELLO", "2", "AUTH", "bob", "guess-three")).startsWith("-WRONGPASS ");
                assertThat(c.call("AUTH", "alice", "wonderful-secret")).isEqualTo("+OK\r\n");
                assertThat(c.call("HELLO", "2", "AUTH", "bob", "bobs-secret")).startsWith("*14\r\n");
            }
            try (RespClient c = RespClient.connect(port)) {
                c.send("AUTH alice \"quoted-secret\r\n");
                assertThat(c.readToEnd()).isEqualTo("-ERR Protocol error: unbalanced quotes in request\r\n");
            }
            server.terminate();
            assertThat(server.awaitExit(EXIT)).isZero();
            String printed = server.stdout() + server.stderr();
            assertThat(printed).as("failures are audit lines, by name and address")
                    .contains("audit: login failed: user 'alice' from 127.0.0.1 by password",
                            "audit: login failed: user 'nobody' from 127.0.0.1 by password",
                            "audit: login succeeded: user 'alice' from 127.0.0.1 by password");
            for (String secret : secrets) {
                assertThat(printed).doesNotContain(secret);
            }
        }
    }

    @Test
    void aMissingUsersFileStopsTheServerWithAReason() throws Exception {
        Path missing = dir.resolve("no-such-file");
        try (ChildProcess server = Tcpkit.start("command", "--port", "0", "--users", missing.toString())) {
            assertThat(server.awaitExit(EXIT)).isEqualTo(1);
            assertThat(server.stderr()).contains("users file " + missing + " does not exist", "tcpkit passwd");
            assertThat(server.stdout()).doesNotContain("listening");
        }
    }
}
