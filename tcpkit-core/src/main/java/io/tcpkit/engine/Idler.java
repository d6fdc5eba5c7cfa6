package io.tcpkit.engine;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

/**
 * Where idle {@link io.tcpkit.RequestHandler} connections wait with no thread: one Selector on
 * one platform thread per listener. A connection that has been quiet for the release time is
 * handed over by its own thread, which then ends; when the client speaks (or closes), the idler
 * starts a new virtual thread that carries on serving it. An idle connection then costs its
 * socket and a few small objects instead of a parked thread's stack.
 *
 * <p>Only idle transitions come here; a busy connection never touches the selector. All
 * selector work happens on the idler's thread: other threads queue a request and wake it.
 * The idler also enforces the idle timeout of the connections it holds, and hands every one
 * back at once when the server drains.
 *
 * <p>A channel must be non-blocking while registered, and registered with no selector to be
 * blocking again; so a resumed connection's key is cancelled and flushed (a {@code selectNow})
 * before its channel goes back to blocking mode and its new thread starts.
 */
final class Idler implements Runnable {
    private static final System.Logger LOG = System.getLogger(Idler.class.getName());
    /** Longest sleep between idle-timeout checks. */
    private static final long MAX_TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(250);

    private final EngineServer server;
    private final Selector selector;
    private final Thread thread;
    private final ConcurrentLinkedQueue<ConnectionImpl> parkRequests = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<ConnectionImpl> resumeRequests = new ConcurrentLinkedQueue<>();
    private final long idleTimeoutNanos;
    private final long tickNanos;
    private volatile boolean resumeAllRequested;
    private volatile boolean stopped;

    Idler(EngineServer server) {
        this.server = server;
        try {
            this.selector = Selector.open();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot open a selector", e);
        }
        this.idleTimeoutNanos = server.limits().idleTimeout().toNanos();
        this.tickNanos = idleTimeoutNanos == 0 ? MAX_TICK_NANOS : Math.clamp(idleTimeoutNanos / 4,
                TimeUnit.MILLISECONDS.toNanos(10), MAX_TICK_NANOS);
        this.thread = Thread.ofPlatform().daemon().name("tcpkit-idler-" + server.service()).unstarted(this);
    }

    void start() {
        thread.start();
    }

    /**
     * Ends the idler thread; called once every connection has ended, or after a forced close,
     * in which case what still waits here is closed and ended by the idler thread on its way out.
     */
    void stop() {
        stopped = true;
        selector.wakeup();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            selector.close();
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "closing the idler's selector: {0}", e);
        }
    }

    /**
     * Takes over an idle connection from its thread, which must end right after without touching
     * the connection again; false (and nothing taken) once the idler has stopped. The connection
     * must be {@link ConnectionImpl#canWaitWithoutThread able}.
     */
    boolean park(ConnectionImpl conn) {
        if (stopped) {
            return false;
        }
        parkRequests.add(conn);
        selector.wakeup();
        return true;
    }

    /** Hands a connection that was closed or killed while waiting back to a thread, to end it. */
    void resume(ConnectionImpl conn) {
        resumeRequests.add(conn);
        selector.wakeup();
    }

    /** The server is draining: every waiting connection gets a thread, which sees the drain. */
    void resumeAll() {
        resumeAllRequested = true;
        selector.wakeup();
    }

    @Override
    public void run() {
        List<ConnectionImpl> toStart = new ArrayList<>();
        long nextTick = System.nanoTime() + tickNanos;
        try {
            loop(toStart, nextTick);
        } finally {
            stopped = true; // also when the thread dies of an Error: no park is taken any more
            endLeftovers();
        }
    }

    private void loop(List<ConnectionImpl> toStart, long firstTick) {
        long nextTick = firstTick;
        while (!stopped) {
            try {
                long wait = nextTick - System.nanoTime();
                if (wait > 0) {
                    selector.select(key -> takeBack(key, toStart), Math.max(1, TimeUnit.NANOSECONDS.toMillis(wait)));
                }
                takeRequests(toStart);
                if (resumeAllRequested || server.isDraining()) {
                    for (SelectionKey key : selector.keys()) {
                        takeBack(key, toStart);
                    }
                }
                long now = System.nanoTime();
                if (now - nextTick >= 0) {
                    nextTick = now + tickNanos;
                    expireIdle(now, toStart);
                }
                if (!toStart.isEmpty()) {
                    // Deregisters the cancelled keys; keys that turn ready meanwhile are taken too.
                    int before;
                    do {
                        before = toStart.size();
                        selector.selectNow(key -> takeBack(key, toStart));
                    } while (toStart.size() != before);
                    while (!toStart.isEmpty()) {
                        start(toStart.removeLast()); // removed first: never started twice
                    }
                }
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.ERROR, server + ": idler failed; carrying on", e);
            }
        }
    }

    /**
     * After a forced close the idler may stop with connections still waiting or queued: they
     * have no thread to end them, so it ends them here, as forced closes. (After a normal drain
     * there are none: every waiting connection was resumed.)
     */
    private void endLeftovers() {
        List<ConnectionImpl> left = new ArrayList<>();
        for (SelectionKey key : selector.keys()) {
            takeBack(key, left);
        }
        ConnectionImpl conn;
        while ((conn = parkRequests.poll()) != null) {
            left.add(conn);
        }
        resumeRequests.clear();
        for (ConnectionImpl c : left) {
            c.recordReason(io.tcpkit.CloseReason.SHUTDOWN_FORCED);
            c.closeSocket();
            server.connectionEnded(c);
        }
    }

    private void takeRequests(List<ConnectionImpl> toStart) {
        ConnectionImpl conn;
        while ((conn = parkRequests.poll()) != null) {
            if (conn.closeReason() != null || server.isDraining()) {
                toStart.add(conn); // closed, or the drain began, while it was being handed over
                continue;
            }
            SocketChannel channel = conn.channel();
            try {
                channel.configureBlocking(false);
                conn.idleKey = channel.register(selector, SelectionKey.OP_READ, conn);
            } catch (IOException | RuntimeException e) {
                // Closed meanwhile, most likely: its new thread finds out and ends it.
                ConnectionImpl failed = conn;
                LOG.log(Level.DEBUG, () -> failed + ": cannot wait in the selector: " + e);
                toStart.add(conn);
            }
        }
        while ((conn = resumeRequests.poll()) != null) {
            SelectionKey key = conn.idleKey;
            if (key != null) {
                takeBack(key, toStart);
            }
            // No key: it was never registered (a park request will see it closed) or is back already.
        }
    }

    private void expireIdle(long now, List<ConnectionImpl> toStart) {
        if (idleTimeoutNanos == 0) {
            return;
        }
        for (SelectionKey key : selector.keys()) {
            if (key.attachment() instanceof ConnectionImpl conn && key.isValid()
                    && now - conn.lastActivityNanos() >= idleTimeoutNanos) {
                conn.idleExpired = true;
                takeBack(key, toStart);
            }
        }
    }

    private static void takeBack(SelectionKey key, List<ConnectionImpl> toStart) {
        ConnectionImpl conn = (ConnectionImpl) key.attachment();
        if (conn.idleKey == key) {
            conn.idleKey = null;
            key.cancel();
            toStart.add(conn);
        }
    }

    /** Blocking mode again (the key is flushed), then a new thread carries on with the connection. */
    private void start(ConnectionImpl conn) {
        try {
            conn.channel().configureBlocking(true);
        } catch (IOException e) {
            // Closed meanwhile: the new thread finds out and ends the connection.
        }
        conn.resumeOnNewThread();
    }
}
