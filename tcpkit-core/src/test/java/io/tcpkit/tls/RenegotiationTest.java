package io.tcpkit.tls;

import io.tcpkit.TcpServer;
import io.tcpkit.testing.ChildProcess;
import io.tcpkit.testing.Net;
import io.tcpkit.testing.Require;
import io.tcpkit.testing.TestPki;
import io.tcpkit.testing.TlsClient;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLProtocolException;
import javax.net.ssl.SSLSocket;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * TLS 1.2 client-initiated renegotiation is refused (each one costs the server a full handshake
 * outside every limit), by the JDK's client and by openssl s_client's R command; what TLS 1.3
 * does after its handshake (key updates) and a TLS 1.3 ClientHello after a HelloRetryRequest are
 * not mistaken for it.
 */
@Timeout(60)
class RenegotiationTest {
    private static final Duration WAIT = Duration.ofSeconds(15);

    @TempDir
    static Path dir;
    private static TestPki pki;
    private static TestPki.Pair serverCert;

    @AutoClose
    private TcpServer server;

    @BeforeAll
    static void certificates() throws Exception {
        pki = TestPki.copyTo(dir);
        serverCert = pki.serverEc();
    }

    private int start() throws IOException {
        server = TcpServer.builder().port(0).service("tls-echo").handler(Net.ECHO)
                .tls(TlsServerConfig.of(serverCert.cert(), serverCert.key())).start();
        return server.port();
    }

    private static SSLSocket client(int port, String protocol) throws Exception {
        SSLContext context = TlsClient.context(pki.ca(), null);
        SSLSocket s = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port);
        s.setSoTimeout(10_000);
        s.setEnabledProtocols(new String[] {protocol});
        return s;
    }

    @Test
    void aJdkClientCannotRenegotiateTls12() throws Exception {
        int port = start();
        try (SSLSocket s = client(port, "TLSv1.2")) {
            s.startHandshake();
            assertThat(Net.roundTrip(s, "before")).isEqualTo("before");
            // A second handshake on a TLS 1.2 connection is a renegotiation the client starts.
            Throwable refused = catchThrowable(() -> {
                s.startHandshake();
                Net.roundTrip(s, "after");
            });
            assertThat(refused).as("the renegotiation, or the connection after it, fails").isInstanceOf(IOException.class);
        }
    }

    @Test
    void tls13KeyUpdatesStillWork() throws Exception {
        int port = start();
        try (SSLSocket s = client(port, "TLSv1.3")) {
            s.startHandshake();
            assertThat(Net.roundTrip(s, "one")).isEqualTo("one");
            for (int i = 0; i < 3; i++) {
                s.startHandshake(); // in TLS 1.3: a KeyUpdate, encrypted as application data
                assertThat(Net.roundTrip(s, "after update " + i)).isEqualTo("after update " + i);
            }
        }
    }

    @Test
    void opensslSClientCannotRenegotiateTls12() throws Exception {
        int port = start();
        List<String> command = new ArrayList<>(List.of(Require.tool("openssl").toString(), "s_client",
                "-connect", "127.0.0.1:" + port, "-CAfile", pki.ca().toString(), "-tls1_2"));
        try (ChildProcess client = ChildProcess.start(dir, command)) {
            client.awaitOutput("Verify return code: 0 (ok)", WAIT);
            client.write("before\n");
            client.awaitOutput("before\n", WAIT);
            // s_client: R renegotiates; the line after it is sent once that is done (and echoed if it
            // were allowed). One write: refused, s_client ends at once and takes no more input.
            client.write("R\nafter\n");
            client.awaitOutput("RENEGOTIATING", WAIT);
            assertThat(client.awaitExit(WAIT)).as(client.output()).isEqualTo(1);
            assertThat(client.output()).contains("alert").doesNotContain("after\n");
        }
    }

    // The guard's reading of the record layer, on records as clients send them.

    /** A record: type, version 3.3, the body. */
    private static byte[] record(int type, byte[] body) {
        ByteArrayOutputStream r = new ByteArrayOutputStream();
        r.write(type);
        r.write(3);
        r.write(3);
        r.write(body.length >> 8);
        r.write(body.length & 0xff);
        r.writeBytes(body);
        return r.toByteArray();
    }

    /** A plaintext ClientHello message of {@code size} bytes in all. */
    private static byte[] clientHello(int size) {
        byte[] m = new byte[size];
        m[0] = 1;
        int length = size - 4;
        m[1] = (byte) (length >> 16);
        m[2] = (byte) (length >> 8);
        m[3] = (byte) length;
        return m;
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    /** Everything through the guard, a few bytes at a time (records split across reads too). */
    private static byte[] readThrough(byte[] prefix, byte[] stream) throws IOException {
        InputStream guard = new RenegotiationGuard(prefix, new ByteArrayInputStream(stream));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[3];
        int n;
        while ((n = guard.read(buf, 0, buf.length)) >= 0) {
            out.write(buf, 0, n);
        }
        return out.toByteArray();
    }

    @Test
    void theGuardPassesHandshakesAndRefusesWhatFollowsTheClientsFinished() throws Exception {
        byte[] hello = record(22, clientHello(200));
        byte[] ccs = record(20, new byte[] {1});
        byte[] finished = record(22, new byte[40]);
        byte[] data = record(23, new byte[300]);
        // TLS 1.2: hello, key exchange, CCS, Finished, then application data and alerts.
        byte[] tls12 = concat(hello, record(22, new byte[70]), ccs, finished, data, record(21, new byte[26]), data);
        assertThat(readThrough(null, tls12)).isEqualTo(tls12);
        // TLS 1.3 in compatibility mode, after a HelloRetryRequest: CCS, then the second ClientHello.
        byte[] tls13 = concat(hello, ccs, record(22, clientHello(230)), data, data);
        assertThat(readThrough(null, tls13)).isEqualTo(tls13);
        // The bytes before TLS (after a PROXY header) are read through the guard too.
        assertThat(readThrough(java.util.Arrays.copyOf(tls12, 7), java.util.Arrays.copyOfRange(tls12, 7, tls12.length)))
                .isEqualTo(tls12);

        assertThatThrownBy(() -> readThrough(null, concat(tls12, hello)))
                .as("a renegotiating ClientHello").isInstanceOf(SSLProtocolException.class);
        assertThatThrownBy(() -> readThrough(null, concat(hello, ccs, record(22, new byte[41]))))
                .as("a Finished with a ClientHello packed behind it").isInstanceOf(SSLProtocolException.class);
        assertThatThrownBy(() -> readThrough(null, concat(tls13, record(22, clientHello(200)))))
                .as("a third ClientHello").isInstanceOf(SSLProtocolException.class);
    }
}
