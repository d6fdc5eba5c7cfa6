package io.tcpkit.engine;

import io.tcpkit.CloseReason;
import io.tcpkit.RejectReason;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.TimeUnit;

/**
 * The accept loop, on one named platform thread per listener. It admits a connection (global and
 * per-address permits), registers it, and starts its virtual thread; over a limit it hands the
 * socket to the {@link Rejector}. Accept errors such as "too many open files" are logged and
 * retried with a growing pause (10 ms to 1 s); the loop ends only when the listener is stopped.
 */
final class Listener implements Runnable {
    private static final System.Logger LOG = System.getLogger(Listener.class.getName());
    private static final long MIN_BACKOFF_MS = 10;
    private static final long MAX_BACKOFF_MS = 1000;

    private final EngineServer server;
    private final ServerSocket serverSocket;
    private final Thread thread;
    private final LogThrottle acceptErrorLog = new LogThrottle(10_000);
    private volatile boolean stopped;

    Listener(EngineServer server, ServerSocket serverSocket) {
        this.server = server;
        this.serverSocket = serverSocket;
        this.thread = Thread.ofPlatform()
                .name("tcpkit-accept-" + server.service() + "-" + serverSocket.getLocalPort())
                .unstarted(this);
    }

    void start() {
        thread.start();
    }

    /** Closes the listening socket (the port is free on return) and waits for the loop to end. */
    void stop() throws InterruptedException {
        stopped = true;
        try {
            serverSocket.close();
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "closing listener: {0}", e);
        }
        thread.join();
    }

    @Override
    public void run() {
        long backoffMs = 0;
        while (!stopped) {
            Socket socket;
            try {
                socket = serverSocket.accept();
                backoffMs = 0;
            } catch (IOException e) {
                if (stopped) {
                    return;
                }
                server.counters().acceptError();
                backoffMs = Math.min(MAX_BACKOFF_MS, Math.max(MIN_BACKOFF_MS, backoffMs * 2));
                long pause = backoffMs;
                acceptErrorLog.log(LOG, Level.WARNING, n -> server + ": accept failed (" + e.getMessage()
                        + "), retrying in " + pause + " ms" + (n > 0 ? " (" + n + " more since last report)" : ""));
                if (!pause(backoffMs)) {
                    return;
                }
                continue;
            }
            server.counters().accepted();
            admit(socket);
        }
    }

    private void admit(Socket socket) {
        if (!server.registry().tryAdmitGlobal()) {
            server.rejector().reject(socket, RejectReason.MAX_CONNECTIONS);
            return;
        }
        InetAddress address = socket.getInetAddress();
        // Behind a PROXY header the real address is known only later, on the connection's thread.
        if (!server.usesProxyProtocol()) {
            RejectReason rejected = server.admission().admit(address);
            if (rejected != null) {
                server.registry().releaseGlobal();
                server.rejector().reject(socket, rejected);
                return;
            }
        }
        ConnectionImpl conn;
        try {
            socket.setTcpNoDelay(true);
            socket.setKeepAlive(true);
            conn = new ConnectionImpl(ConnectionRegistry.nextId(), server, socket);
        } catch (IOException e) {
            // Reset between accept and here: nothing to serve.
            if (!server.usesProxyProtocol()) {
                server.registry().releaseAddress(address);
            }
            server.registry().releaseGlobal();
            server.counters().closed(CloseReason.IO_ERROR); // so that accepted = refused + closed + open
            closeQuietly(socket);
            return;
        }
        if (!server.usesProxyProtocol()) {
            conn.admittedAddress(address);
        }
        server.registry().add(conn);
        if (server.requestHandler() != null && !server.usesProxyProtocol() && server.serverTls() == null) {
            server.observer().opened(conn.info()); // no prelude: it is open for its service now
            if (conn.waitWithoutThread()) {
                return; // nothing to do before the first request: it waits for it without a thread
            }
        }
        Thread thread = Thread.ofVirtual().name(conn.toString()).unstarted(new ConnectionTask(conn, server));
        conn.bindOwner(thread);
        try {
            thread.start();
        } catch (OutOfMemoryError | RuntimeException e) {
            server.registry().remove(conn);
            closeQuietly(socket);
            LOG.log(Level.ERROR, server + ": cannot start a connection thread", e);
        }
    }

    private boolean pause(long millis) {
        try {
            TimeUnit.MILLISECONDS.sleep(millis);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // Nothing more to do.
        }
    }
}
