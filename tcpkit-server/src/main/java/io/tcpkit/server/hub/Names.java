package io.tcpkit.server.hub;

import java.util.regex.Pattern;

/**
 * The names people go by in the rooms: what a chat name may be, and when two names are the same.
 * A name people read is one of these, so nobody can dress up as someone else with spaces,
 * brackets or look-alike letters. Also used for what a program may be called when it speaks.
 */
public final class Names {
    /** 1 to 32 ASCII letters and digits (the Budget Chat rules ask for at least 16). */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9]{1,32}");

    private Names() {
    }

    /** Whether {@code name} may be a person's name in the chat. */
    public static boolean isValid(String name) {
        return NAME.matcher(name).matches();
    }

    /** The form under which names are unique: ASCII case ignored ("Alice" is alice's name too). */
    public static String key(String name) {
        StringBuilder sb = null;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c != lower(c)) {
                if (sb == null) {
                    sb = new StringBuilder(name);
                }
                sb.setCharAt(i, lower(c));
            }
        }
        return sb == null ? name : sb.toString();
    }

    /**
     * Whether two names are the same one: equal {@link #key}s, without making them. Not
     * {@code equalsIgnoreCase}, which folds other letters too (the Kelvin sign is a 'k' to it)
     * and so would let a look-alike name reach someone.
     */
    static boolean sameKey(String a, String b) {
        if (a.length() != b.length()) {
            return false;
        }
        for (int i = 0; i < a.length(); i++) {
            if (lower(a.charAt(i)) != lower(b.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** {@code key(name).hashCode()}, without making the key. */
    static int keyHash(String name) {
        int h = 0;
        for (int i = 0; i < name.length(); i++) {
            h = 31 * h + lower(name.charAt(i));
        }
        return h;
    }

    private static char lower(char c) {
        return c >= 'A' && c <= 'Z' ? (char) (c + 32) : c;
    }
}
