package io.tcpkit;

/**
 * Text from a client made safe for one log line: whatever a peer sends (a user name, a command, a
 * PROXY header field, a channel name) can neither start a forged log line, nor drive the terminal
 * of whoever reads the log, nor fill the log.
 *
 * <p>Control characters (C0, DEL, C1), the backslash itself, bidirectional overrides, line and
 * paragraph separators and other invisible format characters are written as escapes ({@code \n},
 * {@code \r}, {@code \t}, {@code \\}, {@code \x1b}, {@code \u202e}), and text longer than
 * {@link #MAX_CHARS} is cut, saying how much was left out. Bytes are written as printable ASCII,
 * anything else as {@code \xNN}. The result is plain printable text; put it in quotes where the
 * reader needs to see where it starts and ends.
 */
public final class LogText {
    /** Longest client text copied into a log line; the rest is counted, not copied. */
    public static final int MAX_CHARS = 200;
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private LogText() {
    }

    /** {@code text} escaped and cut to {@link #MAX_CHARS}; "null" for null. */
    public static String of(CharSequence text) {
        return of(text, MAX_CHARS);
    }

    /** {@code text} escaped and cut to {@code maxChars}; "null" for null. */
    public static String of(CharSequence text, int maxChars) {
        if (text == null) {
            return "null";
        }
        int n = Math.min(text.length(), maxChars);
        StringBuilder sb = new StringBuilder(n + 16);
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\\' -> sb.append("\\\\");
                default -> {
                    if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(text.charAt(i + 1))) {
                        sb.append(c).append(text.charAt(++i)); // one character outside the BMP
                    } else if (Character.isSurrogate(c) || unsafe(c)) {
                        escape(sb, c);
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return cut(sb, text.length() - n, "chars");
    }

    /** {@code len} bytes from {@code off}: printable ASCII as it is, the rest as {@code \xNN}. */
    public static String of(byte[] b, int off, int len) {
        int n = Math.min(len, MAX_CHARS);
        StringBuilder sb = new StringBuilder(n + 16);
        for (int i = off; i < off + n; i++) {
            int c = b[i] & 0xff;
            if (c == '\\') {
                sb.append("\\\\");
            } else if (c >= 0x20 && c < 0x7f) {
                sb.append((char) c);
            } else {
                sb.append("\\x").append(HEX[c >> 4]).append(HEX[c & 0xf]);
            }
        }
        return cut(sb, len - n, "bytes");
    }

    public static String of(byte[] b) {
        return b == null ? "null" : of(b, 0, b.length);
    }

    /** Longest log message {@link #line} keeps. */
    public static final int MAX_LINE_CHARS = 4000;

    /**
     * A whole log message made one safe line: the net under {@link #of} for messages that carry
     * text nobody escaped (an exception's message quoting a client, a TLS error quoting the
     * server name a client sent). Control and invisible characters are escaped as in {@link #of};
     * backslashes are kept, so text escaped already is not escaped twice. Cut at
     * {@link #MAX_LINE_CHARS}.
     */
    public static String line(CharSequence message) {
        if (message == null) {
            return "null";
        }
        int n = message.length();
        int i = 0;
        while (i < n && i < MAX_LINE_CHARS && !Character.isSurrogate(message.charAt(i)) && !unsafe(message.charAt(i))) {
            i++;
        }
        if (i == n) {
            return message.toString(); // the usual case: nothing to do
        }
        StringBuilder sb = new StringBuilder(Math.min(n, MAX_LINE_CHARS) + 16).append(message, 0, i);
        for (; i < Math.min(n, MAX_LINE_CHARS); i++) {
            char c = message.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(message.charAt(i + 1))) {
                sb.append(c).append(message.charAt(++i));
            } else if (c == '\n') {
                sb.append("\\n");
            } else if (c == '\r') {
                sb.append("\\r");
            } else if (c == '\t') {
                sb.append("\\t");
            } else if (Character.isSurrogate(c) || unsafe(c)) {
                escape(sb, c);
            } else {
                sb.append(c);
            }
        }
        return cut(sb, n - Math.min(n, MAX_LINE_CHARS), "chars");
    }

    private static String cut(StringBuilder sb, int left, String unit) {
        if (left > 0) {
            sb.append("...(").append(left).append(" more ").append(unit).append(')');
        }
        return sb.toString();
    }

    /** Characters that move the cursor, end a line, reorder the line or are invisible. */
    private static boolean unsafe(char c) {
        if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
            return true;
        }
        if (c < 0x2000) {
            return c == 0xad || c == 0x61c; // soft hyphen, Arabic letter mark
        }
        int type = Character.getType(c);
        return type == Character.FORMAT || type == Character.LINE_SEPARATOR
                || type == Character.PARAGRAPH_SEPARATOR || type == Character.UNASSIGNED
                || type == Character.PRIVATE_USE;
    }

    private static void escape(StringBuilder sb, char c) {
        if (c < 0x100) {
            sb.append("\\x").append(HEX[c >> 4]).append(HEX[c & 0xf]);
        } else {
            sb.append("\\u").append(HEX[c >> 12]).append(HEX[(c >> 8) & 0xf]).append(HEX[(c >> 4) & 0xf])
                    .append(HEX[c & 0xf]);
        }
    }
}
