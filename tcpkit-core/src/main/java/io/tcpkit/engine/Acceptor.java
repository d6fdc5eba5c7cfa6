package io.tcpkit.engine;

import io.tcpkit.CloseReason;
import io.tcpkit.RejectReason;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;

/**
 * The accept loop, on one named platform thread per listener. It admits a connection (global and
 * per-address permits), registers it, and starts it: on a thread when it has a prelude or a
 * greeting to run, else straight into the {@link Reactor} to wait for its first request with no
 * thread. Over a limit it hands the socket to the {@link Rejector}. Accept errors such as "too many
 * open files" are logged and retried with a growing pause (10 ms to 1 s); the loop ends only when
 * the listener is stopped.
 */
final class Acceptor implements Runnable {
    private static final System.Logger LOG = System.getLogger(Acceptor.class.getName());
    private static final long MIN_BACKOFF_MS = 10;
    private static final long MAX_BACKOFF_MS = 1000;

    private final EngineServer server;
    private final ServerSocketChannel serverChannel;
    private final Thread thread;
    private final LogThrottle acceptErrorLog = new LogThrottle(10_000);
    private volatile boolean stopped;

    Acceptor(EngineServer server, ServerSocketChannel serverChannel) {
        this.server = server;
        this.serverChannel = serverChannel;
        this.thread = Thread.ofPlatform()
                .name("tcpkit-accept-" + server.service() + "-" + server.port())
                .unstarted(this);
    }

    void start() {
        thread.start();
    }

    /** Closes the listening socket (the port is free on return) and waits for the loop to end. */
    void stop() throws InterruptedException {
        stopped = true;
        try {
            serverChannel.close();
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "closing listener: {0}", e);
        }
        thread.join();
    }

    @Override
    public void run() {
        long backoffMs = 0;
        while (!stopped) {
            SocketChannel channel;
            try {
                channel = serverChannel.accept();
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
            admit(channel);
        }
    }

    private void admit(SocketChannel channel) {
        InetSocketAddress peer;
        try {
            peer = (InetSocketAddress) channel.getRemoteAddress();
        } catch (IOException e) {
            peer = null; // reset between accept and here
        }
        if (!server.registry().tryAdmitGlobal()) {
            server.rejector().reject(channel, peer, RejectReason.MAX_CONNECTIONS);
            return;
        }
        boolean proxied = server.spec().proxyProtocol() != null;
        InetAddress address = peer == null ? null : peer.getAddress();
        // Behind a PROXY header the real address is known only later, on the connection's thread.
        if (!proxied && address != null) {
            RejectReason rejected = server.admission().admit(address);
            if (rejected != null) {
                server.registry().releaseGlobal();
                server.rejector().reject(channel, peer, rejected);
                return;
            }
        }
        ConnectionImpl conn = new ConnectionImpl(ConnectionRegistry.nextId(), server, channel,
                peer != null ? peer : new InetSocketAddress(0));
        if (!proxied && address != null) {
            conn.admittedAddress(address);
        }
        server.registry().add(conn);
        try {
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            channel.setOption(StandardSocketOptions.SO_KEEPALIVE, true);
        } catch (IOException e) {
            // Reset between accept and here: nothing to serve, but it ends as every connection does.
            conn.recordReason(CloseReason.IO_ERROR);
            conn.end();
            return;
        }
        if (server.startsWithoutThread()) {
            conn.in().startedWaiting(server.clock());
            if (conn.openIdle()) {
                server.reactor().park(conn);
                return;
            }
            conn.end(); // closed before it could wait: a kill raced the accept
            return;
        }
        Turns.start(conn);
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
}
