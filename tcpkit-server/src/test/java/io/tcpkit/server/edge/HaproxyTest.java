package io.tcpkit.server.edge;

import io.tcpkit.Cidr;
import io.tcpkit.ConnectionHandler;
import io.tcpkit.Limits;
import io.tcpkit.RejectReason;
import io.tcpkit.TcpServer;
import io.tcpkit.codec.ReadBuffer;
import io.tcpkit.proxy.ProxyProtocolConfig;
import io.tcpkit.server.testing.Services;
import io.tcpkit.testing.Await;
import io.tcpkit.testing.ChildProcess;
import io.tcpkit.testing.LineClient;
import io.tcpkit.testing.Require;
import io.tcpkit.testing.RespClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real HAProxy (Debian's {@code haproxy}) in TCP mode in front of tcpkit on loopback, with
 * {@code send-proxy} and {@code send-proxy-v2}: the service sees the client's own address and
 * port (the client's local port can only have reached it through the header), and so does
 * {@code CLIENT LIST}.
 */
@Timeout(60)
class HaproxyTest {
    private static final Duration STARTUP = Duration.ofSeconds(10);

    /** Says who the client is ("ip port"), then echoes. */
    private static final ConnectionHandler WHO_THEN_ECHO = conn -> {
        InetSocketAddress a = conn.remoteAddress();
        conn.write(a.getAddress().getHostAddress() + " " + a.getPort() + "\n");
        ReadBuffer in = conn.input();
        while (in.fill() > 0) {
            conn.write(in.array(), in.readIndex(), in.readable());
            in.skip(in.readable());
        }
    };

    private static final ProxyProtocolConfig FROM_LOOPBACK = ProxyProtocolConfig.trusting(List.of(Cidr.parse("127.0.0.0/8")));

    @TempDir
    Path dir;
    private Path haproxy;
    private TcpServer server;
    private final Services services = new Services();

    @BeforeEach
    void haproxyInstalled() {
        haproxy = Require.tool("haproxy");
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        services.close();
    }

    private int start(ConnectionHandler handler) throws IOException {
        server = TcpServer.builder().port(0).service("behind-haproxy").handler(handler).proxyProtocol(FROM_LOOPBACK)
                .start();
        return server.port();
    }

    /** A running haproxy and the loopback port its frontend listens on. */
    private record Haproxy(ChildProcess process, int port) implements AutoCloseable {
        @Override
        public void close() {
            process.close();
        }
    }

    /**
     * Starts haproxy in the foreground with one frontend on a free loopback port and tcpkit as the
     * one server, and waits until the frontend accepts. {@code bind} is the address part of the
     * bind line ("127.0.0.1" or "::ffff:127.0.0.1").
     */
    private Haproxy haproxy(String bind, String sendProxy) throws Exception {
        for (int attempt = 1; ; attempt++) {
            int port;
            try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
                port = probe.getLocalPort();
            }
            Path cfg = dir.resolve("haproxy-" + attempt + ".cfg");
            Files.writeString(cfg, String.join("\n",
                    "global",
                    "    maxconn 100",
                    "defaults",
                    "    mode tcp",
                    "    timeout connect 5s",
                    "    timeout client 30s",
                    "    timeout server 30s",
                    "frontend front",
                    "    bind " + bind + ":" + port,
                    "    default_backend tcpkit",
                    "backend tcpkit",
                    "    server s1 127.0.0.1:" + server.port() + " " + sendProxy,
                    ""));
            ChildProcess process = ChildProcess.start(dir, List.of(haproxy.toString(), "-f", cfg.toString(), "-db"));
            try {
                awaitAccepting(process, port);
                return new Haproxy(process, port);
            } catch (AssertionError e) {
                process.close();
                // Someone else took the port between our probe and haproxy's bind: try another.
                if (attempt == 3 || !process.output().contains("cannot bind")) {
                    throw e;
                }
            }
        }
    }

    private static void awaitAccepting(ChildProcess haproxy, int port) {
        Await.until("haproxy to accept on " + port, STARTUP, () -> {
            if (!haproxy.process().isAlive()) {
                throw new AssertionError("haproxy exited " + haproxy.process().exitValue() + ": " + haproxy.output());
            }
            try (Socket probe = new Socket()) {
                probe.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                return true;
            } catch (IOException e) {
                return false;
            }
        });
    }


    private void throughHaproxyTheServiceSeesTheClient(String bind, String sendProxy) throws Exception {
        start(WHO_THEN_ECHO);
        try (Haproxy haproxy = haproxy(bind, sendProxy); LineClient client = LineClient.connect(haproxy.port())) {
            String who = client.readLine();
            assertThat(who).as(haproxy.process().output()).isEqualTo("127.0.0.1 " + client.localPort());
            client.sendLine("through haproxy");
            client.expectLine("through haproxy");
        }
        assertThat(server.stats().rejected().get(RejectReason.BAD_PROXY_HEADER)).isZero();
    }

    @Test
    void sendProxyV1() throws Exception {
        throughHaproxyTheServiceSeesTheClient("127.0.0.1", "send-proxy");
    }

    @Test
    void sendProxyV2() throws Exception {
        throughHaproxyTheServiceSeesTheClient("127.0.0.1", "send-proxy-v2");
    }

    @Test
    void sendProxyV1FromADualStackSocketSendsIpv4MappedTcp6Addresses() throws Exception {
        // haproxy bound on an IPv6 socket sees IPv4 clients as ::ffff:a.b.c.d and says
        // "PROXY TCP6 ::ffff:127.0.0.1 ::ffff:127.0.0.1 ...": a valid header with IPv6 literals.
        throughHaproxyTheServiceSeesTheClient("::ffff:127.0.0.1", "send-proxy");
    }

    @Test
    void clientListShowsTheAddressFromTheHeader() throws Exception {
        server = services.startCommand(Limits.DEFAULT, b -> b.proxyProtocol(FROM_LOOPBACK));
        try (Haproxy haproxy = haproxy("127.0.0.1", "send-proxy-v2"); RespClient client = RespClient.connect(haproxy.port())) {
            String list = client.inline("CLIENT LIST");
            String me = "addr=127.0.0.1:" + client.localPort() + " ";
            assertThat(list).as(haproxy.process().output()).contains(me);
            String myLine = list.lines().filter(l -> l.contains(me)).findFirst().orElseThrow();
            assertThat(myLine).contains("laddr=127.0.0.1:" + server.port(), "cmd=client|list");
            assertThat(client.inline("CLIENT INFO")).contains(me);
        }
    }
}
