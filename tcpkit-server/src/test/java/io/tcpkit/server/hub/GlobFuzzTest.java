package io.tcpkit.server.hub;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The greedy matcher against a second, independent reading of the same rules: a memoised
 * recursion over the raw pattern bytes that tries every way a '*' can go (too slow for the
 * server, fine for short random inputs). Seeded; {@code -Dtcpkit.fuzz.seed=N} replays a run and
 * {@code -Dtcpkit.fuzz.scale=N} runs N times as many cases. GlobDifferentialTest checks the rules
 * themselves against redis-server.
 */
@Timeout(300)
class GlobFuzzTest {
    private static final byte[] ALPHABET = {'a', 'b', '*', '?', '[', ']', '^', '-', '\\', 0, (byte) 0xff, (byte) 0x80};

    @Test
    void greedyMatcherAgreesWithExhaustiveSearch() {
        long seed = Long.getLong("tcpkit.fuzz.seed", 11);
        Random random = new Random(seed);
        int cases = 200_000 * Integer.getInteger("tcpkit.fuzz.scale", 1);
        for (int i = 0; i < cases; i++) {
            byte[] pattern = bytes(random, 9);
            byte[] name = bytes(random, 9);
            boolean want = new Reference(pattern, name).matches();
            assertThat(Glob.of(pattern).matches(name))
                    .as("pattern %s against %s (seed %s, case %s)", io.tcpkit.LogText.of(pattern),
                            io.tcpkit.LogText.of(name), seed, i)
                    .isEqualTo(want);
        }
    }

    private static byte[] bytes(Random random, int maxLength) {
        byte[] b = new byte[random.nextInt(maxLength + 1)];
        for (int i = 0; i < b.length; i++) {
            b[i] = ALPHABET[random.nextInt(ALPHABET.length)];
        }
        return b;
    }

    /** The rules read straight off the pattern, every alternative of '*' tried, memoised. */
    private static final class Reference {
        private final byte[] p;
        private final byte[] s;
        private final Boolean[][] memo;

        Reference(byte[] p, byte[] s) {
            this.p = p;
            this.s = s;
            this.memo = new Boolean[p.length + 1][s.length + 1];
        }

        boolean matches() {
            return s.length == 0 ? p.length == 0 : from(0, 0);
        }

        private boolean from(int pi, int si) {
            if (memo[pi][si] != null) {
                return memo[pi][si];
            }
            boolean result;
            if (pi == p.length) {
                result = si == s.length;
            } else if (p[pi] == '*') {
                result = from(pi + 1, si) || si < s.length && from(pi, si + 1);
            } else if (si == s.length) {
                result = false;
            } else {
                int[] next = new int[1];
                result = one(pi, s[si], next) && from(next[0], si + 1);
            }
            memo[pi][si] = result;
            return result;
        }

        /** Whether the one-byte item at {@code pi} takes {@code c}; {@code next[0]} is where the item ends. */
        private boolean one(int pi, byte c, int[] next) {
            if (p[pi] == '?') {
                next[0] = pi + 1;
                return true;
            }
            if (p[pi] == '\\' && pi + 1 < p.length) {
                next[0] = pi + 2;
                return p[pi + 1] == c;
            }
            if (p[pi] != '[') {
                next[0] = pi + 1;
                return p[pi] == c;
            }
            int i = pi + 1;
            boolean negated = i < p.length && p[i] == '^';
            if (negated) {
                i++;
            }
            boolean hit = false;
            while (i < p.length && p[i] != ']') {
                if (p[i] == '\\' && i + 1 < p.length) {
                    hit |= p[i + 1] == c;
                    i += 2;
                } else if (i + 2 < p.length && p[i + 1] == '-') {
                    int lo = Math.min(p[i], p[i + 2]);
                    int hi = Math.max(p[i], p[i + 2]);
                    hit |= c >= lo && c <= hi;
                    i += 3;
                } else {
                    hit |= p[i] == c;
                    i++;
                }
            }
            next[0] = i < p.length ? i + 1 : i; // past the ']', or the end of an unclosed set
            return hit != negated;
        }
    }
}
