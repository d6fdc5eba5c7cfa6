package io.tcpkit.server.hub;

import io.tcpkit.LogText;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A Redis glob pattern over bytes, read exactly as Redis's {@code stringmatchlen} reads it:
 * {@code *} any run of bytes, {@code ?} one byte, {@code [abc]}, {@code [^a]}, {@code [a-z]} one
 * byte of a set, {@code \x} the byte x. Its corner cases are Redis's too: {@code []} matches
 * nothing, {@code [^]} any byte, a reversed range {@code [z-a]} is {@code [a-z]}, ranges compare
 * bytes as signed numbers, as Redis does where C's {@code char} is signed (x86; {@code [a-\xff]} holds
 * 0x00 to 'a' and 0xff), {@code \} in
 * a set escapes the next byte, {@code -} after a range start takes the next byte whatever it is
 * (in {@code [a-]x]} the set goes on past the first {@code ]}), an unclosed set runs to the end of
 * the pattern, a trailing backslash is a backslash, and the empty string matches the empty
 * pattern only (not even {@code *}).
 *
 * <p>The pattern is read once into tokens (a set becomes a 256-bit map), and matching never
 * recurses: on a mismatch it goes back only to the last {@code *} seen, which is enough because
 * every other token matches exactly one byte. A match costs at most
 * (channel length + pattern length) x (longest run of pattern without {@code *} + 1) steps, and no
 * pattern can blow that up the way a backtracking regex or Redis's recursion can; Redis 7.2 caps
 * its recursion at 1,000 nested {@code *}, which needs no counterpart here. The callers bound the
 * lengths ({@link #MAX_PATTERN_BYTES}, {@link Channel#MAX_BYTES}), so the worst match stays under a
 * third of a million steps. Immutable and thread-safe.
 */
public final class Glob {
    /** Longest pattern accepted from a client (Redis has no limit); it bounds the cost of a match. */
    public static final int MAX_PATTERN_BYTES = 256;

    // Tokens: 0..255 a literal byte; then the kinds below; SET + i is the set whose bits start at 4 * i.
    private static final int ANY = 256;
    private static final int STAR = 257;
    private static final int SET = 258;

    private final byte[] pattern;
    private final int[] tokens;
    private final long[] sets;
    private final int hash;

    private Glob(byte[] pattern, int[] tokens, long[] sets) {
        this.pattern = pattern;
        this.tokens = tokens;
        this.sets = sets;
        this.hash = Arrays.hashCode(pattern);
    }

    /** Reads a pattern (the bytes are copied). */
    public static Glob of(byte[] pattern) {
        return compile(pattern.clone());
    }

    /** Reads a pattern given as text (UTF-8). */
    public static Glob of(String pattern) {
        return compile(pattern.getBytes(StandardCharsets.UTF_8));
    }

    /** The pattern as the client wrote it. Shared: do not modify. */
    public byte[] bytes() {
        return pattern;
    }

    /** Whether the whole of {@code s} matches. */
    public boolean matches(byte[] s) {
        return matches(s, 0, s.length);
    }

    /** Whether {@code len} bytes of {@code s} from {@code off} match. */
    public boolean matches(byte[] s, int off, int len) {
        int[] t = tokens;
        if (len == 0) {
            return t.length == 0; // Redis: not even "*" matches the empty string
        }
        int end = off + len;
        int ti = 0;
        int si = off;
        int starToken = -1; // the token after the last '*', where a retry resumes
        int starString = 0; // where the bytes that '*' took end, on the last retry
        while (si < end) {
            if (ti < t.length) {
                int k = t[ti];
                if (k == STAR) {
                    starToken = ++ti;
                    starString = si;
                    continue;
                }
                if (one(k, s[si])) {
                    ti++;
                    si++;
                    continue;
                }
            }
            if (starToken < 0) {
                return false;
            }
            // Let the last '*' take one more byte, and try the rest of the pattern from there.
            ti = starToken;
            si = ++starString;
        }
        while (ti < t.length && t[ti] == STAR) {
            ti++;
        }
        return ti == t.length;
    }

    /** Whether token {@code k} (not a star) matches byte {@code b}. */
    private boolean one(int k, byte b) {
        if (k < ANY) {
            return k == (b & 0xff);
        }
        if (k == ANY) {
            return true;
        }
        int u = b & 0xff;
        return (sets[(k - SET) * 4 + (u >> 6)] & (1L << u)) != 0;
    }

    /** Reads the pattern into tokens, as {@code stringmatchlen} walks it. */
    private static Glob compile(byte[] p) {
        int[] tokens = new int[p.length];
        long[] sets = new long[0];
        int n = 0;
        int nSets = 0;
        int i = 0;
        while (i < p.length) {
            byte c = p[i];
            if (c == '*') {
                while (i < p.length && p[i] == '*') {
                    i++;
                }
                tokens[n++] = STAR;
                continue;
            }
            if (c == '?') {
                tokens[n++] = ANY;
                i++;
            } else if (c == '[') {
                if ((nSets + 1) * 4 > sets.length) {
                    sets = Arrays.copyOf(sets, Math.max(8, sets.length * 2));
                }
                i = set(p, i + 1, sets, nSets * 4);
                tokens[n++] = SET + nSets++;
            } else if (c == '\\' && i + 1 < p.length) {
                tokens[n++] = p[i + 1] & 0xff;
                i += 2;
            } else {
                tokens[n++] = c & 0xff;
                i++;
            }
        }
        return new Glob(p, Arrays.copyOf(tokens, n), Arrays.copyOf(sets, nSets * 4));
    }

    /**
     * Reads the set that starts at {@code i} (just after its '[') into four longs at {@code at};
     * returns the index after it. Mirrors Redis's loop, including its reading of ranges and escapes.
     */
    private static int set(byte[] p, int i, long[] sets, int at) {
        boolean not = i < p.length && p[i] == '^';
        if (not) {
            i++;
        }
        long[] bits = new long[4];
        while (i < p.length) {
            int left = p.length - i;
            if (p[i] == '\\' && left >= 2) {
                add(bits, p[i + 1], p[i + 1]);
                i += 2;
            } else if (p[i] == ']') {
                i++;
                break;
            } else if (left >= 3 && p[i + 1] == '-') {
                add(bits, (byte) Math.min(p[i], p[i + 2]), (byte) Math.max(p[i], p[i + 2]));
                i += 3;
            } else {
                add(bits, p[i], p[i]);
                i++;
            }
        }
        for (int w = 0; w < 4; w++) {
            sets[at + w] = not ? ~bits[w] : bits[w];
        }
        return i;
    }

    /** Adds the bytes from {@code from} to {@code to}, compared as signed numbers (C's char on x86). */
    private static void add(long[] bits, byte from, byte to) {
        for (int b = from; b <= to; b++) {
            int u = b & 0xff;
            bits[u >> 6] |= 1L << u;
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Glob g && Arrays.equals(pattern, g.pattern);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    /** The pattern, escaped for a log line. */
    @Override
    public String toString() {
        return LogText.of(pattern);
    }
}
