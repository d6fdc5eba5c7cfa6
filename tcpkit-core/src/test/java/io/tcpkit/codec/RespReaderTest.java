package io.tcpkit.codec;

import io.tcpkit.testing.Chunks;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RespReaderTest {

    /** Every request as its arguments joined by '|'. */
    private static List<String> requests(ReadBuffer.Source source) throws Exception {
        RespReader reader = new RespReader(new ReadBuffer(source));
        List<String> out = new ArrayList<>();
        while (reader.next()) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < reader.argc(); i++) {
                sb.append(i == 0 ? "" : "|").append(new String(reader.bytes(i), java.nio.charset.StandardCharsets.ISO_8859_1));
            }
            out.add(sb.toString());
        }
        return out;
    }

    private static String error(String input) {
        return org.assertj.core.api.Assertions.catchThrowableOfType(RespProtocolException.class,
                () -> requests(Chunks.of(input))).getMessage();
    }

    @Test
    void multibulkArraysAndPipelines() throws Exception {
        assertThat(requests(Chunks.of("*1\r\n$4\r\nPING\r\n*2\r\n$4\r\nECHO\r\n$5\r\nhello\r\n")))
                .containsExactly("PING", "ECHO|hello");
    }

    @Test
    void splitAtEveryByteGivesTheSameRequests() throws Exception {
        String input = "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$11\r\nhello world\r\nPING\r\nECHO \"a b\"\n";
        assertThat(requests(Chunks.split(input, 1))).containsExactly("SET|k|hello world", "PING", "ECHO|a b");
    }

    @Test
    void bulkStringsAreBinarySafe() throws Exception {
        assertThat(requests(Chunks.of("*2\r\n$4\r\nECHO\r\n$5\r\na\r\n\0b\r\n"))).containsExactly("ECHO|a\r\n\0b");
    }

    @Test
    void emptyRequestsAreSkipped() throws Exception {
        assertThat(requests(Chunks.of("*0\r\n*-1\r\n\r\n   \r\nPING\r\n"))).containsExactly("PING");
    }

    @Test
    void inlineQuotingFollowsRedis() throws Exception {
        assertThat(requests(Chunks.of("SET  k\t\"a\\nb\\r\\t\\\"c\\x41\"\r\n", "ECHO 'it\\'s' x\n", "ECHO \"\"\n")))
                .containsExactly("SET|k|a\nb\r\t\"cA", "ECHO|it's|x", "ECHO|");
    }

    @Test
    void protocolErrorsUseRedissWording() {
        String[][] cases = {
                {"ECHO \"abc\r\n", "unbalanced quotes in request"},
                {"ECHO \"a\"b\r\n", "unbalanced quotes in request"},
                {"ECHO 'a\r\n", "unbalanced quotes in request"},
                {"*abc\r\n", "invalid multibulk length"},
                {"*99999999999\r\n", "invalid multibulk length"},
                {"*1\r\nx4\r\nPING\r\n", "expected '$', got 'x'"},
                {"*1\r\n$-5\r\n", "invalid bulk length"},
                {"*1\r\n$abc\r\n", "invalid bulk length"},
                {"*1\r\n$4\r\nPINGxx", "expected CRLF after bulk string"},
        };
        for (String[] c : cases) {
            assertThat(error(c[0])).as(c[0]).isEqualTo(c[1]);
        }
    }

    @Test
    void inlineLinesOverTheLimitAreRejected() {
        assertThat(error("x".repeat(70_000))).isEqualTo("too big inline request");
        assertThat(error("x".repeat(70_000) + "\r\n")).isEqualTo("too big inline request");
    }

    @Test
    void memoryIsBoundedWhateverLengthsThePeerClaims() {
        ReadBuffer buffer = new ReadBuffer(Chunks.split("*1\r\n$2000000\r\n" + "y".repeat(100_000), 4096));
        RespReader reader = new RespReader(buffer, 64 * 1024, 1024 * 1024, 1024);
        assertThatThrownBy(reader::next).isInstanceOf(RespProtocolException.class).hasMessage("invalid bulk length");
        assertThat(buffer.capacity()).isLessThan(10_000);

        ReadBuffer many = new ReadBuffer(Chunks.split("*3\r\n$600000\r\n" + "a".repeat(600_000) + "\r\n$600000\r\n"
                + "b".repeat(600_000) + "\r\n", 65536));
        assertThatThrownBy(() -> new RespReader(many, 64 * 1024, 1024 * 1024, 1024).next())
                .isInstanceOf(RespProtocolException.class).hasMessageContaining("larger than");
        assertThat(many.capacity()).isLessThanOrEqualTo(2 * 1024 * 1024);
    }

    @Test
    void aTrickledRequestIsParsedInLinearTime() throws Exception {
        String big = "*2\r\n$4\r\nECHO\r\n$200000\r\n" + "z".repeat(200_000) + "\r\n";
        long t0 = System.nanoTime();
        assertThat(requests(Chunks.split(big, 1))).hasSize(1);
        // Quadratic rescanning would take minutes here; linear takes well under a second.
        assertThat(System.nanoTime() - t0).isLessThan(5_000_000_000L);
    }

    @Test
    void argumentsAreComparedWithoutAllocation() throws Exception {
        RespReader reader = new RespReader(new ReadBuffer(Chunks.of("ping\r\n")));
        assertThat(reader.next()).isTrue();
        assertThat(reader.equalsIgnoreCase(0, "PING".getBytes())).isTrue();
        assertThat(reader.equalsIgnoreCase(0, "PONG".getBytes())).isFalse();
        assertThat(reader.isInline()).isTrue();
    }
}
