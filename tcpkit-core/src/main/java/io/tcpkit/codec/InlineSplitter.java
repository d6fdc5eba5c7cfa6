package io.tcpkit.codec;

/**
 * Splits an inline request ({@code SET k "a b"}) into arguments as Redis's {@code sdssplitargs}
 * does: words split by blanks; "double quotes" with {@code \n}, {@code \xHH} and other escapes;
 * 'single quotes' with {@code \'}; a closing quote must be followed by a blank or the end. The
 * unquoted bytes go into the reader's scratch array and their spans into the reader, so that
 * splitting allocates nothing and this class holds no state.
 */
final class InlineSplitter {
    private static final String UNBALANCED = "unbalanced quotes in request";

    private InlineSplitter() {
    }

    /**
     * Splits {@code a[from, to)} into {@code scratch}, which is at least {@code to - from} long (an
     * argument never grows when unquoted), adding each argument's span to {@code into}.
     */
    static void split(byte[] a, int from, int to, byte[] scratch, RespReader into) throws RespProtocolException {
        int out = 0;
        int i = from;
        while (true) {
            while (i < to && isBlank(a[i])) {
                i++;
            }
            if (i >= to) {
                return;
            }
            int argStart = out;
            boolean inDouble = false;
            boolean inSingle = false;
            boolean done = false;
            while (!done) {
                if ((inDouble || inSingle) && i >= to) {
                    throw new RespProtocolException(UNBALANCED);
                }
                if (inDouble) {
                    byte c = a[i];
                    if (c == '\\' && i + 3 < to && a[i + 1] == 'x' && isHex(a[i + 2]) && isHex(a[i + 3])) {
                        scratch[out++] = (byte) (hex(a[i + 2]) * 16 + hex(a[i + 3]));
                        i += 3;
                    } else if (c == '\\' && i + 1 < to) {
                        i++;
                        scratch[out++] = switch (a[i]) {
                            case 'n' -> '\n';
                            case 'r' -> '\r';
                            case 't' -> '\t';
                            case 'b' -> '\b';
                            case 'a' -> 7;
                            default -> a[i];
                        };
                    } else if (c == '"') {
                        done = closingQuote(a, i, to);
                    } else {
                        scratch[out++] = c;
                    }
                } else if (inSingle) {
                    byte c = a[i];
                    if (c == '\\' && i + 1 < to && a[i + 1] == '\'') {
                        i++;
                        scratch[out++] = '\'';
                    } else if (c == '\'') {
                        done = closingQuote(a, i, to);
                    } else {
                        scratch[out++] = c;
                    }
                } else if (i >= to || endsWord(a[i])) {
                    done = true;
                } else if (a[i] == '"') {
                    inDouble = true;
                } else if (a[i] == '\'') {
                    inSingle = true;
                } else {
                    scratch[out++] = a[i];
                }
                if (i < to) {
                    i++;
                }
            }
            into.addArg(argStart, out - argStart);
        }
    }

    /** True for the quote at {@code a[i]}, which must be followed by a blank or the end. */
    private static boolean closingQuote(byte[] a, int i, int to) throws RespProtocolException {
        if (i + 1 < to && !isBlank(a[i + 1])) {
            throw new RespProtocolException(UNBALANCED);
        }
        return true;
    }

    /** C's isspace: what sdssplitargs skips between words and wants after a closing quote. */
    private static boolean isBlank(byte c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == 0x0b || c == '\f';
    }

    /** What ends an unquoted word in sdssplitargs: not \v and \f, which stay in the word. */
    private static boolean endsWord(byte c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\n';
    }

    private static boolean isHex(byte c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    private static int hex(byte c) {
        return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
    }
}
