package io.tcpkit.server.hub;

import java.util.regex.Pattern;

/** Redis-style glob patterns ({@code *}, {@code ?}, {@code [abc]}, {@code [^a]}, {@code \x}) as regular expressions. */
public final class Glob {
    private Glob() {
    }

    public static Pattern compile(String glob) {
        StringBuilder re = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char ch = glob.charAt(i);
            switch (ch) {
                case '*' -> re.append(".*");
                case '?' -> re.append('.');
                case '[' -> {
                    int close = glob.indexOf(']', i + 1);
                    if (close < 0) {
                        re.append("\\[");
                    } else {
                        String set = glob.substring(i + 1, close).replace("\\", "\\\\").replace("[", "\\[");
                        re.append('[').append(set.startsWith("^") ? "^" + set.substring(1) : set).append(']');
                        i = close;
                    }
                }
                case '\\' -> {
                    if (i + 1 < glob.length()) {
                        re.append(Pattern.quote(String.valueOf(glob.charAt(++i))));
                    }
                }
                default -> re.append(Pattern.quote(String.valueOf(ch)));
            }
        }
        return Pattern.compile(re.toString(), Pattern.DOTALL);
    }
}
