package io.tcpkit.tls;

import io.tcpkit.CloseReason;
import io.tcpkit.TcpServer;
import io.tcpkit.testing.Await;
import io.tcpkit.testing.Net;
import io.tcpkit.testing.TestPki;
import io.tcpkit.testing.TlsClient;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What is not TLS on a TLS port: plain text, random bytes, a client that says nothing, and one
 * that dribbles its ClientHello. Each is closed, at the latest at the handshake deadline (1 s
 * here), and counted as a failed handshake, while a real TLS client is served at the same time.
 */
@Timeout(60)
class HandshakeAbuseTest {
    private static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(1);
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    static Path dir;
    private static TestPki pki;
    private static TestPki.Pair serverCert;
    private static SSLContext client;

    @AutoClose
    private TcpServer server;

    @BeforeAll
    static void certificates() throws Exception {
        pki = TestPki.copyTo(dir);
        serverCert = pki.serverEc();
        client = TlsClient.context(pki.ca(), null);
    }

    @BeforeEach
    void start() throws IOException {
        server = TcpServer.builder().port(0).service("tls-echo").handler(Net.ECHO)
                .tls(new TlsServerConfig(serverCert.cert(), serverCert.key(), null, ClientAuth.NONE, HANDSHAKE_TIMEOUT))
                .start();
    }

    private void aTlsClientIsServed(String text) throws IOException {
        try (SSLSocket good = TlsClient.connect(client, server.port())) {
            assertThat(Net.roundTrip(good, text)).isEqualTo(text);
        }
    }

    private void awaitFailedHandshakes(long n) {
        Await.until(n + " failed handshake(s) to be counted", WAIT,
                () -> server.stats().closed().get(CloseReason.TLS_HANDSHAKE_FAILED) == n);
        Await.until("no connection left open", WAIT, () -> server.stats().open() == 0);
    }

    @Test
    void plainTextIsClosedAtOnceWithoutAnEcho() throws Exception {
        try (Socket plain = Net.connect(server.port())) {
            plain.getOutputStream().write("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            byte[] answer = Net.readUntilClosed(plain);
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
            byte[] answer = Net.readUntilClosed(noise);
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
            Net.readUntilClosed(silent);
            Duration open = Duration.ofNanos(System.nanoTime() - start);
            assertThat(open).as("not cut off before the deadline").isGreaterThanOrEqualTo(HANDSHAKE_TIMEOUT.minusMillis(100));
        }
        awaitFailedHandshakes(1);
    }

    @Test
    void aDribbledClientHelloIsClosedAtTheHandshakeDeadlineNotAfterTheLastByte() throws Exception {
        try (Socket slow = Net.connect(server.port())) {
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
            // 30 bytes at most arrive of the 512 announced: only the deadline can have closed it.
            assertThat(closed).as("closed while still dribbling").isTrue();
        }
        awaitFailedHandshakes(1);
    }
}
