package io.tcpkit.tls;

import javax.net.ssl.SSLProtocolException;
import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What a TLS server socket reads from the network, with TLS 1.2 client-initiated renegotiation
 * refused before the server parses a byte of it. A renegotiation costs the server a full
 * handshake (a signature and a key exchange) outside the handshake deadline and the connect rate
 * limit; 300 of them on one connection cost 2 s of CPU. The JDK accepts them unless the
 * process-wide {@code jdk.tls.rejectClientInitiatedRenegotiation} is set before its first
 * handshake, which a library cannot count on; this refuses them per socket.
 *
 * <p>It follows the record layer, whose headers are in the clear: after the client's
 * ChangeCipherSpec, a client sends exactly one more handshake record in TLS 1.2 (its Finished,
 * which with the AEAD suites we allow is at most {@value #MAX_FINISHED_RECORD} bytes) and none in
 * TLS 1.3 (everything is encrypted as application data), except a second ClientHello after a
 * HelloRetryRequest, which TLS 1.3 clients may send after their ChangeCipherSpec, in the clear.
 * So a handshake record after that one, or a larger one that is not a plaintext ClientHello (a
 * Finished and a renegotiating ClientHello packed into one record), is a renegotiation: reading
 * fails with an {@link SSLProtocolException}, the TLS layer sends a fatal alert, and the
 * connection ends. Owned by the connection's thread, as the socket's input is.
 */
final class RenegotiationGuard extends InputStream {
    private static final System.Logger LOG = System.getLogger(RenegotiationGuard.class.getName());
    /** An AEAD-sealed Finished: 8 bytes of explicit nonce, 4 of header, 12 of verify data, a 16-byte tag. */
    static final int MAX_FINISHED_RECORD = 40;
    private static final int CHANGE_CIPHER_SPEC = 20;
    private static final int HANDSHAKE = 22;
    private static final int CLIENT_HELLO = 1;
    private static final long LOG_INTERVAL_NANOS = 10_000_000_000L;
    private static final AtomicLong NEXT_LOG = new AtomicLong(Long.MIN_VALUE);
    private static final AtomicLong HELD_BACK = new AtomicLong();

    private final byte[] prefix;
    private int prefixAt;
    private final InputStream in;

    private final byte[] header = new byte[5];
    private int headerFill;
    private int bodyLeft;
    private int recordLength;
    private boolean sawChangeCipherSpec;
    private int handshakeRecordsAfter;
    /** The first bytes of the record being decided on (a plaintext ClientHello, or not). */
    private final byte[] peek = new byte[4];
    private int peekFill = -1;

    /** @param prefix bytes read from the socket already (after a PROXY header), or null */
    RenegotiationGuard(byte[] prefix, InputStream in) {
        this.prefix = prefix == null ? new byte[0] : prefix;
        this.in = in;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        int n;
        if (prefixAt < prefix.length) {
            n = Math.min(len, prefix.length - prefixAt);
            System.arraycopy(prefix, prefixAt, b, off, n);
            prefixAt += n;
        } else {
            n = in.read(b, off, len);
            if (n <= 0) {
                return n;
            }
        }
        inspect(b, off, n);
        return n;
    }

    /** Follows the record layer through the bytes, throwing before a renegotiation is passed on. */
    private void inspect(byte[] b, int off, int n) throws SSLProtocolException {
        int i = off;
        int end = off + n;
        while (i < end) {
            if (bodyLeft == 0) {
                header[headerFill++] = b[i++];
                if (headerFill == header.length) {
                    headerFill = 0;
                    recordLength = ((header[3] & 0xff) << 8) | (header[4] & 0xff);
                    bodyLeft = recordLength;
                    record(header[0] & 0xff);
                }
                continue;
            }
            int take = Math.min(bodyLeft, end - i);
            while (peekFill >= 0 && peekFill < peek.length && take > 0) {
                peek[peekFill++] = b[i++];
                take--;
                bodyLeft--;
            }
            if (peekFill == peek.length) {
                peekFill = -1;
                int length = ((peek[1] & 0xff) << 16) | ((peek[2] & 0xff) << 8) | (peek[3] & 0xff);
                if (peek[0] != CLIENT_HELLO || length != recordLength - 4) {
                    refuse();
                }
            }
            i += take;
            bodyLeft -= take;
        }
    }

    /** A record header, complete: counts the client's handshake records after its ChangeCipherSpec. */
    private void record(int type) throws SSLProtocolException {
        if (type == CHANGE_CIPHER_SPEC) {
            sawChangeCipherSpec = true;
        } else if (type == HANDSHAKE && sawChangeCipherSpec) {
            handshakeRecordsAfter++;
            if (handshakeRecordsAfter > 1) {
                refuse();
            } else if (recordLength > MAX_FINISHED_RECORD) {
                peekFill = 0; // only a TLS 1.3 ClientHello after a HelloRetryRequest may be this big
            }
        }
    }

    private static void refuse() throws SSLProtocolException {
        long now = System.nanoTime();
        long next = NEXT_LOG.get();
        if ((next == Long.MIN_VALUE || now - next >= 0) && NEXT_LOG.compareAndSet(next, now + LOG_INTERVAL_NANOS)) {
            long more = HELD_BACK.getAndSet(0);
            LOG.log(Level.INFO, () -> "TLS: client-initiated renegotiation refused, connection closed"
                    + (more > 0 ? " (and " + more + " more since the last report)" : ""));
        } else {
            HELD_BACK.incrementAndGet();
        }
        throw new SSLProtocolException("client-initiated renegotiation is not allowed");
    }

    @Override
    public int available() throws IOException {
        return prefixAt < prefix.length ? prefix.length - prefixAt : in.available();
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
