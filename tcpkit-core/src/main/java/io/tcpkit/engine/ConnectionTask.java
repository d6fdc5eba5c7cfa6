package io.tcpkit.engine;

import io.tcpkit.CloseReason;
import io.tcpkit.ConnectionTimeoutException;
import io.tcpkit.codec.FrameTooLongException;

import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;

/**
 * The life of one connection on its own virtual thread: run the handler, map how it ended to a
 * {@link CloseReason}, close the socket once, and hand the connection back to the server, which
 * releases its permits. Every exit path goes through the {@code finally} here.
 */
final class ConnectionTask implements Runnable {
    private static final System.Logger LOG = System.getLogger(ConnectionTask.class.getName());
    /** After a graceful close, how long to read and discard what the peer still sends. */
    static final Duration LINGER = Duration.ofSeconds(2);
    private static final int LINGER_MAX_BYTES = 256 * 1024;

    private final ConnectionImpl conn;
    private final EngineServer server;

    ConnectionTask(ConnectionImpl conn, EngineServer server) {
        this.conn = conn;
        this.server = server;
    }

    @Override
    public void run() {
        try {
            if (!Prelude.run(conn, server)) {
                return;
            }
            server.handler().handle(conn);
            conn.close(conn.sawPeerEof() ? CloseReason.PEER_CLOSED
                    : conn.sawDrainEof() || server.isDraining() ? CloseReason.SHUTDOWN
                    : CloseReason.SERVER_CLOSED);
        } catch (ConnectionTimeoutException e) {
            conn.recordReason(e.reason());
        } catch (FrameTooLongException e) {
            conn.recordReason(CloseReason.FRAME_TOO_LONG);
        } catch (IOException e) {
            conn.recordReason(CloseReason.IO_ERROR);
            LOG.log(Level.DEBUG, () -> conn + ": " + e);
        } catch (InterruptedException e) {
            conn.recordReason(server.isDraining() ? CloseReason.SHUTDOWN_FORCED : CloseReason.SERVER_CLOSED);
            LOG.log(Level.DEBUG, () -> conn + ": handler interrupted");
        } catch (RuntimeException e) {
            conn.recordReason(CloseReason.HANDLER_ERROR);
            LOG.log(Level.WARNING, conn + ": handler failed", e);
        } finally {
            conn.closeSocket();
            try {
                conn.closeOutbound();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            server.connectionEnded(conn);
        }
    }

    /**
     * Flushes, sends FIN, then reads and discards what the peer still sends for a moment before
     * closing. Closing with unread input makes the kernel send RST, which can destroy the last
     * replies before the peer reads them; lingering lets them arrive.
     */
    static void closeGracefully(ConnectionImpl conn) {
        try {
            conn.shutdownOutput();
            if (!conn.sawPeerEof()) {
                discardInput(conn.socket());
            }
        } catch (IOException e) {
            // The peer is gone already; nothing is owed.
        } finally {
            conn.closeSocket();
        }
    }

    static void discardInput(Socket socket) throws IOException {
        long deadline = System.nanoTime() + LINGER.toNanos();
        InputStream in = socket.getInputStream();
        byte[] sink = new byte[512];
        int total = 0;
        try {
            while (total < LINGER_MAX_BYTES) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                socket.setSoTimeout((int) Math.max(1, left / 1_000_000));
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
}
