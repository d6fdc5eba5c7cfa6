package io.tcpkit.server.command;

import io.tcpkit.CloseReason;
import io.tcpkit.server.testing.Services;
import io.tcpkit.testing.Await;
import io.tcpkit.testing.Net;
import io.tcpkit.testing.RespClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.Random;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Malformed requests end to end: each gets Redis's "-ERR Protocol error: ..." line and a close,
 * counted as a protocol error, while a well-behaved client connected throughout is unaffected.
 */
@Timeout(60)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BadInputTest {
    private static final int MAX_REQUEST = io.tcpkit.codec.RespReader.DEFAULT_MAX_REQUEST_BYTES;
    private Services server;

    @BeforeAll
    void start() throws Exception {
        server = Services.withCommand();
    }

    @AfterAll
    void stop() {
        server.close();
    }

    private static String junk(int length, long seed) {
        // Random bytes, without CR or LF, so no line ever ends.
        Random random = new Random(seed);
        StringBuilder sb = new StringBuilder();
        while (sb.length() < length) {
            char c = (char) random.nextInt(256);
            if (c != '\r' && c != '\n') {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    /** A request whose bulk strings end 5 bytes short of the largest buffer allowed, then a cut-short header. */
    private static String fillsTheBufferMidHeader() {
        String head = "*4\r\n$4\r\nECHO\r\n$600000\r\n" + "p".repeat(600_000) + "\r\n";
        int bulk = MAX_REQUEST + 64 - head.length() - "$1234".length() - "\r\n".length() - "$400000\r\n".length();
        String request = head + "$" + bulk + "\r\n" + "q".repeat(bulk) + "\r\n" + "$1234";
        assertThat(request).hasSize(MAX_REQUEST + 64);
        return request;
    }

    static Stream<Arguments> badInputs() {
        return Stream.of(
                arguments("inline line over 64 KiB, no newline", "x".repeat(70_000), "too big inline request"),
                arguments("inline line over 64 KiB", "ECHO " + "x".repeat(70_000) + "\r\n", "too big inline request"),
                arguments("unbalanced double quote", "ECHO \"abc\r\n", "unbalanced quotes in request"),
                arguments("text after a closing quote", "ECHO \"a\"b\r\n", "unbalanced quotes in request"),
                arguments("unbalanced single quote", "SET k 'v\n", "unbalanced quotes in request"),
                arguments("negative bulk length", "*1\r\n$-3\r\n", "invalid bulk length"),
                arguments("bulk length not a number", "*1\r\n$abc\r\n", "invalid bulk length"),
                arguments("huge bulk claim", "*2\r\n$4\r\nECHO\r\n$99999999999\r\n", "invalid bulk length"),
                arguments("bulk claim over the request limit", "*2\r\n$4\r\nECHO\r\n$" + (MAX_REQUEST + 1) + "\r\n",
                        "invalid bulk length"),
                arguments("bulk without its CRLF", "*2\r\n$4\r\nECHO\r\n$3\r\nabcXY", "expected CRLF after bulk string"),
                arguments("multibulk length not a number", "*abc\r\n", "invalid multibulk length"),
                arguments("multibulk length over 2^31-1", "*2147483648\r\n", "invalid multibulk length"),
                arguments("multibulk length that overflows", "*9999999999999999999\r\n", "invalid multibulk length"),
                arguments("multibulk length with a leading zero", "*01\r\n$4\r\nPING\r\n", "invalid multibulk length"),
                arguments("bulk length -0", "*1\r\n$-0\r\n", "invalid bulk length"),
                arguments("binary junk after '*'", "*\u00ff\u0001junk\r\n", "invalid multibulk length"),
                arguments("endless binary junk after '*'", "*" + junk(70_000, 42), "too big mbulk count string"),
                arguments("endless binary junk after '$'", "*1\r\n$" + junk(70_000, 43), "too big bulk count string"),
                arguments("binary junk instead of '$'", "*1\r\n\u0000\u0001\u0002\r\n", "expected '$', got '\u0000'"),
                arguments("request over the request limit",
                        "*3\r\n$600000\r\n" + "a".repeat(600_000) + "\r\n$600000\r\n",
                        "request larger than " + MAX_REQUEST + " bytes"),
                arguments("request filling the buffer mid-header", fillsTheBufferMidHeader(),
                        "request larger than " + MAX_REQUEST + " bytes"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badInputs")
    void aProtocolErrorLineThenACloseAndOthersUnaffected(String what, String input, String error) throws Exception {
        try (RespClient bystander = server.commandClient()) {
            assertThat(bystander.call("CLIENT", "SETNAME", "bystander")).isEqualTo("+OK\r\n");
            long before = Net.closed(server.command(), CloseReason.PROTOCOL_ERROR);
            try (RespClient bad = server.commandClient()) {
                bad.send(input);
                assertThat(bad.readToEnd()).isEqualTo("-ERR Protocol error: " + error + "\r\n");
            }
            Await.until("the close to be counted as a protocol error", Duration.ofSeconds(5),
                    () -> Net.closed(server.command(), CloseReason.PROTOCOL_ERROR) == before + 1);
            assertThat(bystander.call("PING")).isEqualTo("+PONG\r\n");
            assertThat(bystander.call("CLIENT", "GETNAME")).isEqualTo("$9\r\nbystander\r\n");
        }
    }

    @Test
    void goodRequestsBeforeTheBadOneAreAnsweredFirst() throws Exception {
        long before = Net.closed(server.command(), CloseReason.PROTOCOL_ERROR);
        try (RespClient c = server.commandClient()) {
            c.send("PING\r\n*2\r\n$4\r\nECHO\r\n$2\r\nok\r\nECHO \"unterminated\r\nPING\r\n");
            assertThat(c.readToEnd()).isEqualTo("+PONG\r\n$2\r\nok\r\n-ERR Protocol error: unbalanced quotes in request\r\n");
        }
        // Counted once the server has closed its side, which the other tests' counts rely on.
        Await.until("the close to be counted", Duration.ofSeconds(5),
                () -> Net.closed(server.command(), CloseReason.PROTOCOL_ERROR) == before + 1);
    }

    @Test
    void aClaimedButUnsentBulkNeitherClosesNorBlocksOthers() throws Exception {
        try (RespClient slow = server.commandClient(); RespClient other = server.commandClient()) {
            slow.send("*2\r\n$4\r\nECHO\r\n$1000000\r\nonly this much");
            assertThat(other.call("PING")).isEqualTo("+PONG\r\n");
            // The rest arrives later: the request completes and is answered.
            String rest = "z".repeat(1_000_000 - "only this much".length());
            slow.send(rest + "\r\n");
            slow.expectBytes("$1000000\r\nonly this much" + rest + "\r\n");
            assertThat(slow.call("PING")).isEqualTo("+PONG\r\n");
        }
    }
}
