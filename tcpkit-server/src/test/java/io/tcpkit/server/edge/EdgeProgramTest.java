package io.tcpkit.server.edge;

import io.tcpkit.tls.TestPki;

import io.tcpkit.server.cli.Program;
import io.tcpkit.server.auth.PasswordHasher;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.regex.MatchResult;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The edge options as a user runs them: {@code tcpkit echo|command} with TLS (self-signed, a
 * CA-signed certificate, client certificates), SIGHUP, and access lists; and
 * {@code tcpkit connect --tls} with {@code --insecure}, {@code --ca}, {@code --cert/--key}.
 */
@Timeout(90)
class EdgeProgramTest {
    private static final Duration STARTUP = Duration.ofSeconds(30);
    private static final Duration EXIT = Duration.ofSeconds(30);
    private static final Pattern FINGERPRINT = Pattern.compile("TLS certificate SHA-256 ((?:[0-9A-F]{2}:){31}[0-9A-F]{2})\n");

    @TempDir
    static Path dir;
    private static TestPki pki;
    private static TestPki.Pair serverCert;
    private static TestPki.Pair alice;

    @BeforeAll
    static void certificates() throws Exception {
        assumeTrue(TestPki.opensslAvailable(), "openssl is not installed");
        pki = TestPki.create(dir);
        serverCert = pki.server("server", TestPki.KeyType.RSA);
        alice = pki.client("alice", "alice");
    }

    private static Program tcpkit(String... args) throws IOException {
        return Program.start(dir, args);
    }

    private static String target(int port) {
        return "127.0.0.1:" + port;
    }

    /** Runs {@code tcpkit connect ARGS} with {@code input} on stdin; returns it after it exited. */
    private static Program connect(String input, String... args) throws Exception {
        String[] all = new String[args.length + 1];
        all[0] = "connect";
        System.arraycopy(args, 0, all, 1, args.length);
        Program connect = tcpkit(all);
        try {
            connect.stdin(input.getBytes(StandardCharsets.UTF_8));
            connect.awaitExit(EXIT);
            return connect;
        } finally {
            connect.close();
        }
    }

    @Test
    void selfSignedEchoPrintsItsFingerprintAndConnectNeedsInsecureOrACa() throws Exception {
        try (Program echo = tcpkit("echo", "--port", "0", "--tls-self-signed")) {
            int port = echo.awaitPort("echo", STARTUP);
            MatchResult printed = echo.awaitStdout(FINGERPRINT, STARTUP);
            assertThat(echo.stdout()).contains("listening on " + target(port) + " (TLS)",
                    "tcpkit connect --tls --insecure " + target(port));
            assertThat(peerFingerprint(port)).as("the printed fingerprint is the served certificate's")
                    .isEqualTo(printed.group(1));

            Program insecure = connect("hello over tls\n", "--tls", "--insecure", target(port));
            assertThat(insecure.process().exitValue()).as(insecure.stderr()).isZero();
            assertThat(insecure.stdout()).isEqualTo("hello over tls\n");

            Program verifying = connect("never sent\n", "--tls", target(port));
            assertThat(verifying.process().exitValue()).isEqualTo(1);
            assertThat(verifying.stderr()).as("what to do, not a PKIX stack").isEqualTo("tcpkit connect: TLS handshake with "
                    + target(port) + " failed: the server's certificate is not signed by a CA this machine trusts "
                    + "(self-signed?); give the CA that signed it with --ca FILE, or skip the check with --insecure "
                    + "(development only)\n");
            assertThat(verifying.stdout()).isEmpty();
        }
    }

    @Test
    void caSignedCertificateAndClientCertificates() throws Exception {
        try (Program echo = tcpkit("echo", "--port", "0", "--tls-cert", serverCert.cert().toString(),
                "--tls-key", serverCert.key().toString(), "--tls-client-ca", pki.ca().cert().toString())) {
            int port = echo.awaitPort("echo", STARTUP);
            assertThat(echo.awaitStdout(FINGERPRINT, STARTUP).group(1)).isEqualTo(serverCert.fingerprint());

            Program mutual = connect("mutual\n", "--tls", "--ca", pki.ca().cert().toString(),
                    "--cert", alice.cert().toString(), "--key", alice.key().toString(), target(port));
            assertThat(mutual.process().exitValue()).as(mutual.stderr()).isZero();
            assertThat(mutual.stdout()).isEqualTo("mutual\n");

            // No client certificate: refused (in TLS 1.3 the alert may come after connect's side of the handshake).
            Program anonymous = connect("anonymous\n", "--tls", "--ca", pki.ca().cert().toString(), target(port));
            assertThat(anonymous.process().exitValue()).isEqualTo(1);
            assertThat(anonymous.stdout()).isEmpty();
            assertThat(anonymous.stderr()).startsWith("tcpkit connect: ");
        }
    }

