package io.tcpkit.codec;

/**
 * Reads counts and lengths as Redis's {@code string2ll} does (util.c): "0", or an optional '-'
 * and a digit 1-9 followed by digits, within a long. Nothing else: no leading zeros, no "-0", no
 * '+', no blanks, at most 20 characters. Stateless.
 */
final class RedisIntegers {
    private RedisIntegers() {
    }

    /**
     * The value of {@code a[from, to)}.
     *
     * @throws RespProtocolException with {@code error} as its message when it is not such a number
     */
    static long string2ll(byte[] a, int from, int to, String error) throws RespProtocolException {
        int n = to - from;
        if (n <= 0 || n > 20) {
            throw new RespProtocolException(error);
        }
        int i = from;
        boolean negative = a[i] == '-';
        if (negative && ++i == to) {
            throw new RespProtocolException(error);
        }
        int first = a[i++] - '0';
        if (first < 1 || first > 9) {
            if (first == 0 && n == 1) {
                return 0;
            }
            throw new RespProtocolException(error); // a leading zero, "-0", '+', a space...
        }
        long v = first;
        if (to - i <= 17) { // 18 digits at most: no overflow possible, so none to check for
            for (; i < to; i++) {
                int d = a[i] - '0';
                if (d < 0 || d > 9) {
                    throw new RespProtocolException(error);
                }
                v = v * 10 + d;
            }
            return negative ? -v : v;
        }
        v = -v; // accumulated as a negative number, so that Long.MIN_VALUE fits
        for (; i < to; i++) {
            int d = a[i] - '0';
            if (d < 0 || d > 9 || v < (Long.MIN_VALUE + d) / 10) {
                throw new RespProtocolException(error);
            }
            v = v * 10 - d;
        }
        if (!negative && v == Long.MIN_VALUE) {
            throw new RespProtocolException(error);
        }
        return negative ? v : -v;
    }
}
