package io.tcpkit.tls;

import io.tcpkit.CloseReason;
import io.tcpkit.TcpServer;
import io.tcpkit.testing.Await;
import io.tcpkit.testing.ChildProcess;
import io.tcpkit.testing.Net;
import io.tcpkit.testing.Require;
import io.tcpkit.testing.TestPki;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A TLS echo listener as the real {@code openssl s_client} sees it: TLS 1.3 and 1.2 with RSA and EC
 * keys, the certificate verified against the test CA for IP 127.0.0.1, data echoed through the
 * tunnel; TLS 1.1 and old cipher suites refused; keys in the wrong PEM format refused with a hint.
 */
@Timeout(60)
class OpensslClientTest {
    private static final Duration WAIT = Duration.ofSeconds(15);

    @TempDir
    static Path dir;
    private static TestPki pki;
    private static TestPki.Pair rsa;
    private static TestPki.Pair ec;
    private static TestPki.Pair alice;

    @AutoClose
    private TcpServer server;

    @BeforeAll
    static void certificates() throws Exception {
        pki = TestPki.copyTo(dir);
        rsa = pki.serverRsa();
        ec = pki.serverEc();
        alice = pki.alice();
    }

    private int start(TestPki.Pair pair) throws IOException {
        server = TcpServer.builder().port(0).service("tls-echo").handler(Net.ECHO)
                .tls(TlsServerConfig.of(pair.cert(), pair.key())).start();
        return server.port();
    }

    private static ChildProcess sClient(int port, String... options) throws IOException {
        List<String> command = new ArrayList<>(List.of(Require.tool("openssl").toString(), "s_client",
                "-connect", "127.0.0.1:" + port, "-CAfile", pki.ca().toString(), "-verify_return_error", "-verify_ip", "127.0.0.1"));
        command.addAll(List.of(options));
        return ChildProcess.start(dir, command);
    }

    @ParameterizedTest(name = "{0} with an {1} key")
    @CsvSource({"-tls1_3, RSA, TLSv1.3", "-tls1_2, RSA, TLSv1.2", "-tls1_3, EC, TLSv1.3", "-tls1_2, EC, TLSv1.2"})
    void sClientHandshakesVerifiesTheCertificateAndGetsItsLineEchoed(String flag, TestPki.KeyType type, String protocol)
            throws Exception {
        TestPki.Pair pair = type == TestPki.KeyType.RSA ? rsa : ec;
        int port = start(pair);
        try (ChildProcess client = sClient(port, flag)) {
            String line = "hello over " + protocol + " with " + type + "\n";
            client.awaitOutput("Verify return code: 0 (ok)", WAIT);
            client.write(line);
            // The line is printed once the server echoes it back through the tunnel.
            client.awaitOutput(line + "", WAIT);
            client.closeStdin();
            assertThat(client.awaitExit(WAIT)).as(client.output()).isZero();
            String out = client.output();
            assertThat(out).contains("Protocol  : " + protocol)
                    .contains("New, " + protocol + ", Cipher is ")
                    .contains("Server public key is " + (type == TestPki.KeyType.RSA ? "2048" : "256") + " bit");
            assertThat(out.indexOf(line)).as("the echo comes after the handshake summary")
                    .isGreaterThan(out.indexOf("Verify return code: 0 (ok)"));
            if (protocol.equals("TLSv1.2")) {
                assertThat(out).as("forward secrecy and AEAD only").containsPattern("Cipher is ECDHE-(RSA|ECDSA)-.*(GCM|CHACHA20)");
            }
        }
        Await.until("the session closed by the client to be counted", WAIT,
                () -> server.stats().closed().get(CloseReason.PEER_CLOSED) == 1);
        assertThat(server.stats().closed().get(CloseReason.TLS_HANDSHAKE_FAILED)).isZero();
    }

    private int startRequiringClientCertificates() throws IOException {
        server = TcpServer.builder().port(0).service("mtls-echo").handler(Net.ECHO)
                .tls(new TlsServerConfig(rsa.cert(), rsa.key(), pki.ca(), ClientAuth.REQUIRED,
                        TlsServerConfig.DEFAULT_HANDSHAKE_TIMEOUT))
                .start();
        return server.port();
    }

