package io.tcpkit.proxy;

import io.tcpkit.AccessRules;
import io.tcpkit.Cidr;
import io.tcpkit.CloseReason;
import io.tcpkit.ConnectionHandler;
import io.tcpkit.Limits;
import io.tcpkit.RejectReason;
import io.tcpkit.TcpServer;
import io.tcpkit.testing.Await;
import io.tcpkit.testing.Net;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A listener that requires the PROXY protocol, with raw sockets playing the proxy: the handler
 * sees the real client's address, the client's first bytes survive, and anything that is not a
 * complete valid header from a trusted proxy in time is closed before the service runs.
 */
@Timeout(60)
class ProxyProtocolServerTest {
    private static final Duration HEADER_TIMEOUT = Duration.ofMillis(500);
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final List<Cidr> LOOPBACK = List.of(Cidr.parse("127.0.0.0/8"));

    /** Says who the client is ("ip port"), then echoes. */
    static final ConnectionHandler WHO_THEN_ECHO = conn -> {
        InetSocketAddress a = conn.remoteAddress();
        conn.write(a.getAddress().getHostAddress() + " " + a.getPort() + "\n");
        Net.ECHO.handle(conn);
    };

    @AutoClose
    private TcpServer server;

    private int start(ProxyProtocolConfig config, Limits limits, AccessRules access) throws IOException {
        server = TcpServer.builder().port(0).service("proxied").handler(WHO_THEN_ECHO)
                .proxyProtocol(config).limits(limits).access(access).start();
        return server.port();
    }

    private int start() throws IOException {
        return start(new ProxyProtocolConfig(LOOPBACK, HEADER_TIMEOUT), Limits.DEFAULT, AccessRules.OPEN);
    }

