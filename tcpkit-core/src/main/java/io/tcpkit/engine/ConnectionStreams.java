package io.tcpkit.engine;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** Stream views of a connection, for handlers that want java.io streams. Owner thread only. */
final class ConnectionStreams {
    private ConnectionStreams() {
    }

    static final class In extends InputStream {
        private final ConnectionImpl conn;

        In(ConnectionImpl conn) {
            this.conn = conn;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return conn.read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return conn.read(b, off, len);
        }

        @Override
        public int available() {
            return conn.input().readable();
        }
    }

    static final class Out extends OutputStream {
        private final ConnectionImpl conn;

        Out(ConnectionImpl conn) {
            this.conn = conn;
        }

        @Override
        public void write(int b) throws IOException {
            conn.write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            conn.write(b, off, len);
        }

        @Override
        public void flush() throws IOException {
            conn.flush();
        }
    }
}
