package io.tcpkit.engine;

import io.tcpkit.RejectReason;

import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Tells a client refused at accept why, then closes. Each refusal runs on a short-lived virtual
 * thread (write the line, FIN, briefly discard input so the close doesn't turn into a reset that
 * eats the line). At most {@link #MAX_IN_FLIGHT} at once: past that, in a connect flood, the socket
 * is closed with no message rather than spending more on clients the server cannot serve.
 *
 * <p>These sockets never become connections (no permit, no deadline), so the linger here is a
 * plain timed read: a refusal is not the fast path.
 */
final class Rejector {
    static final int MAX_IN_FLIGHT = 64;
    private static final int DISCARD_MAX_BYTES = 64 * 1024;

    private final EngineServer server;
    private final Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);

    Rejector(EngineServer server) {
        this.server = server;
    }

    void reject(SocketChannel channel, InetSocketAddress from, RejectReason reason) {
        server.refused(from, reason, null);
        // A TLS client would read a plain-text line as a broken handshake: just close.
        byte[] message = server.spec().tls() != null ? null : server.rejectionMessage(reason).orElse(null);
        if (message == null || !inFlight.tryAcquire()) {
            closeQuietly(channel);
            return;
        }
        try {
            Thread.ofVirtual().name("tcpkit-reject-" + server.service()).start(() -> {
                try {
                    channel.write(ByteBuffer.wrap(message));
                    channel.shutdownOutput();
                    discardInput(channel.socket());
                } catch (IOException e) {
                    // The client left first.
                } finally {
                    closeQuietly(channel);
                    inFlight.release();
                }
            });
        } catch (RuntimeException | OutOfMemoryError e) {
            inFlight.release();
            closeQuietly(channel);
        }
    }

    /** Discards what the peer still sends, for at most the linger time and 64 KiB, whatever it trickles. */
    private static void discardInput(Socket socket) throws IOException {
        long end = System.nanoTime() + Input.LINGER_NANOS;
        InputStream in = socket.getInputStream();
        byte[] sink = new byte[512];
        int total = 0;
        try {
            while (total < DISCARD_MAX_BYTES) {
                long left = TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime());
                if (left <= 0) {
                    return;
                }
                socket.setSoTimeout((int) left);
                int n = in.read(sink);
                if (n < 0) {
                    return;
                }
                total += n;
            }
        } catch (SocketTimeoutException e) {
            // The peer kept the connection open; close it anyway.
        }
    }

    private static void closeQuietly(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // Nothing more to do.
        }
    }

    /** Waits (bounded) for refusals in progress, so shutdown leaves no thread behind. */
    void awaitIdle(long deadlineNanos) throws InterruptedException {
        long left = deadlineNanos - System.nanoTime();
        if (left > 0 && inFlight.tryAcquire(MAX_IN_FLIGHT, left, TimeUnit.NANOSECONDS)) {
            inFlight.release(MAX_IN_FLIGHT);
        }
    }
}