    private static void write(Socket s, byte[] b) throws IOException {
        s.getOutputStream().write(b);
        s.getOutputStream().flush();
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = new byte[a.length + b.length];
        System.arraycopy(a, 0, c, 0, a.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    private void awaitRejected(RejectReason reason, long n) {
        Await.until(n + " x " + reason, WAIT, () -> server.stats().rejected().get(reason) == n);
        Await.until("nothing left open", WAIT, () -> server.stats().open() == 0);
    }

    static byte[] v2Tcp4(String src, int sport, String dst, int dport) throws IOException {
        return ByteBuffer.allocate(28).put(ProxyProtocol.V2_SIGNATURE).put((byte) 0x21).put((byte) 0x11)
                .putShort((short) 12).put(InetAddress.getByName(src).getAddress())
                .put(InetAddress.getByName(dst).getAddress()).putShort((short) sport).putShort((short) dport).array();
    }

    @Test
    void v1HeaderGivesTheHandlerTheRealClientAndTheDataInTheSamePacketIsKept() throws Exception {
        int port = start();
        try (Socket s = Net.connect(port)) {
            write(s, ascii("PROXY TCP4 203.0.113.7 127.0.0.1 40000 7000\r\nhello in the same packet"));
            assertThat(Net.read(s, "203.0.113.7 40000\n".length() + 24))
                    .isEqualTo("203.0.113.7 40000\nhello in the same packet");
            write(s, ascii(" and after"));
            assertThat(Net.read(s, 10)).isEqualTo(" and after");
            assertThat(server.connections()).singleElement()
                    .satisfies(c -> assertThat(c.remoteAddress()).isEqualTo(new InetSocketAddress("203.0.113.7", 40000)));
        }
    }

    @Test
    void v1HeaderDribbledByteByByteThenData() throws Exception {
        int port = start();
        try (Socket s = Net.connect(port)) {
            for (byte b : ascii("PROXY TCP6 2001:db8::7 ::1 4242 7000\r\n")) {
                write(s, new byte[] {b});
            }
            assertThat(Net.readLine(s)).isEqualTo("2001:db8:0:0:0:0:0:7 4242\n");
            write(s, new byte[] {0, (byte) 0xff, '\n'});
            assertThat(s.getInputStream().readNBytes(3)).isEqualTo(new byte[] {0, (byte) 0xff, '\n'});
        }
    }

    @Test
    void v2HeaderWithTlvsAndDataInTheSamePacket() throws Exception {
        int port = start();
        byte[] tlv = {0x04, 0x00, 0x03, 1, 2, 3}; // PP2_TYPE_NOOP, 3 bytes
        ByteBuffer h = ByteBuffer.allocate(16 + 12 + tlv.length).put(ProxyProtocol.V2_SIGNATURE).put((byte) 0x21)
                .put((byte) 0x11).putShort((short) (12 + tlv.length))
                .put(new byte[] {(byte) 198, 51, 100, 20}).put(new byte[] {127, 0, 0, 1})
                .putShort((short) 61000).putShort((short) 7000).put(tlv);
        try (Socket s = Net.connect(port)) {
            write(s, concat(h.array(), ascii("v2 data")));
            assertThat(Net.read(s, "198.51.100.20 61000\n".length() + 7)).isEqualTo("198.51.100.20 61000\nv2 data");
        }
    }

    @Test
    void unknownAndLocalHeadersKeepTheProxysOwnAddress() throws Exception {
        int port = start();
        try (Socket s = Net.connect(port)) {
            write(s, ascii("PROXY UNKNOWN\r\nx"));
            assertThat(Net.read(s, ("127.0.0.1 " + s.getLocalPort() + "\nx").length()))
                    .isEqualTo("127.0.0.1 " + s.getLocalPort() + "\nx");
        }
        try (Socket s = Net.connect(port)) {
            byte[] local = ByteBuffer.allocate(16).put(ProxyProtocol.V2_SIGNATURE).put((byte) 0x20).put((byte) 0)
                    .putShort((short) 0).array();
            write(s, local);
            assertThat(Net.readLine(s)).isEqualTo("127.0.0.1 " + s.getLocalPort() + "\n");
        }
    }

    @Test
    void aConnectionWithoutAHeaderIsClosedWithoutRunningTheService() throws Exception {
        int port = start();
        try (Socket s = Net.connect(port)) {
            write(s, ascii("hello, no header\r\n"));
            assertThat(Net.readUntilClosed(s)).isEmpty();
        }
        awaitRejected(RejectReason.BAD_PROXY_HEADER, 1);
        // A refusal is counted once, as a refusal: accepted = refused + closed + open.
        assertThat(server.stats().closedTotal()).isZero();
        assertThat(server.stats().accepted()).isEqualTo(1);
    }

    @Test
    void garbageIsClosed() throws Exception {
        int port = start();
        byte[] garbage = new byte[300];
        new Random(5).nextBytes(garbage);
        garbage[0] = 'P'; // looks like v1 for one byte
        try (Socket s = Net.connect(port)) {
            write(s, garbage);
            assertThat(Net.readUntilClosed(s)).isEmpty();
        }
        awaitRejected(RejectReason.BAD_PROXY_HEADER, 1);
    }

    @Test
    void anOverlongV1LineIsClosedWithoutWaitingForItsEnd() throws Exception {
        int port = start(ProxyProtocolConfig.trusting(LOOPBACK), Limits.DEFAULT, AccessRules.OPEN); // 5 s timeout
        try (Socket s = Net.connect(port)) {
            s.setSoTimeout(3000); // well under the header timeout: the length alone decides
            write(s, ascii("PROXY TCP4 " + "1".repeat(100)));
            assertThat(Net.readUntilClosed(s)).isEmpty();
        }
        awaitRejected(RejectReason.BAD_PROXY_HEADER, 1);
    }

    @Test
    void aSilentOrSlowProxyIsClosedAtTheHeaderDeadline() throws Exception {
        int port = start();
        try (Socket silent = Net.connect(port); Socket slow = Net.connect(port)) {
            long start = System.nanoTime();
            write(slow, ascii("PROXY TCP4 "));
            // A byte every 100 ms: each in time, the whole header never.
            byte[] rest = ascii("203.0.113.7 127.0.0.1 40000 7000\r\n");
            slow.setSoTimeout(100);
            boolean closed = false;
            for (int i = 0; i < rest.length && !closed; i++) {
                try {
                    closed = slow.getInputStream().read() < 0;
                } catch (SocketTimeoutException e) {
                    try {
                        write(slow, new byte[] {rest[i]});
                    } catch (IOException reset) {
                        closed = true;
                    }
                } catch (IOException reset) {
                    closed = true;
                }
            }
            assertThat(closed).as("the dribbling proxy was cut off before finishing its header").isTrue();
            silent.setSoTimeout(3000);
            assertThat(Net.readUntilClosed(silent)).isEmpty();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(HEADER_TIMEOUT.minusMillis(50));
        }
        awaitRejected(RejectReason.BAD_PROXY_HEADER, 2);
    }

    @Test
    void aHeaderFromAnUntrustedSourceIsRefused() throws Exception {
        int port = start(new ProxyProtocolConfig(List.of(Cidr.parse("10.0.0.0/8")), HEADER_TIMEOUT),
                Limits.DEFAULT, AccessRules.OPEN);
        try (Socket s = Net.connect(port)) {
            write(s, ascii("PROXY TCP4 203.0.113.7 127.0.0.1 40000 7000\r\nhello"));
            assertThat(Net.readUntilClosed(s)).isEmpty();
        }
        awaitRejected(RejectReason.BAD_PROXY_HEADER, 1);
        assertThat(server.stats().closed().get(CloseReason.PEER_CLOSED)).as("the service never ran").isZero();
    }

    @Test
    void perAddressLimitsCountTheRealClientNotTheProxy() throws Exception {
        int port = start(new ProxyProtocolConfig(LOOPBACK, HEADER_TIMEOUT),
                Limits.DEFAULT.withMaxConnectionsPerAddress(1), AccessRules.OPEN);
        try (Socket first = Net.connect(port); Socket other = Net.connect(port)) {
            write(first, ascii("PROXY TCP4 203.0.113.7 127.0.0.1 40000 7000\r\n"));
            assertThat(Net.readLine(first)).isEqualTo("203.0.113.7 40000\n");
            write(other, ascii("PROXY TCP4 203.0.113.8 127.0.0.1 40001 7000\r\n"));
            assertThat(Net.readLine(other)).as("another client behind the same proxy").isEqualTo("203.0.113.8 40001\n");

            try (Socket second = Net.connect(port)) {
                write(second, ascii("PROXY TCP4 203.0.113.7 127.0.0.1 40002 7000\r\n"));
                assertThat(Net.readToEnd(second)).isEqualTo("ERR too many connections from your address\r\n");
            }
            awaitRejectedOnly(RejectReason.MAX_CONNECTIONS_PER_ADDRESS, 1);
            assertThat(Net.roundTrip(first, "still here")).isEqualTo("still here");
        }
        // Both gone: the address's slot is free again.
        Await.until("all closed", WAIT, () -> server.stats().open() == 0);
        try (Socket again = Net.connect(port)) {
            write(again, ascii("PROXY TCP4 203.0.113.7 127.0.0.1 40003 7000\r\n"));
            assertThat(Net.readLine(again)).isEqualTo("203.0.113.7 40003\n");
        }
    }

    private void awaitRejectedOnly(RejectReason reason, long n) {
        Await.until(n + " x " + reason, WAIT, () -> server.stats().rejected().get(reason) == n);
    }

    @Test
    void accessRulesApplyToTheRealClient() throws Exception {
        int port = start(new ProxyProtocolConfig(LOOPBACK, HEADER_TIMEOUT), Limits.DEFAULT,
                new AccessRules(List.of(), List.of(Cidr.parse("203.0.113.0/24")), 0, 0));
        try (Socket denied = Net.connect(port)) {
            write(denied, ascii("PROXY TCP4 203.0.113.7 127.0.0.1 40000 7000\r\n"));
            assertThat(Net.readToEnd(denied)).isEqualTo("ERR access denied\r\n");
        }
        try (Socket allowed = Net.connect(port)) {
            write(allowed, ascii("PROXY TCP4 198.51.100.1 127.0.0.1 40000 7000\r\n"));
            assertThat(Net.readLine(allowed)).isEqualTo("198.51.100.1 40000\n");
        }
        assertThat(server.stats().rejected().get(RejectReason.DENIED)).isEqualTo(1);
    }
}
