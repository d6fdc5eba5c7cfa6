package io.tcpkit.server.hub;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** Text.sanitize: nothing one user sends may drive another user's terminal. */
@Timeout(10)
class TextTest {

    @Test
    void everyC0ControlButTabBecomesAQuestionMark() {
        for (char c = 0; c < 0x20; c++) {
            String expected = c == '\t' ? "a b" : "a?b";
            assertThat(Text.sanitize("a" + c + "b")).as("U+%04X", (int) c).isEqualTo(expected);
        }
    }

    @Test
    void deleteAndEveryC1ControlBecomeAQuestionMark() {
        assertThat(Text.sanitize("a\u007fb")).isEqualTo("a?b");
        for (char c = 0x80; c <= 0x9f; c++) {
            assertThat(Text.sanitize("a" + c + "b")).as("U+%04X", (int) c).isEqualTo("a?b");
        }
    }

    @Test
    void bidirectionalOverridesAndIsolatesAreReplaced() {
        for (char c : new char[] {'\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2066', '\u2067', '\u2068', '\u2069'}) {
            assertThat(Text.sanitize("a" + c + "b")).as("U+%04X", (int) c).isEqualTo("a?b");
        }
    }

    @Test
    void terminalEscapeSequencesAreDefused() {
        assertThat(Text.sanitize("\u001b[2J\u001b[H")).isEqualTo("?[2J?[H");
        assertThat(Text.sanitize("\u001b]0;pwned\u0007")).isEqualTo("?]0;pwned?");
        assertThat(Text.sanitize("\u009b31m")).isEqualTo("?31m");
        assertThat(Text.sanitize("fake\r[admin] hi")).isEqualTo("fake?[admin] hi");
        assertThat(Text.sanitize("two\nlines")).isEqualTo("two?lines");
    }

    @Test
    void printableTextIsUntouched() {
        String text = "Hello, w\u00f6rld! \u00a0\u00e9\u4e2d\u6587 \ud83d\ude00 ~`!@#$%^&*()_+-=[]{}|;':\",./<>?\\";
        assertThat(Text.sanitize(text)).isEqualTo(text);
        assertThat(Text.sanitize("")).isEmpty();
    }

    @Test
    void bytesAreDecodedAsUtf8WithMalformedSequencesReplaced() {
        assertThat(Text.sanitize("caf\u00e9".getBytes(StandardCharsets.UTF_8))).isEqualTo("caf\u00e9");
        assertThat(Text.sanitize(new byte[] {'a', (byte) 0x9b, 'b'})).isEqualTo("a\ufffdb");
        assertThat(Text.sanitize(new byte[] {'a', (byte) 0xc2, (byte) 0x9b, 'b'})).isEqualTo("a?b"); // C1 CSI in UTF-8
        assertThat(Text.sanitize(new byte[] {'a', 0x1b, '[', '2', 'J', 0})).isEqualTo("a?[2J?");
    }
}
