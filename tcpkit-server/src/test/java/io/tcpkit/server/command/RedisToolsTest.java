package io.tcpkit.server.command;

import io.tcpkit.server.testing.Services;
import io.tcpkit.testing.ChildProcess;
import io.tcpkit.testing.Require;
import io.tcpkit.testing.RespClient.Err;
import io.tcpkit.testing.RespClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real redis-cli and redis-benchmark (Debian redis-tools; CI installs them) against the
 * command service in-process. Where they are not on PATH the tests are skipped, or fail under
 * {@code CI=true} ({@link Require}).
 */
@Timeout(120)
class RedisToolsTest {
    private static final Duration RUN = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private static ChildProcess cli(int port, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Require.tool("redis-cli").toString(), "-h", "127.0.0.1", "-p", Integer.toString(port)));
        command.addAll(List.of(args));
        return ChildProcess.run(RUN, new byte[0], command.toArray(String[]::new));
    }

    private static void assertPrints(int port, String expected, String... args) throws Exception {
        ChildProcess p = cli(port, args);
        assertThat(p.stdout()).as("redis-cli %s; stderr: %s", List.of(args), p.stderr()).isEqualTo(expected);
        assertThat(p.exitValue()).isZero();
    }

    @Test
    void redisCliRunsCommands() throws Exception {
        try (Services server = Services.withCommand()) {
            int port = server.command().port();
            assertPrints(port, "PONG\n", "PING");
            assertPrints(port, "hello\n", "ECHO", "hello");
            assertPrints(port, "hello world\n", "ECHO", "hello world");
            assertPrints(port, "OK\n", "CLIENT", "SETNAME", "x");
            assertPrints(port, "default\n", "ACL", "WHOAMI");
            assertThat(cli(port, "INFO", "server").stdout()).contains("redis_version:");
            assertThat(cli(port, "CLIENT", "LIST").stdout()).contains("cmd=client|list", "user=default");
            assertThat(cli(port, "NOSUCH", "a").stdout())
                    .as("redis-cli ends an error with a blank line, as against Redis")
                    .isEqualTo("ERR unknown command 'NOSUCH', with args beginning with: 'a' \n\n");
        }
    }

    @Test
    void redisCliLogsInWithAUserAndPassword() throws Exception {
        try (Services server = Services.withCommand(Services.users(dir, "alice wonder", "default open"))) {
            int port = server.command().port();
            assertPrints(port, "alice\n", "--user", "alice", "--pass", "wonder", "--no-auth-warning", "ACL", "WHOAMI");
            assertPrints(port, "default\n", "-a", "open", "--no-auth-warning", "ACL", "WHOAMI");

            ChildProcess wrong = cli(port, "--user", "alice", "--pass", "wrong", "--no-auth-warning", "PING");
            assertThat(wrong.stdout() + wrong.stderr()).contains("WRONGPASS").contains("AUTH failed");
            ChildProcess none = cli(port, "ECHO", "x");
            assertThat(none.stdout()).isEqualTo("NOAUTH Authentication required.\n\n");
        }
    }

    @Test
    void redisBenchmarkRunsCleanlyPlainAndPipelined() throws Exception {
        try (Services server = Services.withCommand()) {
            String port = Integer.toString(server.command().port());
            for (String pipeline : new String[] {"1", "16"}) {
                ChildProcess bench = ChildProcess.run(RUN, new byte[0], Require.tool("redis-benchmark").toString(),
                        "-h", "127.0.0.1", "-p", port,
                        "-t", "ping", "-n", "20000", "-c", "10", "-P", pipeline, "-q");
                String out = bench.stdout() + bench.stderr();
                assertThat(bench.exitValue()).as(out).isZero();
                assertThat(out).containsPattern("PING_INLINE: [0-9.]+ requests per second")
                        .containsPattern("PING_MBULK: [0-9.]+ requests per second")
                        .doesNotContain("ERR", "rror", "WARN");
            }
        }
    }

    @Test
    void redisBenchmarkLogsInWithAUser() throws Exception {
        try (Services server = Services.withCommand(Services.users(dir, "alice wonder"))) {
            ChildProcess bench = ChildProcess.run(RUN, new byte[0], Require.tool("redis-benchmark").toString(), "-h", "127.0.0.1",
                    "-p", Integer.toString(server.command().port()), "--user", "alice", "-a", "wonder",
                    "-t", "ping", "-n", "2000", "-c", "4", "-q");
            String out = bench.stdout() + bench.stderr();
            assertThat(bench.exitValue()).as(out).isZero();
            assertThat(out).contains("PING_INLINE: ", "PING_MBULK: ").doesNotContain("NOAUTH", "ERR", "rror", "WARN");
        }
    }

    /** Whether {@code text} contains {@code first} and, after it, {@code then}. */
    private static boolean after(String text, String first, String then) {
        int i = text.indexOf(first);
        return i >= 0 && text.indexOf(then, i + first.length()) >= 0;
    }

    @Test
    void redisCliInteractiveModeStartsCleanly() throws Exception {
        Path script = Require.tool("script");
        Path redisCli = Require.tool("redis-cli");
        try (Services server = Services.withCommand(); RecordingProxy proxy = new RecordingProxy(server.command().port());
             // script gives redis-cli a terminal, so it runs its interactive mode (COMMAND DOCS first).
             // stty sets the terminal's width, else linenoise asks the terminal where its cursor is.
             ChildProcess cli = ChildProcess.start(script.toString(), "-qec",
                     "stty cols 200 rows 50; exec " + redisCli + " -p " + proxy.port(), "/dev/null")) {
            String prompt = "127.0.0.1:" + proxy.port() + "> ";
            Duration wait = Duration.ofSeconds(20);
            cli.awaitStdout("the prompt", wait, out -> out.contains(prompt));
            // Type only at a prompt: linenoise turns raw mode on (flushing what was typed before)
            // and then prints the prompt. In raw mode Enter is CR.
            cli.write("PING\r");
            cli.awaitStdout("PONG and the next prompt", wait, out -> after(out, "PONG", prompt));
            cli.write("ECHO hi\r");
            cli.awaitStdout("the echo and the next prompt", wait, out -> after(out, "\"hi\"", prompt));
            cli.write("quit\r");
            assertThat(cli.awaitExit(wait)).isZero();
            assertThat(cli.stdout()).doesNotContain("ERR", "rror", "NOAUTH");

            // What went over the wire: COMMAND DOCS was asked and answered with an array, no errors.
            List<Object> requests = RespClient.values(proxy.fromClients());
            List<Object> replies = RespClient.values(proxy.fromServer());
            assertThat(replies).hasSameSizeAs(requests).noneMatch(r -> r instanceof Err);
            int docs = requests.indexOf(List.of("COMMAND", "DOCS"));
            assertThat(docs).as("redis-cli asked COMMAND DOCS: %s", requests).isGreaterThanOrEqualTo(0);
            assertThat(replies.get(docs)).asList().isNotEmpty().contains("ping", "echo");
            assertThat(requests).contains(List.of("PING"), List.of("ECHO", "hi"));
        }
    }
}
