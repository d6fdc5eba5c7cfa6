package io.tcpkit.server.cli;

import io.tcpkit.TcpServer;
import io.tcpkit.server.echo.EchoService;
import io.tcpkit.server.testing.Tcpkit;
import io.tcpkit.testing.ChildProcess;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code tcpkit connect} as a user runs it, against servers started here. */
@Timeout(60)
class ConnectProgramTest {
    private static final Duration EXIT = Duration.ofSeconds(20);
    @AutoClose
    private TcpServer server;

    private String echoServer() throws Exception {
        server = TcpServer.builder().port(0).requestHandler(EchoService.ECHO).start();
        return "127.0.0.1:" + server.port();
    }

    @Test
    void copiesBinaryStdinToTheSocketAndTheSocketToStdout() throws Exception {
        byte[] data = new byte[300_000];
        new Random(42).nextBytes(data);
        try (ChildProcess connect = Tcpkit.start("connect", echoServer())) {
            connect.stdin(data);
            assertThat(connect.awaitExit(EXIT)).isZero();
            assertThat(connect.stdoutBytes()).isEqualTo(data);
            assertThat(connect.stderr()).isEmpty();
        }
    }

    @Test
    void halfClosesAtEndOfStdinAndPrintsUntilTheServerCloses() throws Exception {
        server = TcpServer.builder().port(0).handler(conn -> {
            byte[] buf = new byte[1024];
            long total = 0;
            int n;
            while ((n = conn.read(buf, 0, buf.length)) >= 0) {
                total += n;
            }
            conn.write("got " + total + " bytes\n");
        }).start();
        try (ChildProcess connect = Tcpkit.start("connect", "127.0.0.1:" + server.port())) {
            connect.stdin("abc\ndef\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(connect.awaitExit(EXIT)).isZero();
            assertThat(connect.stdout()).isEqualTo("got 8 bytes\n");
        }
    }

    @Test
    void crlfOptionSendsCarriageReturnLineFeed() throws Exception {
        try (ChildProcess connect = Tcpkit.start("connect", "--crlf", echoServer())) {
            connect.stdin("a\nb\r\n\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(connect.awaitExit(EXIT)).isZero();
            assertThat(connect.stdout()).isEqualTo("a\r\nb\r\n\r\n");
        }
    }

    @Test
    void refusedIsExitOneWithAReason() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        try (ChildProcess connect = Tcpkit.start("connect", "127.0.0.1:" + port)) {
            assertThat(connect.awaitExit(EXIT)).isEqualTo(1);
            assertThat(connect.stderr()).isEqualTo("tcpkit connect: connection refused by 127.0.0.1:" + port + "\n");
        }
    }

    @Test
    void resetByTheServerIsExitOneWithAReason() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             ChildProcess connect = Tcpkit.start("connect", "127.0.0.1:" + listener.getLocalPort())) {
            try (Socket accepted = listener.accept()) {
                accepted.setSoLinger(true, 0); // close() sends RST
            }
            assertThat(connect.awaitExit(EXIT)).isEqualTo(1);
            assertThat(connect.stderr()).startsWith("tcpkit connect: 127.0.0.1:" + listener.getLocalPort() + ": ")
                    .containsIgnoringCase("reset");
        }
    }

    @Test
    void idleTimeoutIsExitOneWithAReason() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             ChildProcess connect = Tcpkit.start("connect", "--idle-timeout", "300ms", "127.0.0.1:" + silent.getLocalPort())) {
            assertThat(connect.awaitExit(EXIT)).isEqualTo(1);
            assertThat(connect.stderr()).contains("tcpkit connect: no data from 127.0.0.1:" + silent.getLocalPort()
                    + " for 300 ms");
        }
    }

    @Test
    void badTargetIsExitOneWithAReason() throws Exception {
        try (ChildProcess connect = Tcpkit.start("connect", "no-port-here")) {
            assertThat(connect.awaitExit(EXIT)).isEqualTo(1);
            assertThat(connect.stderr()).isEqualTo("tcpkit connect: expected HOST:PORT, got 'no-port-here'\n");
        }
    }
}
