package io.tcpkit.server.command;

/**
 * Case folding of command names, subcommands and keywords, ASCII only, as Redis does (C's
 * {@code strcasecmp} and {@code toupper} in the C locale). Java's own case mapping is Unicode: it
 * turns U+017F (long s) into 'S' and U+0131 (dotless i) into 'I', so "CHANNEL\u017f" would become
 * "CHANNELS" on one path and stay itself on another. Bytes and characters outside a-z/A-Z are kept.
 */
final class Ascii {
    private Ascii() {
    }

    static String upperCase(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 'a' && c <= 'z') {
                char[] a = s.toCharArray();
                for (int j = i; j < a.length; j++) {
                    if (a[j] >= 'a' && a[j] <= 'z') {
                        a[j] -= 32;
                    }
                }
                return new String(a);
            }
        }
        return s;
    }

    static String lowerCase(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 'A' && c <= 'Z') {
                char[] a = s.toCharArray();
                for (int j = i; j < a.length; j++) {
                    if (a[j] >= 'A' && a[j] <= 'Z') {
                        a[j] += 32;
                    }
                }
                return new String(a);
            }
        }
        return s;
    }

    /** Lower-cases A-Z in place and returns the array. */
    static byte[] lowerCase(byte[] b) {
        for (int i = 0; i < b.length; i++) {
            if (b[i] >= 'A' && b[i] <= 'Z') {
                b[i] += 32;
            }
        }
        return b;
    }
}
