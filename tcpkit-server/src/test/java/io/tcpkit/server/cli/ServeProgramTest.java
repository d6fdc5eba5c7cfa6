package io.tcpkit.server.cli;

import io.tcpkit.server.testing.Tcpkit;
import io.tcpkit.testing.ChildProcess;
import io.tcpkit.testing.LineClient;
import io.tcpkit.testing.Net;
import io.tcpkit.testing.RespClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code tcpkit serve} as a user runs it, a child process on free ports: its three services and
 * what they share (sessions, rooms), its stdout and exit status, and options that apply to every
 * listener. The limits and timeouts are in ServerOptionsProgramTest, signals in SignalsProgramTest.
 */
@Timeout(90)
class ServeProgramTest {
    private static final Duration EXIT = Duration.ofSeconds(30);
    private static final String PROMPT = "Welcome to tcpkit chat! What shall I call you?";

    @TempDir
    Path dir;

    private static String message(String room, String text) {
        return RespClient.encode("message", room, text);
    }

    @Test
    void chatAndCommandShareRoomsAndSessionsEchoEchoesAndSigtermEndsItAllCleanly() throws Exception {
        try (Tcpkit.Serve serve = Tcpkit.serve(dir);
             Socket echo = Net.connect(serve.echo());
             RespClient program = RespClient.connect(serve.command(), "program");
             RespClient robot = RespClient.connect(serve.command(), "robot");
             LineClient alice = LineClient.connect(serve.chat(), "alice")) {
            assertThat(serve.process().stdout()).contains(
                    "echo     listening on 127.0.0.1:" + serve.echo() + "  (try: tcpkit connect 127.0.0.1:" + serve.echo() + ")",
                    "chat     listening on 127.0.0.1:" + serve.chat(),
                    "command  listening on 127.0.0.1:" + serve.command());
            byte[] data = {0, 1, 2, (byte) 0xff, '\r', '\n', 'x'};
            echo.getOutputStream().write(data);
            assertThat(echo.getInputStream().readNBytes(data.length)).isEqualTo(data);

            // A program follows the chat's lobby: a chat room is a pub/sub channel.
            assertThat(program.call("SUBSCRIBE", "lobby")).isEqualTo("*3\r\n$9\r\nsubscribe\r\n$5\r\nlobby\r\n:1\r\n");
            alice.expectLine(PROMPT);
            alice.sendLine("alice");
            alice.expectLine("* The room lobby contains: ");
            program.expectBytes(message("lobby", "* alice has entered the room"));
            alice.sendLine("hello, programs");
            program.expectBytes(message("lobby", "[alice] hello, programs"));

            // Another program speaks in the chat's lobby under its client name; both kinds of
            // member count as receivers.
            assertThat(robot.call("CLIENT", "SETNAME", "robot")).isEqualTo("+OK\r\n");
            assertThat(robot.call("PUBLISH", "lobby", "beep")).isEqualTo(":2\r\n");
            alice.expectLine("[robot] beep");
            program.expectBytes(message("lobby", "beep"));

            // CLIENT LIST on the command port shows the chat's people too, with their service.
            String list = (String) robot.command("CLIENT", "LIST").value();
            String aliceLine = line(list, " addr=127.0.0.1:" + alice.localPort() + " ");
            assertThat(aliceLine).contains(" laddr=127.0.0.1:" + serve.chat() + " ", " name=alice ", " service=chat");
            assertThat(line(list, " addr=127.0.0.1:" + robot.localPort() + " "))
                    .contains(" name=robot ", " cmd=client|list ", " service=command");
            assertThat(line(list, " addr=127.0.0.1:" + program.localPort() + " ")).contains(" sub=1 ", " service=command");
            assertThat(list.lines()).hasSize(3);

            // SIGTERM: the ports close at once; the joined person is told, everyone reads a clean
            // end of stream (never a reset), and the process exits 0.
            serve.process().terminate();
            alice.expectLine("* the server is shutting down: bye");
            alice.expectEof();
            // After the goodbye nobody is told who else leaves, programs neither.
            assertThat(program.readToEnd()).isEmpty();
            robot.expectEof();
            assertThat(echo.getInputStream().read()).isEqualTo(-1);
            assertThat(serve.process().awaitExit(EXIT)).isZero();
            assertThat(serve.process().stderr()).contains("SIGTERM received: shutting down", "stopped");
        }
    }

    /** The one line of a CLIENT LIST reply that contains {@code marker}. */
    private static String line(String list, String marker) {
        List<String> lines = list.lines().filter(l -> l.contains(marker)).toList();
        assertThat(lines).as("the CLIENT LIST line with '%s' in %s", marker, list).hasSize(1);
        return lines.get(0);
    }

