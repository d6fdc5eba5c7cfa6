package io.tcpkit.server.command;

import io.tcpkit.CloseReason;
import io.tcpkit.server.testing.Services;
import io.tcpkit.testing.Await;
import io.tcpkit.testing.Net;
import io.tcpkit.testing.RespClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Logins and per-user commands over real sockets, with a users file (and once without). */
@Timeout(60)
class AuthTest {
    private static final String NOAUTH = "-NOAUTH Authentication required.\r\n";
    private static final String WRONGPASS = "-WRONGPASS invalid username-password pair or user is disabled.\r\n";

    @TempDir
    Path dir;
    private Services server;

    @BeforeEach
    void start() throws Exception {
        server = Services.withCommand(Services.users(dir,
                "admin secret1 all",
                "alice wonder",
                "bot beep ping echo",
                "default open"));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private RespClient loggedIn(String user, String password) throws Exception {
        RespClient c = server.commandClient();
        assertThat(c.call("AUTH", user, password)).isEqualTo("+OK\r\n");
        return c;
    }

    @Test
    void beforeLoginOnlyAuthLoginHelloQuitAndPingAreAllowed() throws Exception {
        try (RespClient c = server.commandClient()) {
            for (List<String> command : List.of(List.of("ECHO", "x"), List.of("CLIENT", "LIST"), List.of("CLIENT", "ID"),
                    List.of("CLIENT", "KILL", "ID", "1"), List.of("COMMAND"), List.of("COMMAND", "DOCS"),
                    List.of("INFO"), List.of("CONFIG", "GET", "save"), List.of("SELECT", "0"), List.of("ACL", "WHOAMI"),
                    List.of("HELP"), List.of("SUBSCRIBE", "lobby"), List.of("PUBLISH", "lobby", "hi"))) {
                assertThat(c.call(command.toArray(String[]::new))).as("%s", command).isEqualTo(NOAUTH);
            }
            c.send("echo inline\r\n");
            c.expectBytes(NOAUTH);
            assertThat(c.call("PING")).isEqualTo("+PONG\r\n");
            assertThat(c.call("PING", "hi")).isEqualTo("$2\r\nhi\r\n");
            assertThat(c.call("HELLO", "4")).isEqualTo("-NOPROTO unsupported protocol version\r\n");
            assertThat(c.call("HELLO", "3")).as("not logged in: no switch").startsWith("-NOAUTH HELLO must be called");
            assertThat(c.call("HELLO", "2")).isEqualTo("-NOAUTH HELLO must be called with the client already "
                    + "authenticated, otherwise the HELLO <proto> AUTH <user> <pass> option can be used to authenticate "
                    + "the client and select the RESP protocol version at the same time\r\n");
            assertThat(c.call("AUTH", "alice", "wrong")).isEqualTo(WRONGPASS);
            assertThat(c.call("ECHO", "still not")).isEqualTo(NOAUTH);
            assertThat(c.call("AUTH", "alice", "wonder")).isEqualTo("+OK\r\n");
            assertThat(c.call("ECHO", "now")).isEqualTo("$3\r\nnow\r\n");
            assertThat(c.call("ACL", "WHOAMI")).isEqualTo("$5\r\nalice\r\n");
        }
        try (RespClient c = server.commandClient()) {
            c.command("QUIT");
            assertThat(c.readToEnd()).isEqualTo("+OK\r\n");
        }
    }

    @Test
    void wrongPasswordsAndUnknownUsersGetTheSameAnswer() throws Exception {
        try (RespClient c = server.commandClient()) {
            assertThat(c.call("AUTH", "alice", "wonderland")).isEqualTo(WRONGPASS);
            assertThat(c.call("AUTH", "nobody", "wonder")).isEqualTo(WRONGPASS);
            assertThat(c.call("LOGIN", "alice", "")).isEqualTo(WRONGPASS);
            assertThat(c.call("AUTH", "a", "b", "c")).isEqualTo("-ERR syntax error\r\n");
            assertThat(c.call("LOGIN", "alice")).isEqualTo("-ERR wrong number of arguments for 'login' command\r\n");
            assertThat(c.call("AUTH")).isEqualTo("-ERR wrong number of arguments for 'auth' command\r\n");
        }
    }

    @Test
    void authAndLoginLogInAndAclWhoamiSaysAsWhom() throws Exception {
        try (RespClient c = loggedIn("alice", "wonder")) {
            assertThat(c.call("ACL", "WHOAMI")).isEqualTo("$5\r\nalice\r\n");
        }
        try (RespClient c = server.commandClient()) {
            assertThat(c.call("LOGIN", "admin", "secret1")).isEqualTo("+OK\r\n");
            assertThat(c.call("ACL", "WHOAMI")).isEqualTo("$5\r\nadmin\r\n");
            String list = (String) c.command("CLIENT", "LIST").value();
            assertThat(list).contains(" user=admin ");
        }
        try (RespClient c = server.commandClient()) {
            c.send("LOGIN alice wonder\n");
            c.expectBytes("+OK\r\n");
            c.send("ACL WHOAMI\n");
            c.expectBytes("$5\r\nalice\r\n");
        }
    }

    @Test
    void authWithOnlyAPasswordLogsInAsTheDefaultUser() throws Exception {
        try (RespClient c = server.commandClient()) {
            assertThat(c.call("AUTH", "wonder")).as("alice's password is not default's").isEqualTo(WRONGPASS);
            assertThat(c.call("AUTH", "open")).isEqualTo("+OK\r\n");
            assertThat(c.call("ACL", "WHOAMI")).isEqualTo("$7\r\ndefault\r\n");
        }
    }

    @Test
    void authWithOnlyAPasswordFailsWhenTheFileHasNoDefaultUser() throws Exception {
        try (Services noDefault = Services.withCommand(Services.users(dir, "alice wonder"));
             RespClient c = noDefault.commandClient()) {
            assertThat(c.call("AUTH", "wonder")).isEqualTo(WRONGPASS);
            assertThat(c.call("ECHO", "x")).isEqualTo(NOAUTH);
        }
    }

    @Test
    void helloCanLogInAndNameTheConnectionAtOnce() throws Exception {
        try (RespClient c = server.commandClient()) {
            assertThat(c.call("HELLO", "2", "AUTH", "bot", "wrong")).isEqualTo(WRONGPASS);
            List<?> hello = (List<?>) c.command("HELLO", "2", "AUTH", "bot", "beep", "SETNAME", "robot").value();
            assertThat(hello).hasSize(14);
            assertThat(hello.subList(0, 2)).isEqualTo(List.of("server", "tcpkit"));
            assertThat(hello.subList(4, 6)).isEqualTo(List.of("proto", 2L));
            assertThat(c.call("ECHO", "in")).isEqualTo("$2\r\nin\r\n");
            assertThat(server.sessions.list()).singleElement().satisfies(s -> {
                assertThat(s.user().name()).isEqualTo("bot");
                assertThat(s.name()).isEqualTo("robot");
            });
        }
    }

    @Test
    void aFailedLoginKeepsTheUserAndASuccessfulOneSwitchesIt() throws Exception {
        try (RespClient c = loggedIn("bot", "beep")) {
            assertThat(c.call("AUTH", "admin", "wrong")).isEqualTo(WRONGPASS);
            assertThat(c.call("ECHO", "still bot")).isEqualTo("$9\r\nstill bot\r\n");
            assertThat(c.call("INFO")).startsWith("-NOPERM ");
            // A user limited to "ping echo" may still log in as someone else, as in Redis.
            assertThat(c.call("AUTH", "admin", "secret1")).isEqualTo("+OK\r\n");
            assertThat(c.call("ACL", "WHOAMI")).isEqualTo("$5\r\nadmin\r\n");
        }
    }

    @Test
    void aUserWithoutACommandListMayRunAllButAdminCommands() throws Exception {
        try (RespClient alice = loggedIn("alice", "wonder"); RespClient victim = loggedIn("bot", "beep")) {
            long victimId = server.sessions.list().stream().filter(s -> s.user().name().equals("bot"))
                    .findFirst().orElseThrow().id();
            assertThat(alice.call("CLIENT", "KILL", "ID", Long.toString(victimId)))
                    .isEqualTo("-NOPERM User alice has no permissions to run the 'client|kill' command\r\n");
            assertThat(alice.call("CONFIG", "SET", "save", ""))
                    .isEqualTo("-NOPERM User alice has no permissions to run the 'config|set' command\r\n");
            assertThat(victim.call("PING")).as("not killed").isEqualTo("+PONG\r\n");
            assertThat(alice.command("CLIENT", "LIST").value()).asString().contains(" user=alice ", " user=bot ");
            assertThat(alice.call("CLIENT", "SETNAME", "al")).isEqualTo("+OK\r\n");
            assertThat(alice.command("INFO", "server").value()).asString().contains("redis_version:");
            assertThat(alice.call("HELP")).startsWith("*");
        }
    }

    @Test
    void anAdminMayKillOtherConnections() throws Exception {
        try (RespClient admin = loggedIn("admin", "secret1"); RespClient victim = loggedIn("alice", "wonder");
             RespClient bystander = loggedIn("bot", "beep")) {
            long victimId = server.sessions.list().stream().filter(s -> s.user().name().equals("alice"))
                    .findFirst().orElseThrow().id();
            assertThat(admin.call("CLIENT", "KILL", "ID", Long.toString(victimId))).isEqualTo(":1\r\n");
            assertThat(victim.awaitClosedByServer()).isTrue();
            assertThat(admin.call("CLIENT", "KILL", "USER", "bot")).isEqualTo(":1\r\n");
            assertThat(bystander.awaitClosedByServer()).isTrue();
            assertThat(admin.call("PING")).isEqualTo("+PONG\r\n");
            Await.until("both kills counted", Duration.ofSeconds(5), () -> Net.closed(server.command(), CloseReason.KILLED) == 2);
        }
    }

    @Test
    void aUserLimitedToSomeCommandsGetsNopermForTheRest() throws Exception {
        try (RespClient bot = loggedIn("bot", "beep")) {
            assertThat(bot.call("PING")).isEqualTo("+PONG\r\n");
            assertThat(bot.call("ECHO", "ok")).isEqualTo("$2\r\nok\r\n");
            assertThat(bot.call("CLIENT", "LIST")).startsWith("-NOPERM User bot has no permissions to run the 'client")
                    .endsWith("' command\r\n");
            assertThat(bot.call("CLIENT", "KILL", "ID", "1")).startsWith("-NOPERM ");
            assertThat(bot.call("COMMAND", "DOCS")).isEqualTo("-NOPERM User bot has no permissions to run the 'command|docs' command\r\n");
            assertThat(bot.call("ACL", "WHOAMI")).startsWith("-NOPERM ");
            assertThat(bot.call("NOSUCH")).isEqualTo("-ERR unknown command 'NOSUCH', with args beginning with: \r\n");
            assertThat(bot.call("ECHO", "still usable")).isEqualTo("$12\r\nstill usable\r\n");
            bot.command("QUIT");
            assertThat(bot.readToEnd()).as("anyone may say goodbye").isEqualTo("+OK\r\n");
        }
    }

    @Test
    void repeatedFailedLoginsFromOneAddressAreSlowedDown() throws Exception {
        try (RespClient c = server.commandClient()) {
            for (int i = 0; i < 3; i++) {
                assertThat(c.call("AUTH", "alice", "nope" + i)).isEqualTo(WRONGPASS);
            }
            long t0 = System.nanoTime();
            assertThat(c.call("AUTH", "alice", "nope-again")).isEqualTo(WRONGPASS);
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("4th failure").isGreaterThanOrEqualTo(Duration.ofMillis(250));
            long t1 = System.nanoTime();
            assertThat(c.call("HELLO", "2", "AUTH", "alice", "and-again")).isEqualTo(WRONGPASS);
            assertThat(Duration.ofNanos(System.nanoTime() - t1)).as("5th failure, doubled").isGreaterThanOrEqualTo(Duration.ofMillis(500));
        }
        // The penalty belongs to the address, not the connection, and even the right password waits.
        try (RespClient again = server.commandClient()) {
            long t2 = System.nanoTime();
            assertThat(again.call("LOGIN", "alice", "wonder")).isEqualTo("+OK\r\n");
            assertThat(Duration.ofNanos(System.nanoTime() - t2)).as("6th attempt").isGreaterThanOrEqualTo(Duration.ofMillis(1000));
        }
    }

    @Test
    void withoutAUsersFileEveryoneIsTheDefaultUserAsInRedis() throws Exception {
        try (Services open = Services.withCommand(); RespClient c = open.commandClient(); RespClient other = open.commandClient()) {
            assertThat(c.call("ACL", "WHOAMI")).isEqualTo("$7\r\ndefault\r\n");
            assertThat(c.call("AUTH", "x")).isEqualTo("-ERR AUTH <password> called without any password configured "
                    + "for the default user. Are you sure your configuration is correct?\r\n");
            assertThat(c.call("AUTH", "alice", "x")).isEqualTo(WRONGPASS);
            assertThat(c.call("AUTH", "default", "anything")).isEqualTo("+OK\r\n");
            assertThat(c.call("HELP")).startsWith("*");
            long otherId = (Long) other.command("CLIENT", "ID").value();
            assertThat(c.call("CLIENT", "KILL", "ID", Long.toString(otherId))).isEqualTo(":1\r\n");
            assertThat(other.awaitClosedByServer()).isTrue();
        }
    }
}
