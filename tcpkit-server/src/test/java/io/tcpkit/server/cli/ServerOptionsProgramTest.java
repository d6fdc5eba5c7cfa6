package io.tcpkit.server.cli;

import io.tcpkit.server.testing.Tcpkit;
import io.tcpkit.testing.Await;
import io.tcpkit.testing.LineClient;
import io.tcpkit.testing.RespClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each option shared by the server commands, passed to the real program ({@code tcpkit serve} as
 * a child process), changes what a client sees as the README says: the exact refusal or error
 * text it reads, or the end of its stream, with the program's own log line (at debug level every
 * close is logged with its reason) naming why. Durations are given in each format the README
 * lists: {@code 500ms}, ISO-8601 ({@code PT0.3S}) and {@code 0} for never.
 */
@Timeout(120)
class ServerOptionsProgramTest {
    private static final String PROMPT = "Welcome to tcpkit chat! What shall I call you?";
    /** Waiting for the program's log: a bound against hangs, never asserted. */
    private static final Duration LOG = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    private static LineClient lineFrom(String source, int port, String label) throws IOException {
        return LineClient.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), source, label);
    }

    private static RespClient respFrom(String source, int port, String label) throws IOException {
        return RespClient.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), source, label);
    }

    /**
     * "conn-N 127.0.0.1:PORT[ user 'U'][ name 'N'] closed: REASON", as the program logs a close at
     * debug level ({@code who}: the user and name it names, none for echo).
     */
    private static String closed(LineClient client, String who, String reason) {
        return " 127.0.0.1:" + client.localPort() + who + " closed: " + reason + " after ";
    }

    @Test
    void maxConnectionsAndMaxConnectionsPerAddressRefuseWithEachServicesOwnMessage() throws Exception {
        try (Tcpkit.Serve serve = Tcpkit.serve(dir, "--max-connections", "2", "--max-connections-per-address", "1")) {
            // echo and chat: the engine's lines; command: Redis's own, as redis-cli shows them.
            assertLimits(serve.echo(), "ERR too many connections from your address\r\n", "ERR too many connections\r\n");
            assertLimits(serve.chat(), "ERR too many connections from your address\r\n", "ERR too many connections\r\n");
            assertLimits(serve.command(), "-ERR max number of clients reached for your address\r\n",
                    "-ERR max number of clients reached\r\n");
        }
    }

    /**
     * One connection from 127.0.0.1 is served; a second from there is refused for its address; one
     * from 127.0.0.2 is served (2 open: the global limit); one from 127.0.0.3 is refused for that.
     */
    private static void assertLimits(int port, String perAddress, String global) throws Exception {
        try (LineClient first = lineFrom("127.0.0.1", port, "first");
             LineClient sameAddress = lineFrom("127.0.0.1", port, "same address");
             LineClient other = lineFrom("127.0.0.2", port, "other address");
             LineClient third = lineFrom("127.0.0.3", port, "third")) {
            // Accepted in order: by the time "other" is accepted, "same address" was refused.
            assertThat(sameAddress.readToEnd()).isEqualTo(perAddress);
            assertServed(first);
            assertServed(other);
            assertThat(third.readToEnd()).isEqualTo(global);
        }
    }

    /** Served by whichever service listens: chat greets, echo and command answer. */
    private static void assertServed(LineClient c) throws IOException {
        c.send("PING\r\n");
        String first = c.readLine();
        assertThat(first).isIn("PING\r", "+PONG\r", PROMPT);
    }

    @Test
    void idleReadAndWriteTimeoutsCloseTheirConnectionsForTheirReason() throws Exception {
        try (Tcpkit.Serve serve = Tcpkit.serve(dir, "--idle-timeout", "1000ms", "--read-timeout", "PT0.3S",
                "--write-timeout", "300ms", "--log-level", "debug");
             LineClient quietEcho = LineClient.connect(serve.echo(), "quiet echo");
             LineClient quietPerson = LineClient.connect(serve.chat(), "quiet person")) {
            // Idle: no more input, on a connection waiting without a thread (echo, a request
            // handler) and on one with (chat): the peer reads what it was sent, then a clean end.
            quietEcho.send("once\n").expectLine("once");
            assertThat(quietPerson.readToEnd()).isEqualTo(PROMPT + "\n");
            assertThat(quietEcho.readToEnd()).isEmpty();
            serve.process().awaitStderr(closed(quietPerson, " user 'default'", "idle timeout"), LOG);
            serve.process().awaitStderr(closed(quietEcho, "", "idle timeout"), LOG);

            // Read: a request begun and never finished is cut off, though it is not idle that long.
            try (RespClient halfRequest = RespClient.connect(serve.command(), "half a request")) {
                halfRequest.send("*1\r\n$4\r\nPI");
                assertThat(halfRequest.readToEnd()).isEmpty();
                serve.process().awaitStderr(closed(halfRequest, " user 'default'", "read timeout"), LOG);
            }

            // Write: a peer that sends but does not read is closed once a write blocks that long.
            try (LineClient notReading = LineClient.connect(serve.echo(), 4096, "not reading")) {
                Thread writer = Thread.ofVirtual().start(() -> sendUntilRefused(notReading));
                writer.join(LOG.toMillis());
                assertThat(writer.isAlive()).as("the writer was stopped by the server's close").isFalse();
                assertThat(serve.process().awaitStderr(closed(notReading, "", "write timeout"), LOG))
                        .contains(" 127.0.0.1:" + notReading.localPort() + ": write blocked for over 300 ms, closing");
            }
        }
    }

    /** Writes 64 KiB at a time (at most 256 MiB) until the connection fails. */
    private static void sendUntilRefused(LineClient client) {
        byte[] chunk = new byte[64 * 1024];
        try {
            OutputStream out = client.socket().getOutputStream();
            for (int i = 0; i < 4096; i++) {
                out.write(chunk);
            }
        } catch (IOException e) {
            // Closed by the server: what this waits for.
        }
    }

    @Test
    void anIdleTimeoutOfZeroIsNever() throws Exception {
        try (Tcpkit.Serve serve = Tcpkit.serve(dir, "--idle-timeout", "0", "--read-timeout", "300ms",
                "--log-level", "debug");
             RespClient idle = RespClient.connect(serve.command(), "idle");
             RespClient halfRequest = RespClient.connect(serve.command(), "half a request")) {
            assertThat(idle.call("PING")).isEqualTo("+PONG\r\n");
            halfRequest.send("*1\r\n$4\r\nPI");
            assertThat(halfRequest.readToEnd()).isEmpty();
            serve.process().awaitStderr(closed(halfRequest, " user 'default'", "read timeout"), LOG);
            // The deadline service has enforced a 300 ms deadline since idle last spoke: it is still served.
            assertThat(idle.call("PING")).isEqualTo("+PONG\r\n");
            assertThat(serve.process().stderr()).doesNotContain("idle timeout");
        }
    }

    @Test
    void maxLineBytesAndMaxRequestBytesBoundWhatEachServiceReads() throws Exception {
        try (Tcpkit.Serve serve = Tcpkit.serve(dir, "--max-line-bytes", "100", "--max-request-bytes", "300");
             LineClient alice = LineClient.connect(serve.chat(), "alice");
             LineClient bob = LineClient.connect(serve.chat(), "bob")) {
            alice.expectLine(PROMPT).sendLine("alice").expectLine("* The room lobby contains: ");
            bob.expectLine(PROMPT).sendLine("bob").expectLine("* The room lobby contains: alice");
            alice.expectLine("* bob has entered the room");
            // Chat: 100 bytes of line (its LF not counted) is relayed; 101 is dropped with a line
            // saying why, and the connection goes on.
            String longest = "x".repeat(100);
            alice.sendLine(longest);
            bob.expectLine("[alice] " + longest);
            alice.sendLine("y".repeat(101));
            alice.expectLine("* line too long (over 100 bytes): dropped");
            alice.sendLine("still here");
            bob.expectLine("[alice] still here");

            // Command: an inline line over the limit, or a request over its own, is a protocol
            // error and a close, as in Redis.
            try (RespClient c = RespClient.connect(serve.command(), "inline")) {
                assertThat(c.inline("ECHO " + "z".repeat(90))).isEqualTo("$90\r\n" + "z".repeat(90) + "\r\n");
                c.send("ECHO " + "z".repeat(100) + "\r\n");
                assertThat(c.readToEnd()).isEqualTo("-ERR Protocol error: too big inline request\r\n");
            }
            try (RespClient c = RespClient.connect(serve.command(), "request")) {
                assertThat(c.call("ECHO", "r".repeat(250))).isEqualTo("$250\r\n" + "r".repeat(250) + "\r\n");
                c.command("ECHO", "r".repeat(200), "s".repeat(200));
                assertThat(c.readToEnd()).isEqualTo("-ERR Protocol error: request larger than 300 bytes\r\n");
            }
            try (RespClient c = RespClient.connect(serve.command(), "bulk")) {
                c.command("ECHO", "r".repeat(301));
                assertThat(c.readToEnd()).isEqualTo("-ERR Protocol error: invalid bulk length\r\n");
            }
        }
    }

    @Test
    void maxOutboundBytesDisconnectsAReaderThatFallsThatFarBehind() throws Exception {
        // The talker floods on purpose: chat flood control (tested in ChatFloodProgramTest) is set out of the way.
        try (Tcpkit.Serve serve = Tcpkit.serve(dir, "--max-outbound-bytes", "65536", "--log-level", "debug",
                "--chat-lines-per-second", "1000000", "--chat-bytes-per-second", "1000000000");
             LineClient slow = LineClient.connect(serve.chat(), 4096, "slow");
             LineClient talker = LineClient.connect(serve.chat(), "talker")) {
            slow.expectLine(PROMPT).sendLine("slow").expectLine("* The room lobby contains: ");
            talker.expectLine(PROMPT).sendLine("talker").expectLine("* The room lobby contains: slow");
            // From here on slow reads nothing. The talker hears nobody but slow's leaving.
            String line = "m".repeat(1000);
            String slowConsumer = closed(slow, " user 'default' name 'slow'", "slow consumer");
            int sent = 0;
            while (sent < 20_000 && !serve.process().stderr().contains(slowConsumer)) {
                for (int i = 0; i < 100; i++, sent++) {
                    talker.sendLine(line);
                }
            }
            Await.until("slow to be closed as a slow consumer", LOG, () -> serve.process().stderr().contains(slowConsumer));
            talker.expectLine("* slow has left the room");
            assertThat(serve.process().stderr()).contains(" 127.0.0.1:" + slow.localPort()
                    + ": slow consumer: ").contains("over the limit of 65536; closing");
            assertThat(slow.awaitClosedByServer()).isTrue();
        }
    }
}
