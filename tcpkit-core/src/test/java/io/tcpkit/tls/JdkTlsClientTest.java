package io.tcpkit.tls;

import io.tcpkit.CloseReason;
import io.tcpkit.ConnectionHandler;
import io.tcpkit.TcpServer;
import io.tcpkit.testing.Await;
import io.tcpkit.testing.Net;
import io.tcpkit.testing.TestPki;
import io.tcpkit.testing.TlsClient;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * A TLS listener and JDK {@link SSLSocket} clients: binary data and half-close through the tunnel,
 * the session the handler sees, and client certificates (required, optional, from a foreign CA).
 */
@Timeout(60)
class JdkTlsClientTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    static Path dir;
    private static TestPki pki;
    private static TestPki.Pair serverCert;
    private static TestPki.Pair alice;
    private static TestPki.Pair mallory;

    @AutoClose
    private TcpServer server;

    /** Tells the client who it is (the certificate subject, or "anonymous"), then echoes. */
    private static final ConnectionHandler WHO_THEN_ECHO = conn -> {
        SSLSession session = conn.tlsSession().orElseThrow();
        String who;
        try {
            who = session.getPeerPrincipal().getName();
        } catch (SSLPeerUnverifiedException e) {
            who = "anonymous";
        }
        conn.write(who + " " + session.getProtocol() + "\n");
        Net.ECHO.handle(conn);
    };

    @BeforeAll
    static void certificates() throws Exception {
        pki = TestPki.copyTo(dir);
        serverCert = pki.serverEc();
        alice = pki.alice();
        // The same name, from a CA the server does not trust.
        mallory = pki.mallory();
    }

    private int start(ClientAuth auth, ConnectionHandler handler) throws IOException {
        server = TcpServer.builder().port(0).service("tls").handler(handler)
                .tls(new TlsServerConfig(serverCert.cert(), serverCert.key(),
                        auth == ClientAuth.NONE ? null : pki.ca(), auth, TlsServerConfig.DEFAULT_HANDSHAKE_TIMEOUT))
                .start();
        return server.port();
    }

    private static SSLContext client(TestPki.Pair certificate) throws Exception {
        return TlsClient.context(pki.ca(), certificate);
    }

    @Test
    void binaryDataAndHalfCloseGoThroughTheTunnel() throws Exception {
        int port = start(ClientAuth.NONE, Net.ECHO);
        byte[] data = new byte[3 * 1024 * 1024 + 17];
        new Random(11).nextBytes(data);
        try (SSLSocket s = TlsClient.connect(client(null), port)) {
            assertThat(s.getSession().getProtocol()).isEqualTo("TLSv1.3");
            AtomicReference<Throwable> writeFailure = new AtomicReference<>();
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    OutputStream out = s.getOutputStream();
                    for (int off = 0; off < data.length; off += 65_521) {
                        out.write(data, off, Math.min(65_521, data.length - off));
                    }
                    s.shutdownOutput(); // TLS 1.3 half-close: close_notify, reading goes on
                } catch (Throwable e) {
                    writeFailure.set(e);
                }
            });
            byte[] back = s.getInputStream().readAllBytes(); // returns at the server's close_notify
            writer.join(WAIT.toMillis());
            assertThat(writeFailure.get()).isNull();
            assertThat(back.length).isEqualTo(data.length);
            assertThat(MessageDigest.getInstance("SHA-256").digest(back))
                    .isEqualTo(MessageDigest.getInstance("SHA-256").digest(data));
        }
        Await.until("the half-closed session to end as closed by peer", WAIT,
                () -> server.stats().closed().get(CloseReason.PEER_CLOSED) == 1);
        assertThat(server.stats().bytesIn()).as("plaintext bytes are counted").isEqualTo(data.length);
    }

    @Test
    void tls12ClientsAreServedToo() throws Exception {
        int port = start(ClientAuth.NONE, WHO_THEN_ECHO);
        try (SSLSocket s = (SSLSocket) client(null).getSocketFactory().createSocket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            s.setEnabledProtocols(new String[] {"TLSv1.2"});
            assertThat(Net.readLine(s)).isEqualTo("anonymous TLSv1.2\n");
            assertThat(Net.roundTrip(s, "twelve")).isEqualTo("twelve");
        }
    }

    @Test
    void requiredClientCertificateRefusesAClientWithoutOne() throws Exception {
        int port = start(ClientAuth.REQUIRED, WHO_THEN_ECHO);
        // In TLS 1.3 the client may finish its side first and see the server's alert on its first read.
        Throwable failure = catchThrowable(() -> {
            try (SSLSocket s = TlsClient.connect(client(null), port)) {
                Net.readLine(s);
            }
        });
        // An alert, or a reset when the server's close overtakes the client's last flight.
        assertThat(failure).isInstanceOf(IOException.class);
        Await.until("the refused handshake to be counted", WAIT,
                () -> server.stats().closed().get(CloseReason.TLS_HANDSHAKE_FAILED) == 1);
        assertThat(server.stats().closed().get(CloseReason.PEER_CLOSED)).isZero();
    }

    @Test
    void requiredClientCertificateRefusesACertificateFromAnotherCa() throws Exception {
        int port = start(ClientAuth.REQUIRED, WHO_THEN_ECHO);
        Throwable failure = catchThrowable(() -> {
            try (SSLSocket s = TlsClient.connect(client(mallory), port)) {
                Net.readLine(s);
            }
        });
        // An alert, or a reset when the server's close overtakes the client's last flight.
        assertThat(failure).isInstanceOf(IOException.class);
        Await.until("the refused handshake to be counted", WAIT,
                () -> server.stats().closed().get(CloseReason.TLS_HANDSHAKE_FAILED) == 1);
    }

    @Test
    void requiredClientCertificateServesTheCaSignedClientAndTheHandlerSeesItsSubject() throws Exception {
        int port = start(ClientAuth.REQUIRED, WHO_THEN_ECHO);
        try (SSLSocket s = TlsClient.connect(client(alice), port)) {
            assertThat(Net.readLine(s)).isEqualTo("O=tcpkit tests,CN=alice TLSv1.3\n");
            assertThat(Net.roundTrip(s, "mutual")).isEqualTo("mutual");
        }
        assertThat(server.stats().closed().get(CloseReason.TLS_HANDSHAKE_FAILED)).isZero();
    }

    @Test
    void optionalClientCertificateServesClientsWithAndWithoutOne() throws Exception {
        int port = start(ClientAuth.OPTIONAL, WHO_THEN_ECHO);
        try (SSLSocket anonymous = TlsClient.connect(client(null), port);
             SSLSocket withCert = TlsClient.connect(client(alice), port)) {
            assertThat(Net.readLine(anonymous)).isEqualTo("anonymous TLSv1.3\n");
            assertThat(Net.readLine(withCert)).isEqualTo("O=tcpkit tests,CN=alice TLSv1.3\n");
            assertThat(Net.roundTrip(anonymous, "a")).isEqualTo("a");
            assertThat(Net.roundTrip(withCert, "b")).isEqualTo("b");
        }
        assertThat(server.stats().closed().get(CloseReason.TLS_HANDSHAKE_FAILED)).isZero();
    }
}
