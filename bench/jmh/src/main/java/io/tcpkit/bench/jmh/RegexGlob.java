package io.tcpkit.bench.jmh;

import java.util.regex.Pattern;

/**
 * The matcher tcpkit had before issue 11, kept here as the "before" of GlobBenchmark: globs
 * compiled to java.util.regex patterns, which backtrack. Redis-style glob patterns ({@code *}, {@code ?}, {@code [abc]}, {@code [^a]}, {@code [a-z]},
 * {@code \x}) as regular expressions, read as Redis's {@code stringmatchlen} reads them, so that
 * every pattern compiles: {@code []} matches nothing, {@code [^]} any one character, a reversed
 * range {@code [z-a]} is {@code [a-z]}, an unclosed set runs to the end of the pattern and a
 * trailing backslash is a backslash.
 */
final class RegexGlob {
    private RegexGlob() {
    }

    static Pattern compile(String glob) {
        StringBuilder re = new StringBuilder();
        int i = 0;
        while (i < glob.length()) {
            int ch = glob.codePointAt(i);
            i += Character.charCount(ch);
            switch (ch) {
                case '*' -> re.append(".*");
                case '?' -> re.append('.');
                case '[' -> i = set(glob, i, re);
                case '\\' -> {
                    if (i < glob.length()) {
                        ch = glob.codePointAt(i);
                        i += Character.charCount(ch);
                    }
                    literal(re, ch);
                }
                default -> literal(re, ch);
            }
        }
        return Pattern.compile(re.toString(), Pattern.DOTALL);
    }

    /** Appends the set that starts at {@code i} (just after its '['); returns the index after it. */
    private static int set(String glob, int i, StringBuilder re) {
        boolean not = i < glob.length() && glob.charAt(i) == '^';
        if (not) {
            i++;
        }
        StringBuilder members = new StringBuilder();
        while (i < glob.length()) {
            int ch = glob.codePointAt(i);
            int len = Character.charCount(ch);
            if (ch == ']') {
                i += len;
                break;
            }
            if (ch == '\\' && i + len < glob.length()) {
                i += len;
                ch = glob.codePointAt(i);
                literal(members, ch);
                i += Character.charCount(ch);
            } else if (i + len + 1 < glob.length() && glob.charAt(i + len) == '-') {
                int end = glob.codePointAt(i + len + 1);
                literal(members, Math.min(ch, end));
                members.append('-');
                literal(members, Math.max(ch, end));
                i += len + 1 + Character.charCount(end);
            } else {
                literal(members, ch);
                i += len;
            }
        }
        if (members.isEmpty()) {
            re.append(not ? "." : "(?!)"); // [^] is any character; [] is none
        } else {
            re.append(not ? "[^" : "[").append(members).append(']');
        }
        return i;
    }

    private static void literal(StringBuilder re, int codePoint) {
        re.append("\\x{").append(Integer.toHexString(codePoint)).append('}');
    }
}