    @Test
    void hostChoosesTheAddressEveryListenerBindsTo() throws Exception {
        try (Tcpkit.Serve serve = Tcpkit.serve(dir, "--host", "127.0.0.2")) {
            for (String service : List.of("echo", "chat", "command")) {
                Matcher listening = Tcpkit.awaitListening(serve.process(), service);
                assertThat(listening.group(2)).as(service).isEqualTo("127.0.0.2");
            }
            InetSocketAddress chat = new InetSocketAddress(InetAddress.getByName("127.0.0.2"), serve.chat());
            try (LineClient c = LineClient.connect(chat, null, "on 127.0.0.2")) {
                c.expectLine(PROMPT);
            }
            try (RespClient c = RespClient.connect(new InetSocketAddress(InetAddress.getByName("127.0.0.2"), serve.command()),
                    null, "on 127.0.0.2")) {
                assertThat(c.call("PING")).isEqualTo("+PONG\r\n");
            }
            for (int port : List.of(serve.echo(), serve.chat(), serve.command())) {
                assertThatThrownBy(() -> Net.connect(port).close()).as("127.0.0.1:%d", port)
                        .isInstanceOf(ConnectException.class);
            }
        }
    }

    @Test
    void serveTakesItsOptionsFromAConfigFile() throws Exception {
        Path conf = Files.writeString(dir.resolve("tcpkit.conf"),
                "host = ::1\necho-port = 0\nchat-port = 0\ncommand-port = 0\nlog-level = warn\n");
        try (ChildProcess serve = Tcpkit.start(dir, "serve", "--config", conf.toString(), "--echo-port", "0")) {
            Matcher command = Tcpkit.awaitListening(serve, "command");
            assertThat(command.group(2)).isEqualTo("[::1]");
            serve.terminate();
            assertThat(serve.awaitExit(EXIT)).isZero();
            assertThat(serve.stderr()).as("log-level warn from the file: no info lines").doesNotContain("INFO");
        }
    }

    @Test
    void ipv6AddressesAreWrittenShortInBrackets() throws Exception {
        try (ChildProcess echo = Tcpkit.start(dir, "echo", "--port", "0", "--host", "::1")) {
            int port = Tcpkit.awaitPort(echo, "echo");
            assertThat(echo.stdout()).contains("echo     listening on [::1]:" + port + "  (try: tcpkit connect [::1]:" + port + ")");
            try (ChildProcess bench = Tcpkit.start(dir, "bench", "[::1]:" + port, "-c", "1", "--duration", "200ms",
                    "--warmup", "0s")) {
                assertThat(bench.awaitExit(EXIT)).as(bench.stderr()).isZero();
                assertThat(bench.stdout()).startsWith("tcpkit bench [::1]:" + port + "  mode=echo");
            }
        }
    }

    @Test
    void aPortInUseIsOneClearLineAndExitStatusOne() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             ChildProcess echo = Tcpkit.start("echo", "--port", Integer.toString(taken.getLocalPort()))) {
            assertThat(echo.awaitExit(EXIT)).isEqualTo(1);
            assertThat(echo.stderr()).contains("tcpkit: echo: cannot listen on 127.0.0.1:" + taken.getLocalPort());
        }
    }

    @Test
    void versionHelpAndBadOptions() throws Exception {
        try (ChildProcess version = Tcpkit.start("--version")) {
            assertThat(version.awaitExit(EXIT)).isZero();
            assertThat(version.stdout()).startsWith("tcpkit ").contains("Java ");
        }
        try (ChildProcess help = Tcpkit.start("serve", "--help")) {
            assertThat(help.awaitExit(EXIT)).isZero();
            assertThat(help.stdout()).contains("--echo-port", "--drain-timeout", "--max-connections");
        }
        try (ChildProcess bad = Tcpkit.start("serve", "--log-level", "loud")) {
            assertThat(bad.awaitExit(EXIT)).isEqualTo(2);
            assertThat(bad.stderr()).contains("'loud' is not one of");
        }
        try (ChildProcess bad = Tcpkit.start("serve", "--idle-timeout", "5 minutes")) {
            assertThat(bad.awaitExit(EXIT)).isEqualTo(2);
            assertThat(bad.stderr()).contains("'5 minutes' is not a duration (try 500ms, 30s, 5m, 1h)");
        }
        try (ChildProcess none = Tcpkit.start()) {
            assertThat(none.awaitExit(EXIT)).isEqualTo(2);
            assertThat(none.stderr()).contains("a command is required");
        }
    }
}
