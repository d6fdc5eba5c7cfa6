package io.tcpkit.server.command;

import io.tcpkit.Limits;
import io.tcpkit.server.testing.Stack;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The real redis-cli and redis-benchmark against the command protocol (Debian redis-tools; CI installs it). */
@Timeout(120)
class RedisToolsTest {
    @TempDir
    Path dir;

    @BeforeAll
    static void tools() {
        assumeTrue(new File("/usr/bin/redis-cli").canExecute() && new File("/usr/bin/redis-benchmark").canExecute(),
                "redis-tools is not installed");
    }

    private static String[] cli(int port, String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("redis-cli", "-p", Integer.toString(port)));
        command.addAll(List.of(args));
        return Stack.run(command, null);
    }

    @Test
    void redisCliCommands() throws Exception {
        try (Stack stack = new Stack()) {
            int port = stack.command.port();
            assertThat(cli(port, "PING")).containsExactly("0", "PONG\n");
            assertThat(cli(port, "ECHO", "hello world")).containsExactly("0", "hello world\n");
            assertThat(cli(port, "CLIENT", "SETNAME", "x")).containsExactly("0", "OK\n");
            assertThat(cli(port, "INFO", "server")[1]).contains("redis_version:");
            assertThat(cli(port, "NOSUCH")[1]).startsWith("ERR unknown command 'NOSUCH'");
        }
    }

    @Test
    void redisCliWithAUser() throws Exception {
        try (Stack stack = new Stack(Stack.users(dir, "alice wonder"), Limits.DEFAULT)) {
            int port = stack.command.port();
            assertThat(cli(port, "--user", "alice", "--pass", "wonder", "--no-auth-warning", "ACL", "WHOAMI"))
                    .containsExactly("0", "alice\n");
            assertThat(cli(port, "--user", "alice", "--pass", "bad", "--no-auth-warning", "PING")[1]).contains("WRONGPASS");
            assertThat(cli(port, "ECHO", "x")[1]).contains("NOAUTH");
        }
    }

    @Test
    void redisCliInteractiveModeStartsCleanly() throws Exception {
        assumeTrue(new File("/usr/bin/tmux").canExecute(), "tmux is not installed");
        try (Stack stack = new Stack()) {
            // tmux gives redis-cli a real terminal, so it starts its interactive mode (COMMAND DOCS first).
            String session = "tcpkit-test-" + ProcessHandle.current().pid();
            Stack.run(List.of("tmux", "new-session", "-d", "-s", session, "-x", "120", "-y", "30",
                    "redis-cli -p " + stack.command.port()), null);
            try {
                String prompt = "127.0.0.1:" + stack.command.port() + ">";
                String[] screen = {""};
                java.util.function.Function<String, java.util.function.BooleanSupplier> shows = text -> () -> {
                    try {
                        screen[0] = Stack.run(List.of("tmux", "capture-pane", "-p", "-t", session), null)[1];
                    } catch (Exception e) {
                        throw new AssertionError(e);
                    }
                    return screen[0].contains(text);
                };
                io.tcpkit.server.testing.Waits.until("the prompt", java.time.Duration.ofSeconds(20), shows.apply(prompt));
                Stack.run(List.of("tmux", "send-keys", "-t", session, "PING", "Enter"), null);
                io.tcpkit.server.testing.Waits.until("PONG", java.time.Duration.ofSeconds(20), shows.apply("PONG"));
                Stack.run(List.of("tmux", "send-keys", "-t", session, "ECHO hi", "Enter"), null);
                io.tcpkit.server.testing.Waits.until("the echo", java.time.Duration.ofSeconds(20), shows.apply("\"hi\""));
                assertThat(screen[0]).contains("PONG", "\"hi\"").doesNotContain("ERR", "rror");
            } finally {
                Stack.run(List.of("tmux", "kill-session", "-t", session), null);
            }
        }
    }

    @Test
    void redisBenchmarkRunsCleanlyPlainAndPipelined() throws Exception {
        try (Stack stack = new Stack()) {
            String port = Integer.toString(stack.command.port());
            for (String pipeline : new String[] {"1", "16"}) {
                String[] result = Stack.run(List.of("redis-benchmark", "-p", port, "-t", "ping", "-n", "20000",
                        "-c", "10", "-P", pipeline, "-q"), null);
                assertThat(result[0]).as(result[1]).isEqualTo("0");
                assertThat(result[1]).contains("PING_INLINE: ", "PING_MBULK: ", "requests per second")
                        .doesNotContain("ERR", "rror");
            }
        }
    }
}