    @Test
    void connectVerifiesTheServerAgainstTheGivenCa() throws Exception {
        try (Program echo = tcpkit("echo", "--port", "0", "--tls-cert", serverCert.cert().toString(),
                "--tls-key", serverCert.key().toString())) {
            int port = echo.awaitPort("echo", STARTUP);
            Program trusted = connect("with the ca\n", "--tls", "--ca", pki.ca().cert().toString(), target(port));
            assertThat(trusted.process().exitValue()).as(trusted.stderr()).isZero();
            assertThat(trusted.stdout()).isEqualTo("with the ca\n");

            TestPki other = TestPki.create(dir.resolve("other-ca"));
            Program untrusted = connect("x\n", "--tls", "--ca", other.ca().cert().toString(), target(port));
            assertThat(untrusted.process().exitValue()).isEqualTo(1);
            assertThat(untrusted.stderr()).isEqualTo("tcpkit connect: TLS handshake with " + target(port)
                    + " failed: the server's certificate is not signed by the CA in " + other.ca().cert()
                    + "; give the CA that signed it with --ca FILE, or skip the check with --insecure (development only)\n");

        }
    }

    @Test
    void aCertificateForAnotherNameIsRefusedInWords() throws Exception {
        // 127.0.0.2 is loopback too, but not among the certificate's names (localhost, 127.0.0.1, ::1).
        try (Program echo = tcpkit("echo", "--port", "0", "--host", "127.0.0.2", "--tls-cert", serverCert.cert().toString(),
                "--tls-key", serverCert.key().toString())) {
            int port = echo.awaitPort("echo", STARTUP);
            Program wrongName = connect("x\n", "--tls", "--ca", pki.ca().cert().toString(), "127.0.0.2:" + port);
            assertThat(wrongName.process().exitValue()).isEqualTo(1);
            assertThat(wrongName.stderr()).startsWith("tcpkit connect: TLS handshake with 127.0.0.2:" + port
                    + " failed: the server's certificate was refused (").endsWith("); connect with a name it was issued "
                    + "for, or skip the check with --insecure (development only)\n");
        }
    }

    @Test
    void certificateLoginThroughTheProgram() throws Exception {
        Path users = dir.resolve("users");
        Files.writeString(users, "alice " + PasswordHasher.hash("pw".toCharArray(), 1000) + "\n");
        try (Program command = tcpkit("command", "--port", "0", "--users", users.toString(),
                "--tls-cert", serverCert.cert().toString(), "--tls-key", serverCert.key().toString(),
                "--tls-client-ca", pki.ca().cert().toString(), "--tls-client-auth", "optional")) {
            int port = command.awaitPort("command", STARTUP);
            Program asAlice = connect("ACL WHOAMI\r\nQUIT\r\n", "--tls", "--ca", pki.ca().cert().toString(),
                    "--cert", alice.cert().toString(), "--key", alice.key().toString(), target(port));
            assertThat(asAlice.process().exitValue()).as(asAlice.stderr()).isZero();
            assertThat(asAlice.stdout()).isEqualTo("$5\r\nalice\r\n+OK\r\n");

            Program anonymous = connect("ACL WHOAMI\r\nQUIT\r\n", "--tls", "--ca", pki.ca().cert().toString(),
                    target(port));
            assertThat(anonymous.process().exitValue()).as(anonymous.stderr()).isZero();
            assertThat(anonymous.stdout()).isEqualTo("-NOAUTH Authentication required.\r\n+OK\r\n");
        }
    }

    @Test
    void badTlsOptionCombinationsExitTwo() throws Exception {
        try (Program certOnly = tcpkit("echo", "--port", "0", "--tls-cert", serverCert.cert().toString())) {
            assertThat(certOnly.awaitExit(EXIT)).isEqualTo(2);
            assertThat(certOnly.stderr()).isEqualTo("tcpkit echo: --tls-cert and --tls-key go together\n"
                    + "Try 'tcpkit echo --help' for more information.\n");
            assertThat(certOnly.stdout()).isEmpty();
        }
        try (Program keyOnly = tcpkit("echo", "--port", "0", "--tls-key", serverCert.key().toString())) {
            assertThat(keyOnly.awaitExit(EXIT)).isEqualTo(2);
            assertThat(keyOnly.stderr()).startsWith("tcpkit echo: --tls-cert and --tls-key go together\n");
        }
    }

