package io.tcpkit.server.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code tcpkit serve} and {@code tcpkit echo} as a user runs them. */
@Timeout(60)
class ServeProgramTest {
    private static final Duration STARTUP = Duration.ofSeconds(20);

    @Test
    void serveRunsEchoPrintsHowToConnectAndExitsZeroOnSigterm() throws Exception {
        try (Program serve = Program.start("serve", "--echo-port", "0", "--chat-port", "0", "--command-port", "0")) {
            int port = serve.awaitPort("echo", STARTUP);
            assertThat(serve.stdout()).contains("listening on 127.0.0.1:" + port,
                    "tcpkit connect 127.0.0.1:" + port);

            try (Socket client = new Socket("127.0.0.1", port)) {
                byte[] data = {0, 1, 2, (byte) 0xff, '\r', '\n', 'x'};
                client.getOutputStream().write(data);
                assertThat(client.getInputStream().readNBytes(data.length)).isEqualTo(data);

                serve.process().toHandle().destroy(); // SIGTERM (Process.destroy would also close our pipes)
                // The idle client is told by a clean end of stream, not a reset.
                assertThat(client.getInputStream().read()).isEqualTo(-1);
            }
            assertThat(serve.awaitExit(Duration.ofSeconds(20))).isZero();
            assertThat(serve.stderr()).contains("SIGTERM received", "stopped");
        }
    }

    @Test
    void sigintDrainsAClientThatIsStillSending() throws Exception {
        try (Program echo = Program.start("echo", "--port", "0", "--drain-timeout", "5s")) {
            int port = echo.awaitPort("echo", STARTUP);
            try (Socket client = new Socket("127.0.0.1", port)) {
                OutputStream out = client.getOutputStream();
                InputStream in = client.getInputStream();
                out.write("before".getBytes(StandardCharsets.US_ASCII));
                assertThat(new String(in.readNBytes(6), StandardCharsets.US_ASCII)).isEqualTo("before");

                new ProcessBuilder("kill", "-INT", Long.toString(echo.process().pid())).start().waitFor();
                assertThat(in.read()).isEqualTo(-1);
            }
            assertThat(echo.awaitExit(Duration.ofSeconds(20))).isZero();
            assertThat(echo.stderr()).contains("SIGINT received");
        }
    }

    @Test
    void serveTakesItsOptionsFromAConfigFile(@TempDir Path dir) throws Exception {
        Path conf = Files.writeString(dir.resolve("tcpkit.conf"),
                "host = ::1\necho-port = 0\nchat-port = 0\ncommand-port = 0\nlog-level = warn\n");
        try (Program serve = Program.start("serve", "--config", conf.toString(), "--echo-port", "0")) {
            int port = serve.awaitPort("command", STARTUP);
            assertThat(serve.stdout()).contains("command  listening on [::1]:" + port);
            serve.process().toHandle().destroy();
            assertThat(serve.awaitExit(Duration.ofSeconds(20))).isZero();
            assertThat(serve.stderr()).as("log-level warn from the file: no info lines").doesNotContain("INFO");
        }
    }

    @Test
    void ipv6AddressesAreWrittenShortInBrackets() throws Exception {
        try (Program echo = Program.start("echo", "--port", "0", "--host", "::1")) {
            int port = echo.awaitPort("echo", STARTUP);
            assertThat(echo.stdout()).contains("echo     listening on [::1]:" + port + "  (try: tcpkit connect [::1]:" + port + ")");
            try (Program bench = Program.start("bench", "[::1]:" + port, "-c", "1", "--duration", "200ms", "--warmup", "0s")) {
                assertThat(bench.awaitExit(STARTUP)).as(bench.stderr()).isZero();
                assertThat(bench.stdout()).startsWith("tcpkit bench [::1]:" + port + "  mode=echo");
            }
        }
    }

    @Test
    void aPortInUseIsOneClearLineAndExitStatusOne() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
             Program echo = Program.start("echo", "--port", Integer.toString(taken.getLocalPort()))) {
            assertThat(echo.awaitExit(STARTUP)).isEqualTo(1);
            assertThat(echo.stderr()).contains("tcpkit: echo: cannot listen on 127.0.0.1:" + taken.getLocalPort());
        }
    }

    @Test
    void versionHelpAndBadOptions() throws Exception {
        try (Program version = Program.start("--version")) {
            assertThat(version.awaitExit(STARTUP)).isZero();
            assertThat(version.stdout()).startsWith("tcpkit ").contains("Java ");
        }
        try (Program help = Program.start("serve", "--help")) {
            assertThat(help.awaitExit(STARTUP)).isZero();
            assertThat(help.stdout()).contains("--echo-port", "--drain-timeout", "--max-connections");
        }
        try (Program bad = Program.start("serve", "--log-level", "loud")) {
            assertThat(bad.awaitExit(STARTUP)).isEqualTo(2);
            assertThat(bad.stderr()).contains("'loud' is not one of");
        }
        try (Program none = Program.start()) {
            assertThat(none.awaitExit(STARTUP)).isEqualTo(2);
            assertThat(none.stderr()).contains("a command is required");
        }
    }
}
