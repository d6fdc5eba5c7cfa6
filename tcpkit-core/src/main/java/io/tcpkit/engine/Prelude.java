package io.tcpkit.engine;

import io.tcpkit.CloseReason;
import io.tcpkit.RejectReason;
import io.tcpkit.Cidr;
import io.tcpkit.proxy.ProxyHeader;
import io.tcpkit.proxy.ProxyProtocol;
import io.tcpkit.tls.ServerTls;

import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What happens on a connection's thread before its handler: the PROXY header (when the listener
 * takes one), admission of the real client address, and the TLS handshake (when the listener is
 * TLS), each with its own deadline. Services see none of it: they get a connection whose address
 * is the real client's and whose streams are already decrypted.
 */
final class Prelude {
    private static final System.Logger LOG = System.getLogger(Prelude.class.getName());

    private Prelude() {
    }

    /** True if the handler may run; otherwise the connection has been refused or failed, with a reason. */
    static boolean run(ConnectionImpl conn, EngineServer server) throws IOException {
        Socket raw = conn.socket();
        byte[] leftover = null;
        if (server.usesProxyProtocol()) {
            InetSocketAddress proxy = (InetSocketAddress) raw.getRemoteSocketAddress();
            if (!Cidr.anyMatches(server.proxyProtocol().trustedProxies(), proxy.getAddress())) {
                return refuse(conn, server, RejectReason.BAD_PROXY_HEADER, "not a trusted proxy");
            }
            ProxyHeader header;
            try {
                header = ProxyProtocol.read(raw, server.proxyProtocol().timeout());
            } catch (IOException e) {
                return refuse(conn, server, RejectReason.BAD_PROXY_HEADER, e.getMessage());
            }
            if (header.source() != null) {
                conn.remote(header.source());
                Thread.currentThread().setName(conn.toString());
            }
            leftover = header.leftover();
            RejectReason rejected = server.admission().admit(conn.remoteAddress().getAddress());
            if (rejected != null) {
                return refuse(conn, server, rejected, null);
            }
            conn.admittedAddress(conn.remoteAddress().getAddress());
        }
        ServerTls tls = server.serverTls();
        if (tls == null) {
            if (leftover != null && leftover.length > 0) {
                conn.attach(raw, leftover);
            }
            return true;
        }
        SSLSocket ssl = tls.wrap(raw, leftover);
        conn.attach(ssl, null);
        Duration timeout = tls.config().handshakeTimeout();
        // SO_TIMEOUT bounds each read, not the handshake: a peer sending its ClientHello a byte at
        // a time would never hit it. A timer closes the TCP socket at the deadline instead, which
        // fails the handshake; whichever of the two settles first wins.
        AtomicBoolean settled = new AtomicBoolean();
        Thread deadline = Thread.ofVirtual().name(conn + " handshake deadline").start(() -> {
            try {
                Thread.sleep(timeout);
            } catch (InterruptedException e) {
                return;
            }
            if (settled.compareAndSet(false, true)) {
                Listener.closeQuietly(raw);
            }
        });
        try {
            ssl.setSoTimeout((int) Math.min(Integer.MAX_VALUE, Math.max(1, timeout.toMillis())));
            ssl.startHandshake();
            if (!settled.compareAndSet(false, true)) {
                throw new SocketTimeoutException("not completed within " + timeout.toMillis() + " ms");
            }
            ssl.setSoTimeout(0);
            return true;
        } catch (IOException e) {
            String why = settled.compareAndSet(false, true) ? e.getMessage()
                    : "not completed within " + timeout.toMillis() + " ms";
            conn.recordReason(CloseReason.TLS_HANDSHAKE_FAILED);
            server.handshakeFailureLog().log(LOG, Level.INFO, n -> conn + ": TLS handshake failed: " + why
                    + (n > 0 ? " (and " + n + " more since last report)" : ""));
            return false;
        } finally {
            deadline.interrupt();
        }
    }

    /** Refuses after accept: the reason line (plain listeners only), then a graceful close. */
    private static boolean refuse(ConnectionImpl conn, EngineServer server, RejectReason reason, String detail) {
        server.counters().rejected(reason);
        server.observer().rejected(conn.remoteAddress(), reason);
        conn.recordReason(CloseReason.REJECTED);
        server.rejector().log(conn.remoteAddress(), reason, detail);
        if (server.serverTls() == null && reason != RejectReason.BAD_PROXY_HEADER) {
            server.rejectionMessage(reason).ifPresent(message -> {
                try {
                    conn.socket().getOutputStream().write(message);
                } catch (IOException e) {
                    // The client left already.
                }
            });
        }
        ConnectionTask.closeGracefully(conn);
        return false;
    }
}
