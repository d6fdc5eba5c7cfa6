package io.tcpkit.server.command;

import io.tcpkit.server.testing.Services;
import io.tcpkit.server.testing.RedisServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The request parser against Redis's: random streams of requests, well-formed and broken (RESP
 * arrays with good and bad counts and lengths, inline lines with quotes, escapes and blanks),
 * each sent on a fresh connection to a real redis-server and to tcpkit; what comes back, up to
 * the server's close, must be the same bytes. The commands are ones both answer alike (PING,
 * ECHO, SELECT on one database, unknown ones, QUIT, and POST, which ends the connection).
 *
 * <p>Left out on purpose, where tcpkit differs from Redis by design (see the README): a CR in a
 * count or length line not followed by LF, bulk data not followed by CRLF (Redis skips the two
 * bytes unread), NUL bytes in inline lines (Redis never finds the line's end), and requests over
 * the size limits. Seeded; {@code -Dtcpkit.fuzz.seed=N} replays a run and
 * {@code -Dtcpkit.fuzz.scale=N} runs N times as many streams.
 */
@Timeout(900)
class RespDifferentialTest {
    private static final List<String> NUMBERS = List.of("0", "1", "2", "3", "-1", "-5", "01", "00", "-0", "+1", " 1",
            "1 ", "", "x", "1x", "9999999999999999999", "2147483648", "2147483647", "-2147483649",
            "-9223372036854775808", "99999999999999999999", "0x1", "1" + "0".repeat(25), "\u00ff");

    private final Random random = new Random(Long.getLong("tcpkit.fuzz.seed", 11));
    /**
     * Whether this stream's counts may be mangled. A count of 0 or less makes the lines after it
     * inline requests, so such a stream has no NUL bytes (which Redis never finds the end of
     * inline).
     */
    private boolean mangleCounts;

    @Test
    void streamsOfRequestsGetRedissRepliesAndClose() throws Exception {
        int streams = 400 * Integer.getInteger("tcpkit.fuzz.scale", 1);
        try (RedisServer redis = RedisServer.start("--databases", "1", "--proto-max-bulk-len", "1048576");
             Services tcpkit = Services.withCommand()) {
            for (int i = 0; i < streams; i++) {
                byte[] stream = stream();
                String want = exchange(redis.port(), stream);
                String got = exchange(tcpkit.command().port(), stream);
                assertThat(got).as("stream %d (seed %s): %s", i, Long.getLong("tcpkit.fuzz.seed", 11),
                        io.tcpkit.LogText.of(stream)).isEqualTo(want);
            }
        }
    }

    /** Sends the stream in one write, half-closes, and reads everything up to the server's close. */
    private static String exchange(int port, byte[] stream) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(stream);
            s.shutdownOutput();
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            InputStream in = s.getInputStream();
            byte[] buf = new byte[4096];
            try {
                int n;
                while ((n = in.read(buf)) >= 0) {
                    got.write(buf, 0, n);
                }
            } catch (java.net.SocketException e) {
                got.writeBytes("<reset>".getBytes(StandardCharsets.US_ASCII));
            }
            return new String(got.toByteArray(), StandardCharsets.ISO_8859_1);
        }
    }

    private byte[] stream() {
        mangleCounts = random.nextInt(4) == 0;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (random.nextInt(20) == 0) {
            // A cross-protocol request: the connection ends with no reply, and nothing after it runs.
            // First in its stream only: Redis also drops the replies to requests read with it.
            write(out, random.nextBoolean() ? "POST / HTTP/1.1\r\n" : "*2\r\n$5\r\nHost:\r\n$1\r\nx\r\n");
        }
        int requests = 1 + random.nextInt(6);
        for (int i = 0; i < requests; i++) {
            if (random.nextInt(3) == 0) {
                inline(out);
            } else {
                multibulk(out);
            }
        }
        return out.toByteArray();
    }

    private String number(int valid) {
        return random.nextInt(4) == 0 ? NUMBERS.get(random.nextInt(NUMBERS.size())) : Integer.toString(valid);
    }

    private List<String> command() {
        return switch (random.nextInt(11)) {
            case 0 -> List.of("PING");
            case 1 -> List.of("ping", word());
            case 2 -> List.of("PiNg", word(), word());
            case 3, 4 -> List.of("ECHO", word());
            case 5 -> List.of("echo");
            case 6 -> List.of("SELECT", NUMBERS.get(random.nextInt(NUMBERS.size())));
            case 7 -> List.of("NO" + word(), word(), word());
            case 8 -> mangleCounts ? List.of("NOx" + word(), "ab") : List.of("NO\u0000" + word(), "a\u0000b");
            case 9 -> random.nextInt(4) == 0 ? List.of("QUIT") : List.of("PING", "q");
            default -> List.of("ECHO", "x".repeat(random.nextInt(300)));
        };
    }

    private String word() {
        String letters = "abc \t\"'\\\u000b\f\u00ff\u0080\r\nxyz";
        StringBuilder sb = new StringBuilder();
        int n = random.nextInt(6);
        for (int i = 0; i < n; i++) {
            sb.append(letters.charAt(random.nextInt(letters.length())));
        }
        return sb.toString();
    }

    /** A RESP array, its count and lengths sometimes replaced by bad numbers (both servers then refuse it). */
    private void multibulk(ByteArrayOutputStream out) {
        List<String> args = command();
        String count = mangleCounts && random.nextInt(3) == 0 ? number(args.size()) : Integer.toString(args.size());
        write(out, "*" + count + "\r\n");
        for (String arg : args) {
            byte[] data = arg.getBytes(StandardCharsets.ISO_8859_1);
            String length = Integer.toString(data.length);
            if (random.nextInt(10) == 0) {
                // Only numbers that are not lengths at all: a valid but wrong length would put data
                // where the CRLF goes, which tcpkit refuses and Redis skips unread.
                String bad = NUMBERS.get(random.nextInt(NUMBERS.size()));
                if (!bad.matches("0|[1-9][0-9]{0,6}")) {
                    length = bad;
                }
            }
            write(out, "$" + length + "\r\n");
            out.writeBytes(data);
            write(out, "\r\n");
        }
        switch (random.nextInt(30)) {
            // Cut short: both wait for the rest, then the stream ends.
            case 0, 1, 2 -> write(out, "*" + args.size() + "\r\n$");
            case 3 -> write(out, "*1" + "1".repeat(40));
            case 4 -> write(out, "*1\r\n$" + "2".repeat(40));
            default -> {
            }
        }
    }

    /** An inline line: words with blanks, quotes and escapes, sometimes unbalanced; never a NUL. */
    private void inline(ByteArrayOutputStream out) {
        List<String> args = command();
        StringBuilder line = new StringBuilder();
        for (String a : args) {
            String blank = switch (random.nextInt(5)) {
                case 0 -> " \t";
                case 1 -> "\u000b ";
                case 2 -> " \f";
                default -> " ";
            };
            line.append(blank);
            String safe = a.replace("\u0000", "").replace("\r", "").replace("\n", "");
            switch (random.nextInt(4)) {
                case 0 -> line.append('"').append(safe.replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
                case 1 -> line.append("\"\\x41\\n").append(safe.replace("\"", "").replace("\\", "")).append('"');
                case 2 -> line.append('\'').append(safe.replace("'", "")).append('\'');
                default -> line.append(safe);
            }
        }
        if (random.nextInt(12) == 0) {
            line.append(random.nextBoolean() ? " \"unbalanced" : " 'a'b");
        }
        write(out, line + (random.nextBoolean() ? "\r\n" : "\n"));
    }

    private static void write(ByteArrayOutputStream out, String latin1) {
        out.writeBytes(latin1.getBytes(StandardCharsets.ISO_8859_1));
    }
}
