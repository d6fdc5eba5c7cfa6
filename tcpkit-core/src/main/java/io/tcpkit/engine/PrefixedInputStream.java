package io.tcpkit.engine;

import java.io.IOException;
import java.io.InputStream;

/** Replays bytes already read (past a PROXY header) before reading on from the socket. */
final class PrefixedInputStream extends InputStream {
    private final byte[] prefix;
    private final InputStream rest;
    private int position;

    PrefixedInputStream(byte[] prefix, InputStream rest) {
        this.prefix = prefix;
        this.rest = rest;
    }

    @Override
    public int read() throws IOException {
        return position < prefix.length ? prefix[position++] & 0xff : rest.read();
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (position < prefix.length) {
            int n = Math.min(len, prefix.length - position);
            System.arraycopy(prefix, position, b, off, n);
            position += n;
            return n;
        }
        return rest.read(b, off, len);
    }

    @Override
    public int available() throws IOException {
        return prefix.length - position + rest.available();
    }
}