    @Test
    void aPkcs1KeyIsOneClearLineAndExitOne() throws Exception {
        Path pkcs1 = pki.pkcs1(serverCert, "server-pkcs1.key");
        try (Program echo = tcpkit("echo", "--port", "0", "--tls-cert", serverCert.cert().toString(),
                "--tls-key", pkcs1.toString())) {
            assertThat(echo.awaitExit(EXIT)).isEqualTo(1);
            assertThat(echo.stderr()).startsWith("tcpkit: echo: " + pkcs1 + ": ")
                    .contains("openssl pkcs8 -topk8 -nocrypt");
        }
    }

    @Test
    void sighupReloadsTheCertificate() throws Exception {
        Path live = Files.createDirectories(dir.resolve("live"));
        Path cert = Files.copy(serverCert.cert(), live.resolve("cert.pem"));
        Path key = Files.copy(serverCert.key(), live.resolve("key.pem"));
        try (Program echo = tcpkit("echo", "--port", "0", "--tls-cert", cert.toString(), "--tls-key", key.toString())) {
            int port = echo.awaitPort("echo", STARTUP);
            hangUp(echo);
            echo.awaitStderr("SIGHUP received: reloaded TLS certificate of echo", STARTUP);
            // Only an explicit reload re-reads unchanged files (the watcher reloads on change).
            echo.awaitStderr("TLS certificate re-read (unchanged)", STARTUP);
            Program after = connect("after hup\n", "--tls", "--ca", pki.ca().cert().toString(), target(port));
            assertThat(after.stdout()).as(after.stderr()).isEqualTo("after hup\n");
        }
    }

    @Test
    void denyAndAllowListsRefuseWithTheMessage() throws Exception {
        try (Program echo = tcpkit("echo", "--port", "0", "--deny", "127.0.0.1")) {
            int port = echo.awaitPort("echo", STARTUP);
            assertThat(refusal(port)).isEqualTo("ERR access denied\r\n");
        }
        try (Program echo = tcpkit("echo", "--port", "0", "--allow", "10.0.0.0/8,::1")) {
            int port = echo.awaitPort("echo", STARTUP);
            assertThat(refusal(port)).isEqualTo("ERR access denied\r\n");
        }
        try (Program bad = tcpkit("echo", "--port", "0", "--deny", "localhost")) {
            assertThat(bad.awaitExit(EXIT)).isEqualTo(2);
            assertThat(bad.stderr()).contains("--deny: not an IP address: 'localhost'");
        }
    }

    @Test
    void proxyProtocolAndConnectRateFromTheCommandLine() throws Exception {
        try (Program echo = tcpkit("echo", "--port", "0", "--proxy-protocol",
                "--max-connect-rate", "1", "--connect-burst", "1")) {
            int port = echo.awaitPort("echo", STARTUP);
            try (Socket s = plain(port)) {
                s.getOutputStream().write("PROXY TCP4 203.0.113.7 127.0.0.1 40000 7000\r\nproxied".getBytes(StandardCharsets.US_ASCII));
                assertThat(new String(s.getInputStream().readNBytes(7), StandardCharsets.US_ASCII)).isEqualTo("proxied");
            }
            // Same real client again at once: over its rate; another client behind the proxy is not.
            try (Socket s = plain(port)) {
                s.getOutputStream().write("PROXY TCP4 203.0.113.7 127.0.0.1 40001 7000\r\n".getBytes(StandardCharsets.US_ASCII));
                assertThat(new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII))
                        .isEqualTo("ERR too many connections per second from your address\r\n");
            }
            try (Socket s = plain(port)) {
                s.getOutputStream().write("PROXY TCP4 203.0.113.8 127.0.0.1 40002 7000\r\nother".getBytes(StandardCharsets.US_ASCII));
                assertThat(new String(s.getInputStream().readNBytes(5), StandardCharsets.US_ASCII)).isEqualTo("other");
            }
        }
    }

    private static Socket plain(int port) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        s.setSoTimeout(10_000);
        return s;
    }

    private static String refusal(int port) throws IOException {
        try (Socket s = plain(port)) {
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    private static void hangUp(Program program) throws Exception {
        Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(program.process().pid())).start();
        try {
            assertThat(kill.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            assertThat(kill.exitValue()).isZero();
        } finally {
            kill.destroyForcibly();
        }
    }

    /** The fingerprint of the certificate served on the port, accepting whatever it is. */
    private static String peerFingerprint(int port) throws Exception {
        SSLContext trustAll = SSLContext.getInstance("TLS");
        trustAll.init(null, new TrustManager[] {new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }}, null);
        try (Socket plain = plain(port);
             SSLSocket s = (SSLSocket) trustAll.getSocketFactory().createSocket(plain, "127.0.0.1", port, true)) {
            s.startHandshake();
            return TestPki.fingerprint(s.getSession().getPeerCertificates()[0]);
        }
    }
}
