package io.tcpkit.server.command;

/**
 * Integers in arguments read as Redis reads them (util.c {@code string2ll}): "0", or an optional
 * '-' and a digit 1-9 followed by digits, within a long. No '+', no spaces, no leading zeros and
 * no "-0": "01" and "-0" are not integers to Redis, and so not here.
 */
final class Integers {
    private Integers() {
    }

    /** The value, or null if {@code s} is not an integer Redis would accept. */
    static Long parse(String s) {
        int n = s.length();
        if (n == 0 || n > 20) {
            return null;
        }
        if (s.equals("0")) {
            return 0L;
        }
        boolean negative = s.charAt(0) == '-';
        int i = negative ? 1 : 0;
        if (i == n || s.charAt(i) < '1' || s.charAt(i) > '9') {
            return null;
        }
        long v = 0; // accumulated as a negative number, so that Long.MIN_VALUE fits
        for (; i < n; i++) {
            int d = s.charAt(i) - '0';
            if (d < 0 || d > 9 || v < (Long.MIN_VALUE + d) / 10) {
                return null;
            }
            v = v * 10 - d;
        }
        if (!negative && v == Long.MIN_VALUE) {
            return null;
        }
        return negative ? v : -v;
    }
}
