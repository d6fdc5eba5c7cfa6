package io.tcpkit.server.command;

import io.tcpkit.server.cli.Program;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Attacks on the command port of the real program ({@code tcpkit serve}, every service on a free
 * port), each followed by a check that every service still answers.
 */
@Timeout(120)
class HostileInputProgramTest {
    private static Program serve;
    private static int echoPort;
    private static int chatPort;
    private static int commandPort;

    @BeforeAll
    static void start() throws Exception {
        serve = Program.start("serve", "--echo-port", "0", "--chat-port", "0", "--command-port", "0");
        echoPort = serve.awaitPort("echo", Duration.ofSeconds(60));
        chatPort = serve.awaitPort("chat", Duration.ofSeconds(60));
        commandPort = serve.awaitPort("command", Duration.ofSeconds(60));
    }

    @AfterAll
    static void stop() {
        serve.close();
    }

    /** Echo, chat and command each answer within the read timeout of the test's sockets. */
    private static void everyServiceAnswers() throws IOException {
        try (Socket echo = socket(echoPort)) {
            echo.getOutputStream().write("still there?\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(new String(echo.getInputStream().readNBytes(13), StandardCharsets.US_ASCII))
                    .isEqualTo("still there?\n");
        }
        try (Socket chat = socket(chatPort)) {
            assertThat(line(chat.getInputStream())).startsWith("Welcome to tcpkit chat!");
        }
        try (RespPeer command = RespPeer.connect(commandPort)) {
            assertThat(command.call("PING")).isEqualTo("+PONG\r\n");
        }
    }

    private static Socket socket(int port) throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
        s.setSoTimeout((int) RespPeer.READ_TIMEOUT.toMillis());
        return s;
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            sb.append((char) c);
        }
        return sb.toString();
    }

    @Test
    void aPatternThatMakesABacktrackingMatcherExplodeFreezesNothing() throws Exception {
        // Through java.util.regex two of these PUBLISHes kept both cores busy for minutes.
        try (RespPeer sub = RespPeer.connect(commandPort); RespPeer pub = RespPeer.connect(commandPort)) {
            assertThat(sub.call("PSUBSCRIBE", "*a*a*a*a*a*a*a*b"))
                    .isEqualTo("*3\r\n$10\r\npsubscribe\r\n$16\r\n*a*a*a*a*a*a*a*b\r\n:1\r\n");
            for (int i = 0; i < 2; i++) {
                assertThat(pub.call("PUBLISH", "a".repeat(200), "x")).isEqualTo(":0\r\n");
                assertThat(pub.call("PUBSUB", "CHANNELS", "*a*a*a*a*a*a*a*b")).isEqualTo("*0\r\n");
            }
            // The longest pattern and channel name allowed, in their worst shape, cost a moment too.
            assertThat(sub.call("PSUBSCRIBE", "*" + "a".repeat(254) + "b")).endsWith(":2\r\n");
            for (int i = 0; i < 20; i++) {
                assertThat(pub.call("PUBLISH", "a".repeat(1024), "x")).isEqualTo(":0\r\n");
            }
        }
        everyServiceAnswers();
    }

    @Test
    void hugePatternsAreRefusedNotCompiledIntoAStackOverflow() throws Exception {
        try (RespPeer sub = RespPeer.connect(commandPort); RespPeer pub = RespPeer.connect(commandPort)) {
            assertThat(sub.call("PSUBSCRIBE", "?".repeat(50_000))).isEqualTo("-ERR pattern longer than 256 bytes\r\n");
            assertThat(sub.call("PSUBSCRIBE", "?".repeat(20_000))).isEqualTo("-ERR pattern longer than 256 bytes\r\n");
            assertThat(pub.call("PUBLISH", "y".repeat(100_000), "x"))
                    .isEqualTo("-ERR channel name longer than 1024 bytes\r\n");
            assertThat(sub.call("PING")).as("the connection survives").isEqualTo("+PONG\r\n");
        }
        assertThat(serve.stderr()).doesNotContain("StackOverflowError").doesNotContain("?????");
        everyServiceAnswers();
    }
}
