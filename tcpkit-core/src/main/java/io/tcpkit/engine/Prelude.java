package io.tcpkit.engine;

import io.tcpkit.Cidr;
import io.tcpkit.CloseReason;
import io.tcpkit.RejectReason;
import io.tcpkit.proxy.ProxyHeader;
import io.tcpkit.proxy.ProxyProtocol;
import io.tcpkit.tls.ServerTls;

import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.ProtocolException;
import java.nio.ByteBuffer;

/**
 * What happens on a new connection's thread before its service sees it: the PROXY header (when the
 * listener takes one), admission of the real client address, and the TLS handshake (when the
 * listener is TLS), each held to its deadline by the connection's read {@link Deadline}. Services
 * see none of it: they get a connection whose address is the real client's and whose streams are
 * already decrypted.
 */
final class Prelude {
    private static final System.Logger LOG = System.getLogger(Prelude.class.getName());

    private Prelude() {
    }

    /** True if the service may see the connection; otherwise it was refused or failed, with a reason. */
    static boolean run(ConnectionImpl conn) throws IOException {
        EngineServer server = conn.server;
        byte[] leftover = null;
        if (server.spec().proxyProtocol() != null) {
            InetSocketAddress proxy = conn.remoteAddress();
            if (!Cidr.anyMatches(server.spec().proxyProtocol().trustedProxies(), proxy.getAddress())) {
                return refuse(conn, RejectReason.BAD_PROXY_HEADER, "not a trusted proxy");
            }
            ProxyHeader header;
            try {
                header = readProxyHeader(conn);
            } catch (IOException e) {
                return refuse(conn, RejectReason.BAD_PROXY_HEADER, e.getMessage());
            }
            if (header.source() != null) {
                conn.proxiedPeer(header.source());
                Thread.currentThread().setName(conn.toString());
            }
            leftover = header.leftover();
            RejectReason rejected = server.admission().admit(conn.remoteAddress().getAddress());
            if (rejected != null) {
                return refuse(conn, rejected, null);
            }
            conn.admittedAddress(conn.remoteAddress().getAddress());
        }
        ServerTls tls = server.spec().tls();
        if (tls == null) {
            if (leftover != null) {
                conn.in().prefix(leftover);
            }
            return true;
        }
        return handshake(conn, tls, leftover);
    }

    /** Reads the header within the PROXY timeout; what came after it is the header's leftover. */
    private static ProxyHeader readProxyHeader(ConnectionImpl conn) throws IOException {
        Deadline deadline = conn.in().deadline();
        long timeout = conn.server.spec().proxyProtocol().timeout().toNanos();
        deadline.arm(conn.server.clock(), timeout, CloseReason.REJECTED);
        byte[] buf = new byte[ProxyProtocol.MAX_HEADER_BYTES];
        ByteBuffer into = ByteBuffer.wrap(buf);
        try {
            while (true) {
                ProxyHeader header = ProxyProtocol.decode(buf, into.position());
                if (header != null) {
                    return header;
                }
                if (!into.hasRemaining()) {
                    throw new ProtocolException("PROXY header too long");
                }
                if (conn.channel.read(into) < 0) {
                    throw new ProtocolException("connection closed inside the PROXY header");
                }
            }
        } catch (IOException e) {
            if (deadline.expired() != null) {
                throw new IOException("no complete PROXY header in " + timeout / 1_000_000 + " ms");
            }
            throw e;
        } finally {
            deadline.disarm();
        }
    }

    /**
     * The TLS handshake under the handshake deadline: the sweep closes the TCP socket when it
     * passes, which fails the handshake however slowly the peer dribbles its ClientHello.
     */
    private static boolean handshake(ConnectionImpl conn, ServerTls tls, byte[] leftover) throws IOException {
        SSLSocket ssl = tls.wrap(conn.channel.socket(), leftover);
        conn.tls(ssl);
        Deadline deadline = conn.in().deadline();
        long timeout = tls.config().handshakeTimeout().toNanos();
        deadline.arm(conn.server.clock(), timeout, CloseReason.TLS_HANDSHAKE_FAILED);
        String failure = null;
        try {
            ssl.startHandshake();
        } catch (IOException e) {
            failure = e.getMessage();
        } finally {
            deadline.disarm();
        }
        if (deadline.expired() != null) {
            failure = "not completed within " + timeout / 1_000_000 + " ms";
        }
        if (failure == null) {
            return true;
        }
        String why = failure;
        conn.recordReason(CloseReason.TLS_HANDSHAKE_FAILED);
        conn.server.handshakeFailureLog().log(LOG, Level.INFO, n -> conn + ": TLS handshake failed: " + why
                + (n > 0 ? " (and " + n + " more since last report)" : ""));
        return false;
    }

    /** Refuses after accept: the reason line (plain listeners only), then a graceful close. */
    private static boolean refuse(ConnectionImpl conn, RejectReason reason, String detail) {
        EngineServer server = conn.server;
        if (!conn.recordReason(CloseReason.REJECTED)) {
            return false; // closed meanwhile (killed, forced): counted as that close, not as a refusal
        }
        server.refused(conn.remoteAddress(), reason, detail);
        if (server.spec().tls() == null && reason != RejectReason.BAD_PROXY_HEADER) {
            server.rejectionMessage(reason).ifPresent(message -> {
                try {
                    conn.channel.write(ByteBuffer.wrap(message));
                } catch (IOException e) {
                    // The client left already.
                }
            });
        }
        conn.closeGracefully();
        return false;
    }
}
