package io.tcpkit.server.hub;

import java.nio.charset.StandardCharsets;

/** Makes text safe for other people's terminals. */
public final class Text {
    private Text() {
    }

    /**
     * Replaces control characters (C0 but tab, DEL, C1: escape sequences, bells, carriage
     * returns that overwrite a line) and bidirectional overrides with '?', so that nothing one
     * user sends can drive another user's terminal. Tabs become spaces.
     */
    public static String sanitize(String text) {
        StringBuilder sb = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            char safe = c == '\t' ? ' ' : unsafe(c) ? '?' : c;
            if (safe != c && sb == null) {
                sb = new StringBuilder(text.length()).append(text, 0, i);
            }
            if (sb != null) {
                sb.append(safe);
            }
        }
        return sb == null ? text : sb.toString();
    }

    /** Decodes UTF-8 (malformed bytes become U+FFFD), then sanitizes. */
    public static String sanitize(byte[] utf8) {
        return sanitize(new String(utf8, StandardCharsets.UTF_8));
    }

    private static boolean unsafe(char c) {
        return c < 0x20 || c == 0x7f || (c >= 0x80 && c <= 0x9f)
                || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
    }
}
