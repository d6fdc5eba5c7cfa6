package io.tcpkit.proxy;

import io.tcpkit.Cidr;
import io.tcpkit.CloseReason;
import io.tcpkit.RejectReason;
import io.tcpkit.TcpServer;
import io.tcpkit.testing.Await;
import io.tcpkit.testing.Net;
import io.tcpkit.testing.TestPki;
import io.tcpkit.testing.TlsClient;
import io.tcpkit.tls.TlsServerConfig;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The PROXY header comes before the TLS ClientHello (as HAProxy sends it in TCP mode): a client
 * writes the header on the plain socket, then runs TLS over the same socket. The handler sees the
 * real client's address inside a working TLS session.
 */
@Timeout(60)
class ProxyThenTlsTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    static Path dir;
    private static TestPki.Pair serverCert;
    private static SSLContext client;

    @AutoClose
    private TcpServer server;

    @BeforeAll
    static void certificates() throws Exception {
        TestPki pki = TestPki.copyTo(dir);
        serverCert = pki.serverEc();
        client = TlsClient.context(pki.ca(), null);
    }

    @BeforeEach
    void start() throws IOException {
        server = TcpServer.builder().port(0).service("proxied-tls").handler(ProxyProtocolServerTest.WHO_THEN_ECHO)
                .proxyProtocol(new ProxyProtocolConfig(List.of(Cidr.parse("127.0.0.0/8")), Duration.ofSeconds(2)))
                .tls(TlsServerConfig.of(serverCert.cert(), serverCert.key()))
                .start();
    }

    @Test
    void v1HeaderThenTlsOnTheSameSocket() throws Exception {
        try (Socket raw = Net.connect(server.port())) {
            raw.getOutputStream().write("PROXY TCP4 203.0.113.7 127.0.0.1 40000 443\r\n".getBytes(StandardCharsets.US_ASCII));
            try (SSLSocket tls = TlsClient.overSocket(client, raw, server.port())) {
                assertThat(Net.readLine(tls)).isEqualTo("203.0.113.7 40000\n");
                assertThat(Net.roundTrip(tls, "secret and proxied")).isEqualTo("secret and proxied");
            }
        }
    }

    @Test
    void v2HeaderThenTlsOnTheSameSocket() throws Exception {
        try (Socket raw = Net.connect(server.port())) {
            raw.getOutputStream().write(ProxyProtocolServerTest.v2Tcp4("198.51.100.20", 61000, "127.0.0.1", 443));
            try (SSLSocket tls = TlsClient.overSocket(client, raw, server.port())) {
                assertThat(Net.readLine(tls)).isEqualTo("198.51.100.20 61000\n");
                assertThat(Net.roundTrip(tls, "v2")).isEqualTo("v2");
            }
        }
    }

    @Test
    void headerAndClientHelloInOneWrite() throws Exception {
        byte[] header = "PROXY TCP4 203.0.113.9 127.0.0.1 40009 443\r\n".getBytes(StandardCharsets.US_ASCII);
        // A socket whose first write carries the header too: the server reads both in one go
        // and must hand the ClientHello bytes it read past the header to the TLS layer.
        try (Socket raw = new HeaderFirstSocket(header)) {
            raw.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port()), 5000);
            try (SSLSocket tls = TlsClient.overSocket(client, raw, server.port())) {
                assertThat(Net.readLine(tls)).isEqualTo("203.0.113.9 40009\n");
                assertThat(Net.roundTrip(tls, "coalesced")).isEqualTo("coalesced");
            }
        }
    }

    @Test
    void tlsWithoutAHeaderIsRefused() throws Exception {
        Throwable failure = org.assertj.core.api.Assertions.catchThrowable(() -> {
            try (SSLSocket tls = TlsClient.connect(client, server.port())) {
                Net.readLine(tls);
            }
        });
        assertThat(failure).isInstanceOf(IOException.class);
        Await.until("the missing header to be counted", WAIT,
                () -> server.stats().rejected().get(RejectReason.BAD_PROXY_HEADER) == 1);
        assertThat(server.stats().closed().get(CloseReason.TLS_HANDSHAKE_FAILED)).isZero();
    }

    /** Prepends {@code header} to the first write on the socket. */
    private static final class HeaderFirstSocket extends Socket {
        private final byte[] header;
        private OutputStream out;

        HeaderFirstSocket(byte[] header) {
            this.header = header;
        }

        @Override
        public synchronized OutputStream getOutputStream() throws IOException {
            if (out == null) {
                OutputStream socketOut = super.getOutputStream();
                out = new OutputStream() {
                    private boolean first = true;

                    @Override
                    public void write(int b) throws IOException {
                        write(new byte[] {(byte) b}, 0, 1);
                    }

                    @Override
                    public void write(byte[] b, int off, int len) throws IOException {
                        if (first) {
                            first = false;
                            byte[] both = new byte[header.length + len];
                            System.arraycopy(header, 0, both, 0, header.length);
                            System.arraycopy(b, off, both, header.length, len);
                            socketOut.write(both);
                        } else {
                            socketOut.write(b, off, len);
                        }
                    }

                    @Override
                    public void flush() throws IOException {
                        socketOut.flush();
                    }
                };
            }
            return out;
        }
    }
}
