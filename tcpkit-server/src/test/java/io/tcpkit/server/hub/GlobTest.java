package io.tcpkit.server.hub;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** Glob patterns as Redis reads them (util.c stringmatchlen), for PSUBSCRIBE and PUBSUB CHANNELS. */
@Timeout(10)
class GlobTest {

    private static void matches(String glob, String... rooms) {
        Pattern p = Glob.compile(glob);
        for (String room : rooms) {
            assertThat(p.matcher(room).matches()).as("%s should match %s", glob, room).isTrue();
        }
    }

    private static void doesNotMatch(String glob, String... rooms) {
        Pattern p = Glob.compile(glob);
        for (String room : rooms) {
            assertThat(p.matcher(room).matches()).as("%s should not match %s", glob, room).isFalse();
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
    void questionMarkMatchesExactlyOneCharacter() {
        matches("h?llo", "hello", "hallo", "h.llo", "h\u00e9llo");
        doesNotMatch("h?llo", "hllo", "heello");
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
    }

    @Test
    void supplementaryCharactersAreOneCharacter() {
        matches("?", "\ud83d\ude00");
        matches("[\ud83d\ude00x]", "\ud83d\ude00", "x");
        matches("\ud83d\ude00*", "\ud83d\ude00 smile");
    }
}
