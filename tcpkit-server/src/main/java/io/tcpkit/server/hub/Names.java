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
            if (c >= 'A' && c <= 'Z') {
                if (sb == null) {
                    sb = new StringBuilder(name);
                }
                sb.setCharAt(i, (char) (c + 32));
            }
        }
        return sb == null ? name : sb.toString();
    }
}
