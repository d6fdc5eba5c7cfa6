package io.tcpkit;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** Client text in a log line: one line, no terminal control, no invisible reordering, bounded. */
class LogTextTest {

    @Test
    void controlCharactersAndBackslashesAreEscaped() {
        assertThat(LogText.of("nobody' from 10.1.2.3\n13:37:00.000 INFO login OK for user 'admin"))
                .isEqualTo("nobody' from 10.1.2.3\\n13:37:00.000 INFO login OK for user 'admin");
        assertThat(LogText.of("\r\t\u001b[31mred\u0007\u007f\u0085\u009b")).isEqualTo("\\r\\t\\x1b[31mred\\x07\\x7f\\x85\\x9b");
        assertThat(LogText.of("a\\nb")).isEqualTo("a\\\\nb");
        assertThat(LogText.of((String) null)).isEqualTo("null");
    }

    @Test
    void invisibleAndReorderingCharactersAreEscapedButTextIsKept() {
        assertThat(LogText.of("admin\u202e\u2066x\u2028y\u200b\u00ad")).isEqualTo("admin\\u202e\\u2066x\\u2028y\\u200b\\xad");
        assertThat(LogText.of("caf\u00e9 \u00fcber \u65e5\u672c \ud83d\ude00")).isEqualTo("caf\u00e9 \u00fcber \u65e5\u672c \ud83d\ude00");
        assertThat(LogText.of("lone \ud83d surrogate")).isEqualTo("lone \\ud83d surrogate");
    }

    @Test
    void longTextIsCutSayingHowMuchWasLeftOut() {
        assertThat(LogText.of("x".repeat(1000))).isEqualTo("x".repeat(200) + "...(800 more chars)");
        assertThat(LogText.of("y".repeat(300).getBytes(StandardCharsets.US_ASCII))).isEqualTo("y".repeat(200) + "...(100 more bytes)");
    }

    @Test
    void bytesArePrintableAsciiOrHex() {
        byte[] b = {'o', 'k', 0, '\n', (byte) 0xff, '\\', ' '};
        assertThat(LogText.of(b)).isEqualTo("ok\\x00\\x0a\\xff\\\\ ");
    }

    @Test
    void aWholeMessageBecomesOneLineWithoutEscapingTwice() {
        assertThat(LogText.line("TLS handshake failed: name=a\nFAKE LINE")).isEqualTo("TLS handshake failed: name=a\\nFAKE LINE");
        assertThat(LogText.line("already escaped: \\x1b")).isEqualTo("already escaped: \\x1b");
        String plain = "an ordinary message";
        assertThat(LogText.line(plain)).isSameAs(plain);
        assertThat(LogText.line("z".repeat(5000))).hasSize(LogText.MAX_LINE_CHARS + "...(1000 more chars)".length());
    }
}