    @Test
    void sClientWithACaSignedClientCertificateIsServed() throws Exception {
        int port = startRequiringClientCertificates();
        try (ChildProcess client = sClient(port, "-cert", alice.cert().toString(), "-key", alice.key().toString())) {
            client.awaitOutput("Verify return code: 0 (ok)", WAIT);
            client.write("with a client certificate\n");
            client.awaitOutput("with a client certificate\n", WAIT);
            client.closeStdin();
            assertThat(client.awaitExit(WAIT)).as(client.output()).isZero();
            assertThat(client.output()).contains("Acceptable client certificate CA names", "CN = tcpkit test CA");
        }
        assertThat(server.stats().closed().get(CloseReason.TLS_HANDSHAKE_FAILED)).isZero();
    }

    @Test
    void sClientWithoutAClientCertificateIsRefused() throws Exception {
        int port = startRequiringClientCertificates();
        try (ChildProcess client = sClient(port, "-tls1_3")) {
            client.write("not served\n");
            // TLS 1.3: the client's side of the handshake ends first; the server's alert follows.
            client.awaitOutput("alert certificate required", WAIT);
            client.closeStdin();
            client.awaitExit(WAIT);
            assertThat(client.output()).doesNotContain("not served");
        }
        Await.until("the refused handshake to be counted", WAIT,
                () -> server.stats().closed().get(CloseReason.TLS_HANDSHAKE_FAILED) == 1);
    }

    @Test
    void tls11IsRefusedAndCountedAsAFailedHandshake() throws Exception {
        int port = start(rsa);
        // SECLEVEL=0 makes openssl itself willing to offer TLS 1.1, so the refusal is the server's.
        try (ChildProcess client = sClient(port, "-tls1_1", "-cipher", "DEFAULT@SECLEVEL=0")) {
            client.closeStdin();
            assertThat(client.awaitExit(WAIT)).as(client.output()).isNotZero();
            // The server answered the TLS 1.1 ClientHello with a protocol_version alert (70).
            assertThat(client.output()).contains("alert protocol version", "Cipher is (NONE)");
        }
        Await.until("the refused handshake to be counted", WAIT,
                () -> server.stats().closed().get(CloseReason.TLS_HANDSHAKE_FAILED) == 1);
    }

    @Test
    void tls12WithoutForwardSecrecyIsRefused() throws Exception {
        int port = start(rsa);
        try (ChildProcess client = sClient(port, "-tls1_2", "-cipher", "AES128-SHA:AES256-GCM-SHA384")) {
            client.closeStdin();
            assertThat(client.awaitExit(WAIT)).as(client.output()).isNotZero();
            // No common suite: the server answered with a handshake_failure alert (40).
            assertThat(client.output()).contains("alert handshake failure", "Cipher is (NONE)");
        }
        Await.until("the refused handshake to be counted", WAIT,
                () -> server.stats().closed().get(CloseReason.TLS_HANDSHAKE_FAILED) == 1);
    }

    @Test
    void aPkcs1RsaKeyIsRefusedWithAHintToConvertItToPkcs8() throws Exception {
        Path pkcs1 = pki.rsaKeyPkcs1();
        assertThat(java.nio.file.Files.readString(pkcs1)).startsWith("-----BEGIN RSA PRIVATE KEY-----");
        assertThatThrownBy(() -> TcpServer.builder().port(0).handler(Net.ECHO)
                .tls(TlsServerConfig.of(rsa.cert(), pkcs1)).start())
                .isInstanceOf(IOException.class)
                .hasMessageContaining(pkcs1.toString())
                .hasMessageContaining("PKCS#1")
                .hasMessageContaining("openssl pkcs8 -topk8 -nocrypt");
    }

    @Test
    void aSec1EcKeyIsRefusedWithTheSameHint() throws Exception {
        Path sec1 = pki.ecKeySec1();
        assertThat(java.nio.file.Files.readString(sec1)).startsWith("-----BEGIN EC PRIVATE KEY-----");
        assertThatThrownBy(() -> TcpServer.builder().port(0).handler(Net.ECHO)
                .tls(TlsServerConfig.of(ec.cert(), sec1)).start())
                .isInstanceOf(IOException.class)
                .hasMessageContaining("pkcs8");
    }
}
