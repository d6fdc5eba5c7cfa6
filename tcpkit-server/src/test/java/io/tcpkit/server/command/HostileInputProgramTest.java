package io.tcpkit.server.command;

import io.tcpkit.server.testing.Tcpkit;
import io.tcpkit.testing.ChildProcess;
import io.tcpkit.testing.Require;
import io.tcpkit.testing.RespClient;
import io.tcpkit.testing.LineClient;
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
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Attacks on the command port of the real program ({@code tcpkit serve}, every service on a free
 * port), each followed by a check that every service still answers.
 */
@Timeout(120)
class HostileInputProgramTest {
    private static ChildProcess serve;
    private static int echoPort;
    private static int chatPort;
    private static int commandPort;

    @BeforeAll
    static void start() throws Exception {
        serve = Tcpkit.start("serve", "--echo-port", "0", "--chat-port", "0", "--command-port", "0");
        echoPort = Tcpkit.awaitPort(serve, "echo");
        chatPort = Tcpkit.awaitPort(serve, "chat");
        commandPort = Tcpkit.awaitPort(serve, "command");
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
        try (RespClient command = RespClient.connect(commandPort)) {
            assertThat(command.call("PING")).isEqualTo("+PONG\r\n");
        }
    }

    private static Socket socket(int port) throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
        s.setSoTimeout((int) LineClient.READ_TIMEOUT.toMillis());
        return s;
    }

    /** The lines read before the first that ends with {@code end} (read too). */
    private static java.util.List<String> untilLineEndingWith(Socket s, String end) throws IOException {
        java.util.List<String> before = new java.util.ArrayList<>();
        for (String l = line(s.getInputStream()); !l.endsWith(end); l = line(s.getInputStream())) {
            assertThat(before).as("lines before '%s'", end).hasSizeLessThan(20);
            before.add(l);
        }
        return before;
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            sb.append((char) c);
        }
        return sb.toString();
    }

    /** Joins the chat as {@code name} and reads up to the presence line. */
    private static Socket joinChat(String name) throws IOException {
        Socket chat = socket(chatPort);
        assertThat(line(chat.getInputStream())).startsWith("Welcome");
        chat.getOutputStream().write((name + "\n").getBytes(StandardCharsets.US_ASCII));
        assertThat(line(chat.getInputStream())).startsWith("* The room lobby contains:");
        return chat;
    }

    @Test
    void anHttpRequestToTheCommandPortRunsNothing() throws Exception {
        String curl = Require.tool("curl").toString();
        try (RespClient sub = RespClient.connect(commandPort); RespClient pub = RespClient.connect(commandPort);
             Socket chat = joinChat("watcher")) {
            assertThat(sub.call("SUBSCRIBE", "lobby")).endsWith(":1\r\n");
            // What a web page's fetch() makes a browser send: curl --data-binary $'PUBLISH lobby pwned\r\n'.
            ChildProcess post = ChildProcess.run(Duration.ofSeconds(30), new byte[0], curl, "-s", "-m", "20",
                    "--data-binary", "PUBLISH lobby pwned\r\n", "http://127.0.0.1:" + commandPort + "/");
            assertThat(post.exitValue()).as("curl: empty reply from server").isEqualTo(52);
            assertThat(post.output()).isEmpty();
            // A GET: its first line is an unknown command (as in Redis); its Host: line ends it.
            try (RespClient get = RespClient.connect(commandPort)) {
                get.send("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\nPUBLISH lobby pwned\r\n");
                assertThat(get.readToEnd())
                        .isEqualTo("-ERR unknown command 'GET', with args beginning with: '/' 'HTTP/1.1' \r\n");
            }
            // The same words as a RESP request, and in any case, end the connection too.
            try (RespClient resp = RespClient.connect(commandPort)) {
                resp.send(RespClient.encode("pOsT", "/") + RespClient.encode("PUBLISH", "lobby", "pwned"));
                assertThat(resp.readToEnd()).isEmpty();
            }
            // Nothing was published: the first message anyone gets is the one published now (but for
            // the leave notice of someone from another test who may still be leaving the lobby).
            assertThat(pub.call("PUBLISH", "lobby", "marker")).isEqualTo(":2\r\n");
            List<String> before = new ArrayList<>();
            for (String m = sub.reply(); !m.equals("*3\r\n$7\r\nmessage\r\n$5\r\nlobby\r\n$6\r\nmarker\r\n"); m = sub.reply()) {
                before.add(m);
            }
            assertThat(before).allMatch(m -> m.matches("\\*3\r\n\\$7\r\nmessage\r\n\\$5\r\nlobby\r\n\\$\\d+\r\n"
                    + "\\* \\w+ has left the room\r\n"));
            assertThat(untilLineEndingWith(chat, "] marker")).noneMatch(l -> l.contains("pwned"));
        }
        serve.awaitStderr("Possible SECURITY ATTACK detected", Duration.ofSeconds(10));
        assertThat(serve.stderr().split("the command port", -1)).as("three attacks, one log line a minute").hasSize(2);
        everyServiceAnswers();
    }

    @Test
    void anHttpRequestToTheChatPortNeitherJoinsNorSpeaks() throws Exception {
        try (Socket watcher = joinChat("watcher2"); Socket browser = socket(chatPort)) {
            browser.getOutputStream().write(("POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 10\r\n\r\n"
                    + "hi people\n").getBytes(StandardCharsets.US_ASCII));
            assertThat(new String(browser.getInputStream().readAllBytes(), StandardCharsets.US_ASCII))
                    .isEqualTo("Welcome to tcpkit chat! What shall I call you?\n"
                            + "* illegal name: use 1 to 32 letters and digits\n");
            try (Socket late = joinChat("late")) {
                // (Someone from another test may still be leaving: that is all the room may hear first.)
                assertThat(untilLineEndingWith(watcher, "* late has entered the room"))
                        .allMatch(l -> l.matches("\\* \\w+ has left the room"));
            }
        }
        serve.awaitStderr("to the chat port", Duration.ofSeconds(10));
    }

    @Test
    void aPatternThatMakesABacktrackingMatcherExplodeFreezesNothing() throws Exception {
        // Through java.util.regex two of these PUBLISHes kept both cores busy for minutes.
        try (RespClient sub = RespClient.connect(commandPort); RespClient pub = RespClient.connect(commandPort)) {
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
        try (RespClient sub = RespClient.connect(commandPort); RespClient pub = RespClient.connect(commandPort)) {
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
