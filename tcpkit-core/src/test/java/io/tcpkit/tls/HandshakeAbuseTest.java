package io.tcpkit.tls;

import io.tcpkit.CloseReason;
import io.tcpkit.TcpServer;
import io.tcpkit.testing.Net;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * What is not TLS on a TLS port: plain text, random bytes, a client that says nothing, and one
 * that dribbles its ClientHello. Each is closed within the handshake deadline (1 s here) and
 * counted as a failed handshake, while a real TLS client is served at the same time.
 */
@Timeout(60)
class HandshakeAbuseTest {
    private static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(1);
    /** Generous upper bound for "closed at the deadline" on a busy 2-core machine. */
    private static final Duration CLOSED_WITHIN = Duration.ofMillis(3500);
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    static Path dir;
    private static TestPki pki;
    private static TestPki.Pair serverCert;
    private static SSLContext client;

    private TcpServer server;

    @BeforeAll
    static void certificates() throws Exception {
        assumeTrue(TestPki.opensslAvailable(), "openssl is not installed");
        pki = TestPki.create(dir);
        serverCert = pki.server("server", TestPki.KeyType.EC);
        client = TlsClient.context(pki.ca().cert(), null);
    }

    @BeforeEach
    void start() throws IOException {
        server = TcpServer.builder().port(0).service("tls-echo").handler(Net.ECHO)
                .tls(new TlsServerConfig(serverCert.cert(), serverCert.key(), null, ClientAuth.NONE, HANDSHAKE_TIMEOUT))
                .start();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private void aTlsClientIsServed(String text) throws IOException {
        try (SSLSocket good = TlsClient.connect(client, server.port())) {
            assertThat(TlsClient.roundTrip(good, text)).isEqualTo(text);
        }
    }

    private void awaitFailedHandshakes(long n) {
        Net.await(n + " failed handshake(s) to be counted", WAIT,
                () -> server.stats().closed().get(CloseReason.TLS_HANDSHAKE_FAILED) == n);
        Net.await("no connection left open", WAIT, () -> server.stats().open() == 0);
    }

    /** Reads until end of stream or reset, failing if that takes longer than {@code limit}; returns what came. */
    private static byte[] readUntilClosed(Socket s, Duration limit) throws IOException {
        s.setSoTimeout((int) limit.toMillis());
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        InputStream in = s.getInputStream();
        byte[] buf = new byte[1024];
        try {
            for (int i = 0; i < 1000; i++) {
                int n = in.read(buf);
                if (n < 0) {
                    return got.toByteArray();
                }
                got.write(buf, 0, n);
            }
            throw new AssertionError("the server kept talking");
        } catch (SocketTimeoutException e) {
            throw new AssertionError("not closed within " + limit.toMillis() + " ms", e);
        } catch (IOException e) {
            return got.toByteArray(); // reset
        }
    }

    @Test
    void plainTextIsClosedAtOnceWithoutAnEcho() throws Exception {
        try (Socket plain = Net.connect(server.port())) {
            plain.getOutputStream().write("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            byte[] answer = readUntilClosed(plain, CLOSED_WITHIN);
            assertThat(new String(answer, StandardCharsets.ISO_8859_1)).doesNotContain("GET");
        }
        awaitFailedHandshakes(1);
        aTlsClientIsServed("after plain text");
    }

    @Test
    void randomBytesAreClosedAtOnce() throws Exception {
        byte[] garbage = new byte[2048];
        new Random(20261123).nextBytes(garbage);
        try (Socket noise = Net.connect(server.port())) {
            noise.getOutputStream().write(garbage);
            byte[] answer = readUntilClosed(noise, CLOSED_WITHIN);
            assertThat(answer.length).as("at most an alert comes back").isLessThan(64);
        }
        awaitFailedHandshakes(1);
        aTlsClientIsServed("after noise");
    }

    @Test
    void aSilentClientIsClosedAtTheHandshakeDeadlineWhileOthersAreServed() throws Exception {
        try (Socket silent = Net.connect(server.port())) {
            long start = System.nanoTime();
            aTlsClientIsServed("meanwhile");
            assertThat(server.stats().closed().get(CloseReason.TLS_HANDSHAKE_FAILED)).isZero();
            readUntilClosed(silent, CLOSED_WITHIN);
            Duration open = Duration.ofNanos(System.nanoTime() - start);
            assertThat(open).as("not cut off before the deadline").isGreaterThanOrEqualTo(HANDSHAKE_TIMEOUT.minusMillis(100));
        }
        awaitFailedHandshakes(1);
    }

    @Test
    void aDribbledClientHelloIsClosedAtTheHandshakeDeadlineNotAfterTheLastByte() throws Exception {
        try (Socket slow = Net.connect(server.port())) {
            long start = System.nanoTime();
            // A handshake record header announcing 512 bytes, then one byte every 200 ms: each
            // byte arrives well within the deadline, the whole never does.
            slow.getOutputStream().write(new byte[] {0x16, 0x03, 0x01, 0x02, 0x00, 0x01});
            slow.setSoTimeout(200);
            boolean closed = false;
            for (int i = 0; i < 30 && !closed; i++) { // 30 x 200 ms = 6 s of dribbling at most
                try {
                    closed = slow.getInputStream().read() < 0;
                } catch (SocketTimeoutException e) {
                    try {
                        slow.getOutputStream().write(0);
                    } catch (IOException reset) {
                        closed = true;
                    }
                    if (i == 2) {
                        aTlsClientIsServed("meanwhile");
                    }
                } catch (IOException reset) {
                    closed = true;
                }
            }
            Duration open = Duration.ofNanos(System.nanoTime() - start);
            assertThat(closed).as("closed while still dribbling").isTrue();
            assertThat(open).isLessThan(CLOSED_WITHIN);
        }
        awaitFailedHandshakes(1);
    }
}
