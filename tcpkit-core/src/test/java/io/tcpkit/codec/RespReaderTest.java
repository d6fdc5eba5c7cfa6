package io.tcpkit.codec;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * The RESP2 + inline request parser, fed from scripted reads: what it accepts (as Redis does),
 * what it refuses (with Redis's words), and that memory stays within the limits whatever the peer
 * claims or trickles.
 */
@Timeout(30)
class RespReaderTest {
    private static final int MAX_INLINE = RespReader.DEFAULT_MAX_INLINE_BYTES;
    private static final int MAX_REQUEST = RespReader.DEFAULT_MAX_REQUEST_BYTES;

    /** A read source that returns the given chunks one per read (clipped to the room offered), then EOF. */
    static final class Script implements ReadBuffer.Source {
        private final Deque<byte[]> chunks = new ArrayDeque<>();
        private byte[] current;
        private int position;
        long delivered;

        static Script of(String... chunks) {
            Script s = new Script();
            for (String c : chunks) {
                s.chunks.add(latin1(c));
            }
            return s;
        }

        static Script split(byte[] all, int size) {
            Script s = new Script();
            for (int i = 0; i < all.length; i += size) {
                s.chunks.add(Arrays.copyOfRange(all, i, Math.min(all.length, i + size)));
            }
            return s;
        }

        static Script split(String all, int size) {
            return split(latin1(all), size);
        }

        @Override
        public int read(byte[] b, int off, int len) {
            assertThat(len).as("a read always offers room").isPositive();
            while (current == null || position == current.length) {
                current = chunks.poll();
                position = 0;
                if (current == null) {
                    return -1;
                }
            }
            int n = Math.min(len, current.length - position);
            System.arraycopy(current, position, b, off, n);
            position += n;
            delivered += n;
            return n;
        }
    }

    /** A peer that never stops sending: {@code prefix}, then {@code repeated} over and over, {@code perRead} at a time. */
    static final class Endless implements ReadBuffer.Source {
        private final byte[] prefix;
        private final byte[] repeated;
        private final int perRead;
        long delivered;

        Endless(String prefix, String repeated, int perRead) {
            this.prefix = latin1(prefix);
            this.repeated = latin1(repeated);
            this.perRead = perRead;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            int n = Math.min(len, perRead);
            for (int i = 0; i < n; i++) {
                long at = delivered + i;
                b[off + i] = at < prefix.length ? prefix[(int) at] : repeated[(int) ((at - prefix.length) % repeated.length)];
            }
            delivered += n;
            assertThat(delivered).as("the reader should have given up long ago").isLessThan(64L * 1024 * 1024);
            return n;
        }
    }

    private static byte[] latin1(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Every request, each as its arguments (ISO-8859-1, so any byte survives). */
    private static List<List<String>> requests(RespReader reader) throws IOException {
        List<List<String>> out = new ArrayList<>();
        while (reader.next()) {
            List<String> args = new ArrayList<>();
            for (int i = 0; i < reader.argc(); i++) {
                byte[] copy = reader.bytes(i);
                byte[] inPlace = Arrays.copyOfRange(reader.array(i), reader.start(i), reader.start(i) + reader.length(i));
                assertThat(inPlace).as("arguments in place equal their copies").isEqualTo(copy);
                args.add(new String(copy, StandardCharsets.ISO_8859_1));
            }
            out.add(args);
        }
        return out;
    }

    private static List<List<String>> requests(ReadBuffer.Source source) throws IOException {
        return requests(new RespReader(new ReadBuffer(source)));
    }

    private static List<List<String>> requests(String... chunks) throws IOException {
        return requests(Script.of(chunks));
    }

    private static RespProtocolException error(RespReader reader) {
        RespProtocolException e = catchThrowableOfType(RespProtocolException.class, () -> requests(reader));
        assertThat(e).as("a protocol error").isNotNull();
        return e;
    }

    private static String error(String input) {
        return error(new RespReader(new ReadBuffer(Script.of(input)))).getMessage();
    }

    // ---- inline commands ----

    @Test
    void inlineWordsAreSplitOnSpacesAndTabs() throws Exception {
        assertThat(requests("SET  key\tvalue \t \r\n")).containsExactly(List.of("SET", "key", "value"));
        assertThat(requests("  \tPING\r\n")).containsExactly(List.of("PING"));
    }

    @Test
    void verticalTabAndFormFeedAreBlanksBetweenWordsButNotInsideOne() throws Exception {
        // sdssplitargs skips isspace() before a word, but ends a word only at space, tab, CR, LF.
        assertThat(requests("ECHO a\u000bb\r\n")).containsExactly(List.of("ECHO", "a\u000bb"));
        assertThat(requests("ECHO a\fb\r\n")).containsExactly(List.of("ECHO", "a\fb"));
        assertThat(requests("\u000b\fECHO \u000ba\r\n")).containsExactly(List.of("ECHO", "a"));
        assertThat(requests("ECHO a\u000b b\r\n")).containsExactly(List.of("ECHO", "a\u000b", "b"));
        assertThat(requests("ECHO \"a\"\u000bb\r\n")).as("a closing quote may be followed by \\v")
                .containsExactly(List.of("ECHO", "a", "b"));
    }

    @Test
    void anInlineLineMayHoldNulBytes() throws Exception {
        // Redis looks for the end of an inline line with strchr and never finds one past a NUL.
        assertThat(requests("ECHO a\u0000b\r\n")).containsExactly(List.of("ECHO", "a\u0000b"));
    }

    @Test
    void inlineLinesMayEndWithLfAlone() throws Exception {
        assertThat(requests("PING\nECHO hi\nECHO crlf\r\n"))
                .containsExactly(List.of("PING"), List.of("ECHO", "hi"), List.of("ECHO", "crlf"));
    }

    @Test
    void doubleQuotesGroupWordsAndUnderstandRedissEscapes() throws Exception {
        assertThat(requests("ECHO \"hello  world\" \"a\\nb\\rc\\td\\\"e\\\\f\\x41\\x7a\\x4\\q\"\r\n"))
                .containsExactly(List.of("ECHO", "hello  world", "a\nb\rc\td\"e\\fAzx4q"));
        assertThat(requests("ECHO \"\\xff\\x00\\b\\a\"\n")).containsExactly(List.of("ECHO", "\u00ff\u0000\b\u0007"));
        assertThat(requests("ECHO \"\" x\n")).containsExactly(List.of("ECHO", "", "x"));
    }

    @Test
    void singleQuotesTakeEverythingLiterallyButAnEscapedQuote() throws Exception {
        assertThat(requests("ECHO 'it\\'s' 'a\\nb' '' 'two words'\r\n"))
                .containsExactly(List.of("ECHO", "it's", "a\\nb", "", "two words"));
    }

    @Test
    void aQuoteMayStartInsideAWordAsInRedis() throws Exception {
        assertThat(requests("ECHO a\"b c\"\n")).containsExactly(List.of("ECHO", "ab c"));
    }

    @Test
    void emptyAndBlankLinesAreSkipped() throws Exception {
        assertThat(requests("\r\n\n   \r\n\t\nPING\r\n\n")).containsExactly(List.of("PING"));
        assertThat(requests("\r\n\r\n")).isEmpty();
    }

    @Test
    void inlineRequestsAreReportedAsInline() throws Exception {
        RespReader reader = new RespReader(new ReadBuffer(Script.of("ping\r\n*1\r\n$4\r\nPiNg\r\n")));
        assertThat(reader.next()).isTrue();
        assertThat(reader.isInline()).isTrue();
        assertThat(reader.equalsIgnoreCase(0, latin1("PING"))).isTrue();
        assertThat(reader.equalsIgnoreCase(0, latin1("PONG"))).isFalse();
        assertThat(reader.equalsIgnoreCase(0, latin1("PINGS"))).isFalse();
        assertThat(reader.next()).isTrue();
        assertThat(reader.isInline()).isFalse();
        assertThat(reader.string(0)).isEqualTo("PiNg");
        assertThat(reader.equalsIgnoreCase(0, latin1("PING"))).isTrue();
        assertThat(reader.next()).isFalse();
    }

    @Test
    void anInlineLineOfExactlyTheLimitIsAccepted() throws Exception {
        String word = "x".repeat(MAX_INLINE - 5);
        assertThat(requests("ECHO " + word + "\r\n")).containsExactly(List.of("ECHO", word));
    }

    // ---- RESP arrays ----

    @Test
    void multibulkArrays() throws Exception {
        assertThat(requests("*1\r\n$4\r\nPING\r\n*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$0\r\n\r\n"))
                .containsExactly(List.of("PING"), List.of("SET", "k", ""));
    }

    @Test
    void bulkStringsAreBinarySafe() throws Exception {
        String binary = "a\r\n\0b\r\n\u00ff*$\n";
        assertThat(requests("*2\r\n$4\r\nECHO\r\n$" + binary.length() + "\r\n" + binary + "\r\n"))
                .containsExactly(List.of("ECHO", binary));
    }

    @Test
    void emptyAndNullArraysAreSkippedAsInRedis() throws Exception {
        assertThat(requests("*0\r\n*-1\r\n*-7\r\n*1\r\n$4\r\nPING\r\n*0\r\n")).containsExactly(List.of("PING"));
    }

    @Test
    void aPartialRequestAtEndOfStreamIsDroppedQuietly() throws Exception {
        assertThat(requests("PING\r\n*2\r\n$4\r\nECHO\r\n$5\r\nhel")).containsExactly(List.of("PING"));
        assertThat(requests("PING\r\nECHO no newline")).containsExactly(List.of("PING"));
    }

    // ---- reads split anywhere, pipelines ----

    private static final String MIXED = "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$11\r\nhello world\r\n"
            + "PING\r\n"
            + "ECHO \"a b\" 'c\\'d' \"\\x41\\n\"\n"
            + "*2\r\n$4\r\nECHO\r\n$6\r\n\r\n\0\r\n\n\r\n"
            + "\r\n"
            + "*0\r\n"
            + "*1\r\n$4\r\nQUIT\r\n";
    private static final List<List<String>> MIXED_REQUESTS = List.of(
            List.of("SET", "k", "hello world"), List.of("PING"), List.of("ECHO", "a b", "c'd", "A\n"),
            List.of("ECHO", "\r\n\0\r\n\n"), List.of("QUIT"));

    @Test
    void requestsInOneReadAreParsed() throws Exception {
        assertThat(requests(MIXED)).isEqualTo(MIXED_REQUESTS);
    }

    @Test
    void requestsSplitAtEveryByteGiveTheSameArguments() throws Exception {
        assertThat(requests(Script.split(MIXED, 1))).isEqualTo(MIXED_REQUESTS);
    }

    @Test
    void requestsSplitInTwoAtEveryPositionGiveTheSameArguments() throws Exception {
        for (int cut = 1; cut < MIXED.length(); cut++) {
            assertThat(requests(MIXED.substring(0, cut), MIXED.substring(cut))).as("cut at %d", cut)
                    .isEqualTo(MIXED_REQUESTS);
        }
    }

    @Test
    void manyPipelinedRequestsInOneRead() throws Exception {
        StringBuilder in = new StringBuilder();
        List<List<String>> expected = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            String n = Integer.toString(i);
            if (i % 2 == 0) {
                in.append("*2\r\n$4\r\nECHO\r\n$").append(n.length()).append("\r\n").append(n).append("\r\n");
            } else {
                in.append("ECHO ").append(n).append("\r\n");
            }
            expected.add(List.of("ECHO", n));
        }
        assertThat(requests(in.toString())).isEqualTo(expected);
        assertThat(requests(Script.split(in.toString(), 7))).isEqualTo(expected);
    }

    @Test
    @Timeout(10)
    void largeRequestsTrickledOneByteAtATimeAreParsed() throws Exception {
        String big = "*2\r\n$4\r\nECHO\r\n$100000\r\n" + "z".repeat(100_000) + "\r\n"
                + "ECHO " + "w".repeat(60_000) + "\r\n";
        // 160,000 reads of one byte: parsing resumes where it stopped rather than rescanning.
        assertThat(requests(Script.split(big, 1))).extracting(r -> r.get(1).length()).containsExactly(100_000, 60_000);
    }

    // ---- errors, in Redis's words ----

    static Stream<org.junit.jupiter.params.provider.Arguments> malformed() {
        return Stream.of(
                arguments("ECHO \"abc\r\n", "unbalanced quotes in request"),
                arguments("ECHO \"a\"b\r\n", "unbalanced quotes in request"),
                arguments("ECHO 'abc\r\n", "unbalanced quotes in request"),
                arguments("ECHO 'a'b\r\n", "unbalanced quotes in request"),
                arguments("ECHO \"abc\\\"\r\n", "unbalanced quotes in request"),
                arguments("*abc\r\n", "invalid multibulk length"),
                arguments("*\r\n", "invalid multibulk length"),
                arguments("*9999999999\r\n", "invalid multibulk length"),
                arguments("*99999999999999999999999\r\n", "invalid multibulk length"),
                arguments("*1" + "1".repeat(40) + "\r\n", "invalid multibulk length"),
                arguments("*9999999999999999999\r\n", "invalid multibulk length"),
                arguments("*2147483648\r\n", "invalid multibulk length"),
                arguments("*01\r\n$4\r\nPING\r\n", "invalid multibulk length"),
                arguments("*-0\r\n", "invalid multibulk length"),
                arguments("*+1\r\n$4\r\nPING\r\n", "invalid multibulk length"),
                arguments("* 1\r\n", "invalid multibulk length"),
                arguments("*1 \r\n", "invalid multibulk length"),
                arguments("*" + "1".repeat(MAX_INLINE + 1), "too big mbulk count string"),
                arguments("*1\r\nx4\r\nPING\r\n", "expected '$', got 'x'"),
                arguments("*1\r\n\u0000\r\n", "expected '$', got '\u0000'"),
                arguments("*1\r\n\u00ff\r\n", "expected '$', got '\u00ff'"),
                arguments("*2\r\n$4\r\nECHO\r\n:1\r\n", "expected '$', got ':'"),
                arguments("*1\r\n$-5\r\n", "invalid bulk length"),
                arguments("*1\r\n$-1\r\n", "invalid bulk length"),
                arguments("*1\r\n$abc\r\n", "invalid bulk length"),
                arguments("*1\r\n$\r\n", "invalid bulk length"),
                arguments("*1\r\n$" + (MAX_REQUEST + 1) + "\r\n", "invalid bulk length"),
                arguments("*1\r\n$99999999999999999999\r\n", "invalid bulk length"),
                arguments("*1\r\n$1" + "0".repeat(40) + "\r\n", "invalid bulk length"),
                arguments("*1\r\n$04\r\nPING\r\n", "invalid bulk length"),
                arguments("*1\r\n$-0\r\n", "invalid bulk length"),
                arguments("*1\r\n$+4\r\nPING\r\n", "invalid bulk length"),
                arguments("*1\r\n$" + "4".repeat(MAX_INLINE + 1), "too big bulk count string"),
                arguments("*1\r\n$4\r\nPINGxx", "expected CRLF after bulk string"),
                arguments("*2\r\n$4\r\nECHO\r\n$1\r\nab\r\n", "expected CRLF after bulk string"),
                arguments("*1\r\n$4\r\nPING\n\r", "expected CRLF after bulk string"));
    }

    @ParameterizedTest(name = "{1}: {0}")
    @MethodSource("malformed")
    void malformedRequestsAreRefusedWithRedissWording(String input, String message) {
        assertThat(error(input)).isEqualTo(message);
    }

    @Test
    void errorsComeAfterTheGoodRequestsBeforeThem() {
        RespReader reader = new RespReader(new ReadBuffer(Script.of("PING\r\nECHO \"x\r\nPING\r\n")));
        List<List<String>> seen = new ArrayList<>();
        RespProtocolException e = catchThrowableOfType(RespProtocolException.class, () -> {
            while (reader.next()) {
                seen.add(List.of(reader.string(0)));
            }
        });
        assertThat(seen).containsExactly(List.of("PING"));
        assertThat(e).hasMessage("unbalanced quotes in request");
    }

    @Test
    void inlineLinesOverTheLimitAreTooBig() {
        assertThat(error("x".repeat(MAX_INLINE + 1))).isEqualTo("too big inline request");
        assertThat(error("x".repeat(70_000))).isEqualTo("too big inline request");
        assertThat(error("ECHO " + "x".repeat(70_000) + "\r\n")).isEqualTo("too big inline request");
        assertThat(error("ECHO " + "x".repeat(MAX_INLINE) + "\n")).isEqualTo("too big inline request");
    }

    @Test
    void aRequestOverMaxRequestBytesIsRefused() {
        RespReader small = new RespReader(new ReadBuffer(Script.of("*3\r\n$4\r\nECHO\r\n$600\r\n" + "a".repeat(600)
                + "\r\n$600\r\n" + "b".repeat(600) + "\r\n")), MAX_INLINE, 1000, 1024);
        assertThat(error(small)).hasMessage("request larger than 1000 bytes");

        ReadBuffer buffer = new ReadBuffer(Script.split("*3\r\n$600000\r\n" + "a".repeat(600_000) + "\r\n$600000\r\n"
                + "b".repeat(600_000) + "\r\n", 65536));
        assertThat(error(new RespReader(buffer))).hasMessage("request larger than " + MAX_REQUEST + " bytes");
        assertThat(buffer.capacity()).isLessThanOrEqualTo(MAX_REQUEST + 64);
    }

    @Test
    void aRequestOfExactlyMaxRequestBytesOfArgumentIsAccepted() throws Exception {
        String payload = "p".repeat(MAX_REQUEST);
        ReadBuffer buffer = new ReadBuffer(Script.split("*2\r\n$4\r\nECHO\r\n$" + MAX_REQUEST + "\r\n" + payload + "\r\n", 65536));
        List<List<String>> got = requests(new RespReader(buffer));
        assertThat(got).hasSize(1);
        assertThat(got.get(0).get(1)).isEqualTo(payload);
        assertThat(buffer.capacity()).isLessThanOrEqualTo(MAX_REQUEST + 64);
    }

    @Test
    void moreArgumentsThanAllowedAreRefusedBeforeTheyArrive() {
        RespReader reader = new RespReader(new ReadBuffer(Script.of("*11\r\n")), MAX_INLINE, MAX_REQUEST, 10);
        assertThat(error(reader)).hasMessage("invalid multibulk length");
    }

    @Test
    void countsAndLengthsAreReadAsRedisReadsThem() throws Exception {
        assertThat(requests("*-9223372036854775808\r\n*0\r\n*-1\r\n*1\r\n$0\r\n\r\n"))
                .as("negative and zero counts are empty requests; \"0\" is a length").containsExactly(List.of(""));
        assertThat(requests("*1\r\n$10\r\n0123456789\r\n")).containsExactly(List.of("0123456789"));
    }

    @Test
    void aCountOrLengthLineMayBeLongUntilItsCrlfComesAsInRedis() throws Exception {
        // Redis waits for the CR of such a line up to 64 KiB, then judges it: invalid, or too big.
        assertThat(requests("*1" + "1".repeat(40))).as("still waiting at the end of the stream").isEmpty();
        assertThat(requests("*1\r\n$1" + "1".repeat(40))).isEmpty();
        assertThat(error("*1\r\n$4" + " ".repeat(100) + "\r\n")).isEqualTo("invalid bulk length");
    }

    @Test
    void moreThan65536ArgumentsAreFineWithinTheRequestSize() throws Exception {
        StringBuilder sb = new StringBuilder("*100001\r\n$9\r\nSUBSCRIBE\r\n");
        for (int i = 0; i < 100_000; i++) {
            String name = Integer.toString(i, 36);
            sb.append('$').append(name.length()).append("\r\n").append(name).append("\r\n");
        }
        ReadBuffer buffer = new ReadBuffer(Script.split(sb.toString(), 65536));
        RespReader reader = new RespReader(buffer);
        assertThat(reader.next()).isTrue();
        assertThat(reader.argc()).isEqualTo(100_001);
        assertThat(reader.string(100_000)).isEqualTo(Integer.toString(99_999, 36));
        assertThat(buffer.capacity()).isLessThanOrEqualTo(MAX_REQUEST + 64);
        // Arguments cost at least six bytes each of the request's size, so their count is bounded too.
        RespReader small = new RespReader(new ReadBuffer(Script.of("*1000000\r\n" + "$0\r\n\r\n".repeat(200))),
                MAX_INLINE, 1000, RespReader.DEFAULT_MAX_ARGUMENTS);
        assertThat(error(small)).hasMessage("request larger than 1000 bytes");
    }

    @Test
    void beforeLoginRequestsAreSmallAsInRedisWithAPassword() throws Exception {
        RespReader reader = new RespReader(new ReadBuffer(Script.of("*11\r\n")));
        reader.limitUnauthenticated(true);
        assertThat(error(reader)).hasMessage("unauthenticated multibulk length");
        RespReader big = new RespReader(new ReadBuffer(Script.of("*2\r\n$4\r\nAUTH\r\n$16385\r\n")));
        big.limitUnauthenticated(true);
        assertThat(error(big)).hasMessage("unauthenticated bulk length");
        String fine = "*10\r\n" + ("$16384\r\n" + "a".repeat(16384) + "\r\n").repeat(10);
        RespReader ok = new RespReader(new ReadBuffer(Script.of(fine, "*11\r\n" + "$1\r\nb\r\n".repeat(11))));
        ok.limitUnauthenticated(true);
        assertThat(ok.next()).isTrue();
        ok.limitUnauthenticated(false); // logged in
        assertThat(ok.next()).isTrue();
        assertThat(ok.argc()).isEqualTo(11);
    }

    // ---- memory bounded whatever the peer claims ----

    @Test
    void aHugeClaimedBulkLengthDoesNotGrowTheBuffer() {
        Script script = Script.split("*1\r\n$2000000000\r\n" + "y".repeat(100_000), 4096);
        ReadBuffer buffer = new ReadBuffer(script);
        assertThat(error(new RespReader(buffer))).hasMessage("invalid bulk length");
        assertThat(buffer.capacity()).isLessThanOrEqualTo(ReadBuffer.DEFAULT_MAX_CAPACITY);
        assertThat(script.delivered).as("refused without reading the claimed bytes").isLessThan(70_000);
    }

    @Test
    void aClaimWithinTheLimitGrowsTheBufferOnlyAsBytesArrive() throws Exception {
        ReadBuffer buffer = new ReadBuffer(Script.of("*2\r\n$4\r\nECHO\r\n$1000000\r\n", "only a few bytes"));
        assertThat(requests(new RespReader(buffer))).isEmpty();
        assertThat(buffer.capacity()).isEqualTo(ReadBuffer.DEFAULT_INITIAL_CAPACITY);
    }

    @Test
    void aTrickledEndlessInlineLineIsRefusedAtTheLimit() {
        Endless peer = new Endless("ECHO ", "x", 1000);
        ReadBuffer buffer = new ReadBuffer(peer);
        assertThat(error(new RespReader(buffer))).hasMessage("too big inline request");
        assertThat(peer.delivered).isBetween((long) MAX_INLINE, MAX_INLINE + 1000L);
        assertThat(buffer.capacity()).isLessThanOrEqualTo(2 * MAX_INLINE + 64);
    }

    @Test
    void anEndlessBulkStringIsRefusedAtTheRequestLimit() {
        Endless peer = new Endless("*2\r\n$4\r\nECHO\r\n$" + MAX_REQUEST + "\r\n", "x", 8192);
        ReadBuffer buffer = new ReadBuffer(peer);
        assertThat(error(new RespReader(buffer))).hasMessage("expected CRLF after bulk string");
        assertThat(buffer.capacity()).isLessThanOrEqualTo(MAX_REQUEST + 64);
    }

    @Test
    void anEndlessRunOfArgumentsIsRefusedAtTheRequestLimit() {
        // Many small arguments, each within the limits, that together never end.
        Endless peer = new Endless("*60000\r\n", "$20\r\n" + "a".repeat(20) + "\r\n", 8192);
        RespReader reader = new RespReader(new ReadBuffer(peer), MAX_INLINE, 100_000, RespReader.DEFAULT_MAX_ARGUMENTS);
        assertThat(error(reader)).hasMessage("request larger than 100000 bytes");
    }

    @Test
    void aRequestThatFillsTheLargestBufferMidHeaderIsRefusedNotStuck() {
        // The buffer grows to maxRequestBytes + 64 at most. A request whose bulk strings end just
        // short of that, followed by the start of a next "$..." header, fills it exactly.
        int capacity = MAX_REQUEST + 64;
        String head = "*4\r\n$4\r\nECHO\r\n$600000\r\n" + "p".repeat(600_000) + "\r\n";
        String partialHeader = "$1234";
        int bulk = capacity - head.length() - partialHeader.length() - 2 - ("$" + 400_000 + "\r\n").length();
        String input = head + "$" + bulk + "\r\n" + "q".repeat(bulk) + "\r\n" + partialHeader;
        assertThat(input).hasSize(capacity);
        ReadBuffer buffer = new ReadBuffer(Script.split(input + "5\r\n", 65536));
        RespReader reader = new RespReader(buffer);
        Throwable t = catchThrowable(() -> requests(reader));
        assertThat(t).isInstanceOf(RespProtocolException.class).hasMessage("request larger than " + MAX_REQUEST + " bytes");
        assertThat(buffer.capacity()).isLessThanOrEqualTo(capacity);
    }

    @Test
    void anInlineLineIsHeldToItsOwnLimitWhenRequestsMayBeSmaller() throws Exception {
        // maxRequestBytes (1000 here) bounds RESP requests; inline lines have their own limit.
        RespReader fits = new RespReader(new ReadBuffer(Script.of("ECHO " + "y".repeat(5000) + "\r\n")), MAX_INLINE, 1000, 1024);
        assertThat(requests(fits)).containsExactly(List.of("ECHO", "y".repeat(5000)));
        ReadBuffer buffer = new ReadBuffer(new Endless("ECHO ", "x", 4096));
        assertThat(error(new RespReader(buffer, MAX_INLINE, 1000, 1024))).hasMessage("too big inline request");
        assertThat(buffer.capacity()).isLessThanOrEqualTo(2 * MAX_INLINE + 64);
    }
}
