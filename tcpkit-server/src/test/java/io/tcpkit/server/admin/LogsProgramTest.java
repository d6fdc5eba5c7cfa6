package io.tcpkit.server.admin;

import io.tcpkit.server.testing.Tcpkit;
import io.tcpkit.testing.Await;
import io.tcpkit.testing.ChildProcess;
import io.tcpkit.testing.Net;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static io.tcpkit.server.testing.Tcpkit.STARTUP;
import static org.assertj.core.api.Assertions.assertThat;

/** The program's logs as an operator reads them: startup, connection and audit lines, text and JSON. */
class LogsProgramTest {
    private static final Duration EXIT = Duration.ofSeconds(30);
    /** 2026-12-01T15:04:05.123Z or ...+01:00: every text line starts with date, time and zone. */
    private static final String STAMP = "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}(Z|[+-]\\d{2}:\\d{2})";

    @Test
    void startupLineConnectionLinesAndDrainingReadiness() throws Exception {
        int adminPort = ProgramAdmin.freePort();
        try (ChildProcess serve = ProgramAdmin.start(adminPort, "command", "serve", "--echo-port", "0", "--chat-port", "0",
                "--command-port", "0", "--log-level", "debug", "--admin-token", "t0ps3cret", "--drain-timeout", "20s")) {
            int chatPort = Tcpkit.awaitPort(serve, "chat");
            assertThat(serve.stdout()).startsWith("admin    listening on 127.0.0.1:" + adminPort
                    + "  (open http://127.0.0.1:" + adminPort + "/ in a browser; metrics at /metrics)\n");
            serve.awaitStderr("ServiceRunner: tcpkit ", STARTUP);
            assertThat(serve.stderr().lines().filter(l -> l.contains("ServiceRunner: tcpkit ")).findFirst().orElseThrow())
                    .matches(STAMP + " INFO  \\[main] ServiceRunner: tcpkit \\S+ on Java "
                            + Pattern.quote(Runtime.version().toString()) + " \\(pid \\d+\\) serving echo on 127\\.0\\.0\\.1:\\d+, "
                            + "chat on 127\\.0\\.0\\.1:" + chatPort + ", command on 127\\.0\\.0\\.1:\\d+, admin on "
                            + "http://127\\.0\\.0\\.1:" + adminPort + "/; options: --host=127\\.0\\.0\\.1 .*")
                    .contains(" --admin-port=" + adminPort + " ", " --admin-token=(hidden) ", " --log-level=debug")
                    .doesNotContain("t0ps3cret", "--print-config");

            String connection;
            try (Socket alice = Net.connect(chatPort)) {
                Net.readLine(alice);
                Net.send(alice, "alice\nhi\n");
                Net.readLine(alice);
                connection = "conn-\\d+ 127\\.0\\.0\\.1:" + alice.getLocalPort();
            }
            serve.awaitStderr("closed: closed by peer", STARTUP);
            List<String> lines = serve.stderr().lines().toList();
            assertThat(lines).allSatisfy(line -> assertThat(line).matches(STAMP + " .*"));
            assertThat(lines).anySatisfy(line -> assertThat(line).matches(STAMP
                    + " DEBUG \\[" + connection + "] ConnectionLog: chat " + connection + " opened"));
            assertThat(lines).anySatisfy(line -> assertThat(line).matches(STAMP + " DEBUG \\[" + connection
                    + "] ConnectionLog: chat " + connection + " user 'default' name 'alice' closed: closed by peer "
                    + "after \\d+ ms, 9 bytes in, 75 bytes out"));
            assertThat(serve.stderr()).as("the engine's own close line is silenced: ours names the user")
                    .doesNotContain("EngineServer: conn-");

            // Draining: not ready, while the admin listener still answers.
            try (Socket halfway = Net.connect(chatPort)) {
                Net.readLine(halfway);
                Net.send(halfway, "bob"); // a name without its newline: a frame in progress
                Await.until("the server has read bob's 3 bytes", STARTUP, () -> chatBytesIn(adminPort) == 3);
                serve.terminate(); // SIGTERM
                serve.awaitStderr("draining 1 connection", STARTUP);
                var readyz = ProgramAdmin.get(adminPort, "/readyz");
                assertThat(readyz.statusCode()).isEqualTo(503);
                assertThat(readyz.body()).isEqualTo("not ready\n[-] listeners: draining\n");
            }
            assertThat(serve.awaitExit(EXIT)).isZero();
        }
    }

