package io.tcpkit.engine;

import io.tcpkit.CloseReason;
import io.tcpkit.ConnectionTimeoutException;
import io.tcpkit.RequestHandler;
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
    /** A wait this long marks a request-handler connection as quiet (see serveRequests). */
    static final long QUIET_NANOS = java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(50);

    private final ConnectionImpl conn;
    private final EngineServer server;
    /** Whether this thread carries on a connection that waited in the idler (no prelude then). */
    private final boolean resumed;

    ConnectionTask(ConnectionImpl conn, EngineServer server) {
        this(conn, server, false);
    }

    private ConnectionTask(ConnectionImpl conn, EngineServer server, boolean resumed) {
        this.conn = conn;
        this.server = server;
        this.resumed = resumed;
    }

    /** Starts a new virtual thread for a connection coming back from the idler. */
    static void resume(ConnectionImpl conn, EngineServer server) {
        Thread thread = Thread.ofVirtual().name(conn.toString()).unstarted(new ConnectionTask(conn, server, true));
        conn.bindOwner(thread);
        try {
            thread.start();
        } catch (OutOfMemoryError | RuntimeException e) {
            LOG.log(Level.ERROR, server + ": cannot start a connection thread", e);
            conn.recordReason(CloseReason.SERVER_CLOSED);
            conn.closeSocket();
            server.connectionEnded(conn);
        }
    }

    @Override
    public void run() {
        boolean handedOver = false;
        try {
            if (resumed) {
                if (conn.closeReason() != null) {
                    return; // closed or killed while it waited
                }
                if (conn.idleExpired) {
                    throw new ConnectionTimeoutException(CloseReason.IDLE_TIMEOUT);
                }
            } else if (!Prelude.run(conn, server)) {
                return;
            } else {
                server.observer().opened(conn.info());
            }
            if (server.requestHandler() != null) {
                if (serveRequests(server.requestHandler())) {
                    handedOver = true;
                    return;
                }
            } else {
                server.handler().handle(conn);
            }
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
            if (!handedOver) {
                end();
            }
        }
    }

    /**
     * Serves requests while they come; true when the connection went quiet and was handed to
     * the idler (this thread then ends), false when the handler ended the conversation.
     *
     * <p>Only a quiet connection (its last wait, in the idler or not, was {@link #QUIET_NANOS}
     * or more) waits with the release grace, because a timed wait costs a timer each
     * time; a busy one waits untimed and keeps its thread until its next request.
     */
    private boolean serveRequests(RequestHandler handler) throws IOException, InterruptedException {
        long grace = server.releaseIdleAfterNanos();
        boolean quiet = false;
        // A thread that comes from the idler treats its first wait as quiet: a client that
        // connects, asks once and goes quiet (a pool, an idle session) then gives it back.
        boolean firstTurn = resumed;
        long waitStarted = resumed ? conn.waitedWithoutThreadSince() : System.nanoTime();
        while (true) {
            boolean release = quiet && conn.canWaitWithoutThread();
            if (!conn.awaitRequest(release ? grace : 0)) {
                if (conn.canWaitWithoutThread() && conn.waitWithoutThread()) {
                    return true;
                }
                continue;
            }
            quiet = firstTurn || System.nanoTime() - waitStarted >= QUIET_NANOS;
            firstTurn = false;
            long consumed = conn.consumedBytes();
            if (!handler.serve(conn)) {
                return false;
            }
            conn.endTurn();
            if (conn.input().readable() > 0 && conn.consumedBytes() == consumed) {
                // The handler took nothing of what is buffered: it needs more of a frame. Read
                // it here, under the frame's read timeout, rather than call it again at once.
                conn.input().fill();
            }
            waitStarted = System.nanoTime();
        }
    }

    /** Every exit path: close the socket once, stop the outbound writer, return the permits. */
    private void end() {
        conn.closeSocket();
        try {
            conn.closeOutbound();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        server.connectionEnded(conn);
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
