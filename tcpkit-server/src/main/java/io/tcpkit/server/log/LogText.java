package io.tcpkit.server.log;

/**
 * Makes text from a client safe for a log line: control characters (newlines above all, which
 * would let a client write a line of its own), escape sequences, bidi overrides and backslashes
 * are escaped as {@code \n}, {@code \x1b}, {@code \u202e}, {@code \\}, and the text is cut to
 * {@link #MAX_CHARS}. A minimal helper of this package until the hardening work (issue 11) gives
 * the program one of its own.
 */
public final class LogText {
    /** Longest client text kept in a log line; the rest is replaced by a count. */
    public static final int MAX_CHARS = 200;

    private LogText() {
    }

    /** The text escaped and capped; "null" for null. */
    public static String escape(CharSequence text) {
        if (text == null) {
            return "null";
        }
        int n = Math.min(text.length(), MAX_CHARS);
        StringBuilder out = null;
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            String replacement = replacement(c);
            if (replacement != null && out == null) {
                out = new StringBuilder(n + 16).append(text, 0, i);
            }
            if (out != null) {
                if (replacement != null) {
                    out.append(replacement);
                } else {
                    out.append(c);
                }
            }
        }
        String result = out != null ? out.toString() : text.subSequence(0, n).toString();
        return text.length() > MAX_CHARS ? result + "...(" + (text.length() - MAX_CHARS) + " more)" : result;
    }

    private static String replacement(char c) {
        switch (c) {
            case '\n':
                return "\\n";
            case '\r':
                return "\\r";
            case '\t':
                return "\\t";
            case '\\':
                return "\\\\";
            default:
                break;
        }
        if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0)) {
            return String.format("\\x%02x", (int) c);
        }
        if ((c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069) || c == 0x2028 || c == 0x2029
                || c == 0x200e || c == 0x200f || c == 0x061c) {
            return String.format("\\u%04x", (int) c);
        }
        return null;
    }
}