    @Test
    void jsonLogsGoToTheFileOneObjectPerLine(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("tcpkit.log");
        try (ChildProcess echo = Tcpkit.start("echo", "--port", "0", "--log-format", "json", "--log-file", log.toString(),
                "--log-level", "debug")) {
            int port = Tcpkit.awaitPort(echo, "echo");
            try (Socket client = Net.connect(port)) {
                Net.send(client, "ping");
                assertThat(Net.read(client, 4)).isEqualTo("ping");
            }
            Await.until("the close line", STARTUP, () -> read(log).contains("closed: closed by peer"));
            echo.terminate();
            assertThat(echo.awaitExit(EXIT)).isZero();
            assertThat(echo.stderr()).as("everything went to the file").isEmpty();
        }
        List<String> lines = Files.readAllLines(log);
        assertThat(lines).hasSizeGreaterThanOrEqualTo(4);
        for (String line : lines) {
            Map<String, Object> event = JsonTree.object(line);
            assertThat(event).containsKeys("timestamp", "level", "threadName", "loggerName", "formattedMessage");
            assertThat((Long) event.get("timestamp")).isGreaterThan(1_700_000_000_000L);
        }
        assertThat(lines).anySatisfy(l -> assertThat(JsonTree.object(l).get("formattedMessage").toString())
                .startsWith("tcpkit ").contains(" serving echo on 127.0.0.1:", "--log-format=JSON"));
        assertThat(lines).anySatisfy(l -> assertThat(JsonTree.object(l))
                .containsEntry("level", "DEBUG").containsEntry("loggerName", "io.tcpkit.server.log.ConnectionLog")
                .hasEntrySatisfying("formattedMessage", m -> assertThat(m.toString())
                        .matches("echo conn-\\d+ 127\\.0\\.0\\.1:\\d+ closed: closed by peer after \\d+ ms, 4 bytes in, 4 bytes out")));
    }

    @Test
    void whatAClientSendsCannotForgeALogLine() throws Exception {
        String forged = "x' from 10.1.2.3\n2026-01-01T00:00:00.000Z INFO  [main] audit: login succeeded: user 'admin\u001b[31m";
        try (ChildProcess command = Tcpkit.start("command", "--port", "0")) {
            int port = Tcpkit.awaitPort(command, "command");
            try (Socket client = Net.connect(port)) {
                byte[] name = forged.getBytes(java.nio.charset.StandardCharsets.UTF_8);
                Net.send(client, "*3\r\n$4\r\nAUTH\r\n$" + name.length + "\r\n" + forged + "\r\n$1\r\ny\r\n");
                assertThat(Net.readLine(client)).startsWith("-WRONGPASS");
            }
            command.awaitStderr("login failed", STARTUP);
            command.terminate();
            assertThat(command.awaitExit(EXIT)).isZero();
            assertThat(command.stderr().lines()).noneMatch(l -> l.startsWith("2026-01-01T00:00:00.000Z"));
            assertThat(command.stderr()).contains("audit: login failed: user 'x' from 10.1.2.3\\n2026-01-01T00:00:00.000Z "
                    + "INFO  [main] audit: login succeeded: user 'admin\\x1b[31m' from 127.0.0.1 by password\n");
        }
    }

    @SuppressWarnings("unchecked")
    private static long chatBytesIn(int adminPort) {
        try {
            List<Map<String, Object>> open = (List<Map<String, Object>>) JsonTree.object(
                    ProgramAdmin.get(adminPort, "/connz?service=chat").body()).get("connections");
            return open.isEmpty() ? -1 : (Long) open.get(0).get("bytes_in");
        } catch (java.io.IOException | InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
