package io.tcpkit.server.cli;

import io.tcpkit.server.testing.Tcpkit;
import io.tcpkit.testing.ChildProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code tcpkit serve} and {@code tcpkit echo} as a user runs them. */
@Timeout(60)
class ServeProgramTest {
    private static final Duration STARTUP = Duration.ofSeconds(20);

    @Test
    void serveRunsEchoPrintsHowToConnectAndExitsZeroOnSigterm() throws Exception {
        try (ChildProcess serve = Tcpkit.start("serve", "--echo-port", "0", "--chat-port", "0", "--command-port", "0")) {
            int port = Tcpkit.awaitPort(serve, "echo");
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
        try (ChildProcess echo = Tcpkit.start("echo", "--port", "0", "--drain-timeout", "5s")) {
            int port = Tcpkit.awaitPort(echo, "echo");
            try (Socket client = new Socket("127.0.0.1", port)) {
                OutputStream out = client.getOutputStream();
                InputStream in = client.getInputStream();
                out.write("before".getBytes(StandardCharsets.US_ASCII));
                assertThat(new String(in.readNBytes(6), StandardCharsets.US_ASCII)).isEqualTo("before");

                echo.signal("INT");
                assertThat(in.read()).isEqualTo(-1);
            }
            assertThat(echo.awaitExit(Duration.ofSeconds(20))).isZero();
            assertThat(echo.stderr()).contains("SIGINT received");
        }
    }

    @Test
    void aPortInUseIsOneClearLineAndExitStatusOne() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
             ChildProcess echo = Tcpkit.start("echo", "--port", Integer.toString(taken.getLocalPort()))) {
            assertThat(echo.awaitExit(STARTUP)).isEqualTo(1);
            assertThat(echo.stderr()).contains("tcpkit: echo: cannot listen on 127.0.0.1:" + taken.getLocalPort());
        }
    }

    @Test
    void versionHelpAndBadOptions() throws Exception {
        try (ChildProcess version = Tcpkit.start("--version")) {
            assertThat(version.awaitExit(STARTUP)).isZero();
            assertThat(version.stdout()).startsWith("tcpkit ").contains("Java ");
        }
        try (ChildProcess help = Tcpkit.start("serve", "--help")) {
            assertThat(help.awaitExit(STARTUP)).isZero();
            assertThat(help.stdout()).contains("--echo-port", "--drain-timeout", "--max-connections");
        }
        try (ChildProcess bad = Tcpkit.start("serve", "--log-level", "loud")) {
            assertThat(bad.awaitExit(STARTUP)).isEqualTo(2);
            assertThat(bad.stderr()).contains("'loud' is not one of");
        }
        try (ChildProcess none = Tcpkit.start()) {
            assertThat(none.awaitExit(STARTUP)).isEqualTo(2);
            assertThat(none.stderr()).contains("a command is required");
        }
    }
}
