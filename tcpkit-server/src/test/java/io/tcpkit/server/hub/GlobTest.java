package io.tcpkit.server.hub;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Glob patterns as Redis reads them (util.c stringmatchlen), over bytes, for PSUBSCRIBE and PUBSUB
 * CHANNELS. Text here is UTF-8; "\u00e9" is two bytes. GlobDifferentialTest compares with Redis.
 */
@Timeout(10)
class GlobTest {

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static void matches(String glob, String... rooms) {
        Glob p = Glob.of(glob);
        for (String room : rooms) {
            assertThat(p.matches(utf8(room))).as("%s should match %s", glob, room).isTrue();
        }
    }

    private static void doesNotMatch(String glob, String... rooms) {
        Glob p = Glob.of(glob);
        for (String room : rooms) {
            assertThat(p.matches(utf8(room))).as("%s should not match %s", glob, room).isFalse();
        }
    }

    @Test
    void starMatchesAnyRunOfCharactersIncludingNone() {
        matches("*", "a", "news.tech", "line\nbreak");
        matches("news.*", "news.", "news.tech", "news.a.b");
        doesNotMatch("news.*", "news", "xnews.tech", "NEWS.tech");
        matches("*.log", ".log", "a.log");
        matches("a*b*c", "abc", "aXXbYYc");
        doesNotMatch("a*b*c", "acb");
    }

    @Test
    void questionMarkMatchesExactlyOneByte() {
        matches("h?llo", "hello", "hallo", "h.llo");
        doesNotMatch("h?llo", "hllo", "heello", "h\u00e9llo");
        matches("h??llo", "h\u00e9llo"); // as in Redis: é is two bytes
    }

    @Test
    void setsRangesAndNegation() {
        matches("h[ae]llo", "hallo", "hello");
        doesNotMatch("h[ae]llo", "hillo", "hllo");
        matches("h[^e]llo", "hallo", "hbllo");
        doesNotMatch("h[^e]llo", "hello");
        matches("h[a-c]llo", "hallo", "hbllo", "hcllo");
        doesNotMatch("h[a-c]llo", "hdllo");
        matches("x[0-9a]", "x0", "x9", "xa");
        doesNotMatch("x[0-9a]", "xb");
    }

    @Test
    void backslashEscapesTheNextCharacter() {
        matches("h\\*llo", "h*llo");
        doesNotMatch("h\\*llo", "hello");
        matches("h\\?", "h?");
        doesNotMatch("h\\?", "hx");
        matches("[\\]]", "]");
        matches("a\\[b", "a[b");
        matches("end\\", "end\\"); // a trailing backslash is itself
    }

    @Test
    void regularExpressionCharactersAreLiterals() {
        matches("a.b", "a.b");
        doesNotMatch("a.b", "axb");
        matches("a+b(c)|{1}$^", "a+b(c)|{1}$^");
        doesNotMatch("a+b", "aab");
        matches("\\Qx\\E", "QxE");
        matches("[.]", ".");
        doesNotMatch("[.]", "x");
        matches("[&&a]", "&", "a");
        matches("[\\\\]", "\\");
    }

    @Test
    void setsThatAreNotRegularExpressionsStillCompileAsRedisReadsThem() {
        doesNotMatch("[]", "", "a", "]", "[]");
        doesNotMatch("x[]", "x", "xa");
        matches("[^]", "a", "]", "\n");
        doesNotMatch("[^]", "", "ab");
        matches("[z-a]", "a", "m", "z");
        doesNotMatch("[z-a]", "A", "0");
        matches("[abc", "a", "c"); // an unclosed set runs to the end of the pattern
        doesNotMatch("[abc", "[abc", "d");
        matches("[a-", "a", "-");
        doesNotMatch("[", "", "["); // "[" alone is an empty set
        matches("[a-]x]", "a", "]", "x"); // the range a-] swallows the first ']'
        doesNotMatch("[a-]x]", "x]");
        matches("[\\-z]", "-", "z");
        doesNotMatch("[\\-z]", "m");
    }

    @Test
    void theEmptyStringMatchesOnlyTheEmptyPattern() {
        // Redis's loop runs while both have bytes left: even "*" does not match "".
        assertThat(Glob.of("").matches(new byte[0])).isTrue();
        assertThat(Glob.of("*").matches(new byte[0])).isFalse();
        assertThat(Glob.of("**").matches(new byte[0])).isFalse();
        assertThat(Glob.of("").matches(utf8("a"))).isFalse();
        matches("a*", "a");
        matches("a**", "a");
    }

    @Test
    void patternsAndNamesAreBytesNotCharacters() {
        doesNotMatch("?", "\ud83d\ude00");
        matches("????", "\ud83d\ude00");
        byte[] fe = {(byte) 0xfe};
        byte[] ff = {(byte) 0xff};
        assertThat(Glob.of(ff).matches(fe)).isFalse();
        assertThat(Glob.of(ff).matches(ff)).isTrue();
        assertThat(Glob.of(new byte[] {'[', (byte) 0xfe, ']'}).matches(ff)).isFalse();
        assertThat(Glob.of(new byte[] {'[', (byte) 0xfe, ']'}).matches(fe)).isTrue();
        assertThat(Glob.of(new byte[] {'a', 0, '*'}).matches(new byte[] {'a', 0, 'z'})).isTrue();
    }

    @Test
    void rangesCompareBytesAsSignedNumbersAsRedisOnX86Does() {
        byte[] aToFf = {'[', 'a', '-', (byte) 0xff, ']'};
        Glob g = Glob.of(aToFf); // 0xff is -1: the range is -1..'a'
        assertThat(g.matches(new byte[] {(byte) 0xff})).isTrue();
        assertThat(g.matches(new byte[] {0})).isTrue();
        assertThat(g.matches(new byte[] {'a'})).isTrue();
        assertThat(g.matches(new byte[] {'b'})).isFalse();
        assertThat(g.matches(new byte[] {(byte) 0x80})).isFalse();
    }

    @Test
    void patternsThatMakeABacktrackingMatcherExplodeCostLittle() {
        // These froze the server through java.util.regex, or overflowed its stack.
        Glob stars = Glob.of("*a*a*a*a*a*a*a*b");
        byte[] as = utf8("a".repeat(Channel.MAX_BYTES));
        for (int i = 0; i < 1000; i++) {
            assertThat(stars.matches(as)).isFalse();
        }
        assertThat(Glob.of("?".repeat(50_000)).matches(utf8("x".repeat(50_000)))).isTrue();
        assertThat(Glob.of("*" + "?".repeat(20_000) + "*").matches(utf8("y".repeat(40_000)))).isTrue();
    }

    @Test
    void equalPatternsAreEqual() {
        assertThat(Glob.of("news.*")).isEqualTo(Glob.of(utf8("news.*"))).hasSameHashCodeAs(Glob.of("news.*"));
        assertThat(Glob.of("news.*")).isNotEqualTo(Glob.of("news.?"));
        assertThat(Glob.of("a\u001b\n").toString()).isEqualTo("a\\x1b\\x0a");
    }
}
