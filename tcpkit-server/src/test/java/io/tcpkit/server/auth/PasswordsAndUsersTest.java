package io.tcpkit.server.auth;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Password hashes, the users file format, and what each user may run. */
@Timeout(30)
class PasswordsAndUsersTest {
    private static final int ITERATIONS = 1000;

    @TempDir
    Path dir;

    @Test
    void hashesAreSaltedAndRecordTheirWorkFactor() {
        String a = PasswordHasher.hash("secret".toCharArray(), ITERATIONS);
        String b = PasswordHasher.hash("secret".toCharArray(), ITERATIONS);
        assertThat(a).startsWith("pbkdf2-sha256:1000:").isNotEqualTo(b).doesNotContain("secret");
        assertThat(a.split(":")).hasSize(4);
        assertThat(PasswordHasher.isWellFormed(a)).isTrue();
        assertThat(PasswordHasher.verify("secret".toCharArray(), a)).isTrue();
        assertThat(PasswordHasher.verify("secret".toCharArray(), b)).isTrue();
        assertThat(PasswordHasher.verify("Secret".toCharArray(), a)).isFalse();
        assertThat(PasswordHasher.verify("".toCharArray(), a)).isFalse();
        String stronger = PasswordHasher.hash("secret".toCharArray(), 2000);
        assertThat(stronger).startsWith("pbkdf2-sha256:2000:");
        assertThat(PasswordHasher.verify("secret".toCharArray(), stronger)).isTrue();
    }

    @Test
    void malformedOrMissingHashesNeverMatch() {
        for (String bad : new String[] {"", "plain-password", "md5:1000:abc:def", "pbkdf2-sha256:x:abc:def",
                "pbkdf2-sha256:0:abc:def", "pbkdf2-sha256:1000:abc"}) {
            assertThat(PasswordHasher.verify("plain-password".toCharArray(), bad)).as(bad).isFalse();
            assertThat(PasswordHasher.isWellFormed(bad)).as(bad).isFalse();
        }
        assertThat(PasswordHasher.verify("x".toCharArray(), "pbkdf2-sha256:1000:!!!:???")).as("not Base64").isFalse();
        assertThat(PasswordHasher.verify("not a real password".toCharArray(), null)).as("no user, no match").isFalse();
    }

    private Path file(String... lines) throws IOException {
        Path f = dir.resolve("users");
        Files.write(f, List.of(lines));
        return f;
    }

    @Test
    void theUsersFileHasNamesHashesAndCommandRules() throws Exception {
        String h = PasswordHasher.hash("pw".toCharArray(), ITERATIONS);
        Users users = Users.load(file("# comment", "", "admin " + h + " all", "  alice\t" + h + "  ",
                "bot " + h + " PING echo client|list", "ops " + h + " all -client|kill"));
        assertThat(users.required()).isTrue();
        assertThat(users.all()).extracting(User::name).containsExactly("admin", "alice", "bot", "ops");

        User admin = users.find("admin").orElseThrow();
        assertThat(admin.mayRun("client|kill")).isTrue();
        assertThat(admin.mayRun("config|set")).isTrue();

        User alice = users.find("alice").orElseThrow();
        assertThat(alice.mayRun("echo")).isTrue();
        assertThat(alice.mayRun("client|list")).isTrue();
        assertThat(alice.mayRun("client|kill")).as("admin command").isFalse();
        assertThat(alice.mayRun("config|set")).as("admin command").isFalse();
        assertThat(alice.mayRun("CLIENT|KILL")).isFalse();

        User bot = users.find("bot").orElseThrow();
        assertThat(bot.mayRun("ping")).isTrue();
        assertThat(bot.mayRun("echo")).isTrue();
        assertThat(bot.mayRun("client|list")).isTrue();
        assertThat(bot.mayRun("client")).isFalse();
        assertThat(bot.mayRun("client|kill")).isFalse();
        assertThat(bot.mayRun("info")).isFalse();

        User ops = users.find("ops").orElseThrow();
        assertThat(ops.mayRun("info")).isTrue();
        assertThat(ops.mayRun("client|kill")).isFalse();
        assertThat(ops.mayRun("client|list")).isTrue();

        assertThat(users.find("nobody")).isEmpty();
        assertThat(Users.open().required()).isFalse();
        assertThat(User.DEFAULT.mayRun("client|kill")).isTrue();
    }

    @Test
    void aBrokenUsersFileIsRefusedWithItsLineNumber() throws Exception {
        String h = PasswordHasher.hash("pw".toCharArray(), ITERATIONS);
        assertThatThrownBy(() -> Users.load(file("# ok", "alice"))).hasMessageEndingWith(":2: expected NAME HASH [COMMANDS...]");
        assertThatThrownBy(() -> Users.load(file("alice plaintext"))).hasMessageContaining(":1: not a password hash");
        assertThatThrownBy(() -> Users.load(file("al/ice " + h))).hasMessageContaining(":1: bad user name 'al/ice'");
        assertThatThrownBy(() -> Users.load(file("alice " + h, "alice " + h))).hasMessageContaining(":2: user 'alice' appears twice");
        assertThatThrownBy(() -> Users.load(dir.resolve("missing"))).hasMessageContaining("does not exist");
    }

    @Test
    void usersFileEditsKeepTheFilePrivateAndTheRulesIntact() throws Exception {
        Path f = dir.resolve("users");
        String h = PasswordHasher.hash("pw".toCharArray(), ITERATIONS);
        assertThat(UsersFile.put(f, Users.user("alice", h, List.of()))).isFalse();
        assertThat(UsersFile.put(f, Users.user("bot", h, List.of("ping", "echo")))).isFalse();
        assertThat(UsersFile.put(f, Users.user("ops", h, List.of("all", "-client|kill")))).isFalse();
        assertThat(UsersFile.put(f, Users.user("alice", h, List.of()))).as("replaced").isTrue();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).isEqualTo("rw-------");
        Users users = Users.load(f);
        assertThat(users.all()).extracting(User::name).containsExactlyInAnyOrder("alice", "bot", "ops");
        assertThat(users.find("alice").orElseThrow().denied()).isEqualTo(User.ADMIN_COMMANDS);
        assertThat(users.find("bot").orElseThrow().allowed()).isEqualTo(Set.of("ping", "echo"));
        assertThat(users.find("ops").orElseThrow().mayRun("client|kill")).isFalse();
        assertThat(UsersFile.remove(f, "bot")).isTrue();
        assertThat(UsersFile.remove(f, "bot")).isFalse();
        assertThat(Users.load(f).all()).extracting(User::name).containsExactlyInAnyOrder("alice", "ops");
        assertThat(Files.list(dir)).as("no temporary files left").containsExactly(f);
    }
}
