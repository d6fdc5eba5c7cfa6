package io.tcpkit.server.command;

import io.tcpkit.Limits;
import io.tcpkit.server.testing.Stack;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;

import static io.tcpkit.server.testing.Stack.command;
import static io.tcpkit.server.testing.Stack.readLike;
import static org.assertj.core.api.Assertions.assertThat;

/** Users, logins and per-user commands with a users file. */
@Timeout(60)
class AuthTest {
    @TempDir
    Path dir;
    private Stack stack;

    @BeforeEach
    void start() throws Exception {
        stack = new Stack(Stack.users(dir, "admin secret1 all", "alice wonder", "bot beep ping echo", "default open"),
                Limits.DEFAULT);
    }

    @AfterEach
    void stop() {
        stack.close();
    }

    private void expect(Socket s, String reply) throws Exception {
        assertThat(readLike(s, reply)).isEqualTo(reply);
    }

    @Test
    void beforeLoginOnlyAuthHelloQuitAndPingAreAllowed() throws Exception {
        try (Socket s = Stack.connect(stack.command)) {
            command(s, "ECHO", "x");
            expect(s, "-NOAUTH Authentication required.\r\n");
            command(s, "CLIENT", "LIST");
            expect(s, "-NOAUTH Authentication required.\r\n");
            command(s, "PING");
            expect(s, "+PONG\r\n");
            command(s, "HELLO", "2");
            expect(s, "-NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO "
                    + "<proto> AUTH <user> <pass> option can be used to authenticate the client and select the RESP "
                    + "protocol version at the same time\r\n");
            command(s, "AUTH", "alice", "wrong");
            expect(s, "-WRONGPASS invalid username-password pair or user is disabled.\r\n");
            command(s, "AUTH", "alice", "wonder");
            expect(s, "+OK\r\n");
            command(s, "ACL", "WHOAMI");
            expect(s, "$5\r\nalice\r\n");
        }
    }

    @Test
    void loginHelloAuthAndTheDefaultUser() throws Exception {
        try (Socket s = Stack.connect(stack.command)) {
            command(s, "LOGIN", "admin", "secret1");
            expect(s, "+OK\r\n");
            command(s, "ACL", "WHOAMI");
            expect(s, "$5\r\nadmin\r\n");
        }
        try (Socket s = Stack.connect(stack.command)) {
            command(s, "AUTH", "open");
            expect(s, "+OK\r\n");
            command(s, "ACL", "WHOAMI");
            expect(s, "$7\r\ndefault\r\n");
        }
        try (Socket s = Stack.connect(stack.command)) {
            command(s, "HELLO", "2", "AUTH", "bot", "beep");
            expect(s, "*14\r\n$6\r\nserver\r\n");
        }
    }

    @Test
    void perUserCommands() throws Exception {
        try (Socket alice = Stack.connect(stack.command); Socket admin = Stack.connect(stack.command);
             Socket bot = Stack.connect(stack.command)) {
            command(alice, "AUTH", "alice", "wonder");
            command(admin, "AUTH", "admin", "secret1");
            command(bot, "AUTH", "bot", "beep");
            expect(alice, "+OK\r\n");
            expect(admin, "+OK\r\n");
            expect(bot, "+OK\r\n");
            command(alice, "CLIENT", "KILL", "ID", "1");
            expect(alice, "-NOPERM User alice has no permissions to run the 'client|kill' command\r\n");
            command(alice, "CLIENT", "LIST");
            assertThat(Stack.line(alice)).startsWith("$");
            Stack.line(alice);
            Stack.line(alice);
            Stack.line(alice);
            Stack.line(alice);
            command(bot, "ECHO", "ok");
            expect(bot, "$2\r\nok\r\n");
            command(bot, "CLIENT", "LIST");
            expect(bot, "-NOPERM User bot has no permissions to run the 'client' command\r\n");
            command(admin, "CLIENT", "KILL", "USER", "bot");
            expect(admin, ":1\r\n");
            assertThat(Stack.closed(bot)).isTrue();
        }
    }

    @Test
    void repeatedFailuresFromOneAddressAreSlowedDown() throws Exception {
        try (Socket s = Stack.connect(stack.command)) {
            for (int i = 0; i < 3; i++) {
                command(s, "AUTH", "alice", "nope" + i);
                expect(s, "-WRONGPASS invalid username-password pair or user is disabled.\r\n");
            }
            long t0 = System.nanoTime();
            command(s, "AUTH", "alice", "nope-again");
            expect(s, "-WRONGPASS invalid username-password pair or user is disabled.\r\n");
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(240));
            long t1 = System.nanoTime();
            command(s, "AUTH", "alice", "wonder");
            expect(s, "+OK\r\n");
            assertThat(Duration.ofNanos(System.nanoTime() - t1)).as("also waits, then succeeds")
                    .isGreaterThanOrEqualTo(Duration.ofMillis(450));
            command(s, "AUTH", "alice", "wrong-once-more");
            expect(s, "-WRONGPASS invalid username-password pair or user is disabled.\r\n");
        }
    }

    @Test
    void withoutAUsersFileEveryoneIsTheDefaultUser() throws Exception {
        try (Stack open = new Stack(); Socket s = Stack.connect(open.command)) {
            command(s, "AUTH", "x");
            expect(s, "-ERR AUTH <password> called without any password configured for the default user. "
                    + "Are you sure your configuration is correct?\r\n");
            command(s, "ACL", "WHOAMI");
            expect(s, "$7\r\ndefault\r\n");
            command(s, "CLIENT", "KILL", "ID", "123456");
            expect(s, ":0\r\n");
        }
    }
}
