package io.tcpkit.engine;

import io.tcpkit.RejectReason;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.Socket;
import java.util.concurrent.Semaphore;

/**
 * Tells a refused client why, then closes. Each refusal runs on a short-lived virtual thread
 * (write the line, FIN, briefly discard input so the close doesn't turn into a reset that eats
 * the line). At most {@link #MAX_IN_FLIGHT} at once: past that, in a connect flood, the socket is
 * closed with no message rather than spending more on clients the server cannot serve.
 */
final class Rejector {
    private static final System.Logger LOG = System.getLogger(Rejector.class.getName());
    static final int MAX_IN_FLIGHT = 64;

    private final EngineServer server;
    private final Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);
    private final LogThrottle log = new LogThrottle(10_000);

    Rejector(EngineServer server) {
        this.server = server;
    }

    void reject(Socket socket, RejectReason reason) {
        server.counters().rejected(reason);
        java.net.InetSocketAddress from = (java.net.InetSocketAddress) socket.getRemoteSocketAddress();
        server.observer().rejected(from, reason);
        log(from, reason, null);
        // A TLS client would read a plain-text line as a broken handshake: just close.
        byte[] message = server.serverTls() != null ? null : server.rejectionMessage(reason).orElse(null);
        if (message == null || !inFlight.tryAcquire()) {
            Listener.closeQuietly(socket);
            return;
        }
        try {
            Thread.ofVirtual().name("tcpkit-reject-" + server.service()).start(() -> {
                try {
                    socket.setSoLinger(false, 0);
                    socket.getOutputStream().write(message);
                    socket.shutdownOutput();
                    ConnectionTask.discardInput(socket);
                } catch (IOException e) {
                    // The client left first.
                } finally {
                    Listener.closeQuietly(socket);
                    inFlight.release();
                }
            });
        } catch (RuntimeException | OutOfMemoryError e) {
            inFlight.release();
            Listener.closeQuietly(socket);
        }
    }

    /** Logs a refusal, at most once per 10 s per listener (with a count of the rest). */
    void log(java.net.InetSocketAddress from, RejectReason reason, String detail) {
        log.log(LOG, Level.WARNING, n -> server + ": refused " + EngineServer.format(from) + ": " + reason
                + (detail == null ? "" : " (" + detail + ")")
                + (n > 0 ? "; " + n + " more refusals since the last report" : ""));
    }

    /** Waits (bounded) for refusals in progress, so shutdown leaves no thread behind. */
    void awaitIdle(long deadlineNanos) throws InterruptedException {
        long left = deadlineNanos - System.nanoTime();
        if (left > 0 && inFlight.tryAcquire(MAX_IN_FLIGHT, left, java.util.concurrent.TimeUnit.NANOSECONDS)) {
            inFlight.release(MAX_IN_FLIGHT);
        }
    }
}
