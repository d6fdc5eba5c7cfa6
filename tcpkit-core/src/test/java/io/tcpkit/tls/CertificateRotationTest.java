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

import javax.net.ssl.SSLSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Certificate rotation while clients are connected: the files are overwritten with a new
 * certificate and key, then reloaded on request or by the watcher; existing sessions go on with
 * the old certificate, new ones get the new one; a broken or mismatched file keeps the old one.
 */
@Timeout(60)
class CertificateRotationTest {
    /** The watcher polls every 2 s. */
    private static final Duration WATCH = Duration.ofSeconds(10);
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    static Path pkiDir;
    private static TestPki pki;
    private static TestPki.Pair first;
    private static TestPki.Pair second;

    @TempDir
    Path live;
    private Path cert;
    private Path key;
    @AutoClose
    private TcpServer server;

    @BeforeAll
    static void certificates() throws Exception {
        pki = TestPki.copyTo(pkiDir);
        first = pki.serverEc();
        second = pki.serverRsa();
    }

    @BeforeEach
    void start() throws Exception {
        cert = live.resolve("cert.pem");
        key = live.resolve("key.pem");
        install(first);
        server = TcpServer.builder().port(0).service("tls-echo").handler(Net.ECHO)
                .tls(TlsServerConfig.of(cert, key)).start();
        assertThat(server.tlsFingerprint().orElseThrow()).isEqualTo(first.fingerprint());
    }

    private void install(TestPki.Pair pair) throws Exception {
        Files.copy(pair.cert(), cert, StandardCopyOption.REPLACE_EXISTING);
        Files.copy(pair.key(), key, StandardCopyOption.REPLACE_EXISTING);
    }

    private SSLSocket connect() throws Exception {
        // A fresh client context each time: no session to resume, so the certificate is really sent.
        return TlsClient.connect(TlsClient.context(pki.ca(), null), server.port());
    }

    @Test
    void reloadOnRequestKeepsExistingSessionsAndGivesNewClientsTheNewCertificate() throws Exception {
        try (SSLSocket a = connect()) {
            assertThat(TlsClient.peerFingerprint(a)).isEqualTo(first.fingerprint());
            assertThat(Net.roundTrip(a, "a before")).isEqualTo("a before");

            install(second);
            assertThat(server.reloadTls()).isTrue();
            assertThat(server.tlsFingerprint().orElseThrow()).isEqualTo(second.fingerprint());

            assertThat(Net.roundTrip(a, "a after")).isEqualTo("a after");
            try (SSLSocket b = connect()) {
                assertThat(TlsClient.peerFingerprint(b)).isEqualTo(second.fingerprint());
                assertThat(Net.roundTrip(b, "b")).isEqualTo("b");
            }
            assertThat(Net.roundTrip(a, "a still")).isEqualTo("a still");
        }
        assertThat(server.stats().closed().get(CloseReason.TLS_HANDSHAKE_FAILED)).isZero();
    }

    @Test
    void theWatcherPicksUpChangedFilesByItself() throws Exception {
        try (SSLSocket a = connect()) {
            assertThat(Net.roundTrip(a, "before")).isEqualTo("before");
            install(second);
            Await.until("the watcher to load the new certificate", WATCH,
                    () -> server.tlsFingerprint().orElseThrow().equals(fingerprintOf(second)));
            try (SSLSocket b = connect()) {
                assertThat(TlsClient.peerFingerprint(b)).isEqualTo(second.fingerprint());
                assertThat(Net.roundTrip(b, "b")).isEqualTo("b");
            }
            assertThat(Net.roundTrip(a, "after")).isEqualTo("after");
            assertThat(TlsClient.peerFingerprint(a)).as("an existing session keeps its certificate")
                    .isEqualTo(first.fingerprint());
        }
    }

    @Test
    void aTruncatedCertificateFileKeepsTheOldCertificate() throws Exception {
        try (SSLSocket a = connect()) {
            String pem = Files.readString(second.cert());
            Files.writeString(cert, pem.substring(0, pem.length() / 2));
            Files.copy(second.key(), key, StandardCopyOption.REPLACE_EXISTING);
            assertThat(server.reloadTls()).isFalse();
            assertThat(server.tlsFingerprint().orElseThrow()).isEqualTo(first.fingerprint());

            try (SSLSocket b = connect()) {
                assertThat(TlsClient.peerFingerprint(b)).isEqualTo(first.fingerprint());
                assertThat(Net.roundTrip(b, "b")).isEqualTo("b");
            }
            assertThat(Net.roundTrip(a, "a")).isEqualTo("a");

            // Once the file is whole again, the reload goes through.
            install(second);
            assertThat(server.reloadTls()).isTrue();
            try (SSLSocket c = connect()) {
                assertThat(TlsClient.peerFingerprint(c)).isEqualTo(second.fingerprint());
            }
        }
    }

    @Test
    void aTruncatedKeyFileKeepsTheOldCertificate() throws Exception {
        Files.copy(second.cert(), cert, StandardCopyOption.REPLACE_EXISTING);
        String pem = Files.readString(second.key());
        Files.writeString(key, pem.substring(0, pem.length() / 2));
        assertThat(server.reloadTls()).isFalse();
        assertThat(server.tlsFingerprint().orElseThrow()).isEqualTo(first.fingerprint());
        try (SSLSocket b = connect()) {
            assertThat(TlsClient.peerFingerprint(b)).isEqualTo(first.fingerprint());
            assertThat(Net.roundTrip(b, "b")).isEqualTo("b");
        }
    }

    @Test
    void aNewCertificateWithTheOldKeyIsNotLoaded() throws Exception {
        // A rotation caught half way: the new certificate is in place, its key not yet.
        Files.copy(second.cert(), cert, StandardCopyOption.REPLACE_EXISTING);
        assertThat(server.reloadTls()).isFalse();
        assertThat(server.tlsFingerprint().orElseThrow()).isEqualTo(first.fingerprint());
        try (SSLSocket b = connect()) {
            assertThat(TlsClient.peerFingerprint(b)).isEqualTo(first.fingerprint());
            assertThat(Net.roundTrip(b, "b")).isEqualTo("b");
        }
        assertThat(server.stats().closed().get(CloseReason.TLS_HANDSHAKE_FAILED)).isZero();
    }

    private static String fingerprintOf(TestPki.Pair pair) {
        try {
            return pair.fingerprint();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
