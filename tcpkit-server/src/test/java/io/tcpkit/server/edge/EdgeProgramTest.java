package io.tcpkit.server.edge;

import io.tcpkit.server.auth.PasswordHasher;
import io.tcpkit.server.testing.Tcpkit;
import io.tcpkit.testing.ChildProcess;
import io.tcpkit.testing.Net;
import io.tcpkit.testing.TestPki;
import io.tcpkit.testing.TlsClient;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.MatchResult;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The edge options as a user runs them: {@code tcpkit echo|command} with TLS (self-signed, a
 * CA-signed certificate, client certificates) and access lists; and
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
        pki = TestPki.copyTo(dir);
        serverCert = pki.serverRsa();
        alice = pki.alice();
    }

    private static ChildProcess tcpkit(String... args) throws IOException {
        return Tcpkit.start(dir, args);
    }

    private static String target(int port) {
        return "127.0.0.1:" + port;
    }

    /** Runs {@code tcpkit connect ARGS} with {@code input} on stdin; returns it after it exited. */
    private static ChildProcess connect(String input, String... args) throws Exception {
        String[] all = new String[args.length + 1];
        all[0] = "connect";
        System.arraycopy(args, 0, all, 1, args.length);
        ChildProcess connect = tcpkit(all);
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
        try (ChildProcess echo = tcpkit("echo", "--port", "0", "--tls-self-signed")) {
            int port = Tcpkit.awaitPort(echo, "echo");
            MatchResult printed = echo.awaitStdout(FINGERPRINT, STARTUP);
            assertThat(echo.stdout()).contains("listening on " + target(port) + " (TLS)",
                    "tcpkit connect --tls --insecure " + target(port));
            assertThat(TlsClient.servedFingerprint(port)).as("the printed fingerprint is the served certificate's")
                    .isEqualTo(printed.group(1));

            ChildProcess insecure = connect("hello over tls\n", "--tls", "--insecure", target(port));
            assertThat(insecure.process().exitValue()).as(insecure.stderr()).isZero();
            assertThat(insecure.stdout()).isEqualTo("hello over tls\n");

            ChildProcess verifying = connect("never sent\n", "--tls", target(port));
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
        try (ChildProcess echo = tcpkit("echo", "--port", "0", "--tls-cert", serverCert.cert().toString(),
                "--tls-key", serverCert.key().toString(), "--tls-client-ca", pki.ca().toString())) {
            int port = Tcpkit.awaitPort(echo, "echo");
            assertThat(echo.awaitStdout(FINGERPRINT, STARTUP).group(1)).isEqualTo(serverCert.fingerprint());

            ChildProcess mutual = connect("mutual\n", "--tls", "--ca", pki.ca().toString(),
                    "--cert", alice.cert().toString(), "--key", alice.key().toString(), target(port));
            assertThat(mutual.process().exitValue()).as(mutual.stderr()).isZero();
            assertThat(mutual.stdout()).isEqualTo("mutual\n");

            // No client certificate: refused (in TLS 1.3 the alert may come after connect's side of the handshake).
            ChildProcess anonymous = connect("anonymous\n", "--tls", "--ca", pki.ca().toString(), target(port));
            assertThat(anonymous.process().exitValue()).isEqualTo(1);
            assertThat(anonymous.stdout()).isEmpty();
            assertThat(anonymous.stderr()).startsWith("tcpkit connect: ");
        }
    }

    @Test
    void connectVerifiesTheServerAgainstTheGivenCa() throws Exception {
        try (ChildProcess echo = tcpkit("echo", "--port", "0", "--tls-cert", serverCert.cert().toString(),
                "--tls-key", serverCert.key().toString())) {
            int port = Tcpkit.awaitPort(echo, "echo");
            ChildProcess trusted = connect("with the ca\n", "--tls", "--ca", pki.ca().toString(), target(port));
            assertThat(trusted.process().exitValue()).as(trusted.stderr()).isZero();
            assertThat(trusted.stdout()).isEqualTo("with the ca\n");

            ChildProcess untrusted = connect("x\n", "--tls", "--ca", pki.otherCa().toString(), target(port));
            assertThat(untrusted.process().exitValue()).isEqualTo(1);
            assertThat(untrusted.stderr()).isEqualTo("tcpkit connect: TLS handshake with " + target(port)
                    + " failed: the server's certificate is not signed by the CA in " + pki.otherCa()
                    + "; give the CA that signed it with --ca FILE, or skip the check with --insecure (development only)\n");

        }
    }

    @Test
    void aCertificateForAnotherNameIsRefusedInWords() throws Exception {
        // 127.0.0.2 is loopback too, but not among the certificate's names (localhost, 127.0.0.1, ::1).
        try (ChildProcess echo = tcpkit("echo", "--port", "0", "--host", "127.0.0.2", "--tls-cert",
                serverCert.cert().toString(), "--tls-key", serverCert.key().toString())) {
            int port = Tcpkit.awaitPort(echo, "echo");
            ChildProcess wrongName = connect("x\n", "--tls", "--ca", pki.ca().toString(), "127.0.0.2:" + port);
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
        try (ChildProcess command = tcpkit("command", "--port", "0", "--users", users.toString(),
                "--tls-cert", serverCert.cert().toString(), "--tls-key", serverCert.key().toString(),
                "--tls-client-ca", pki.ca().toString(), "--tls-client-auth", "optional")) {
            int port = Tcpkit.awaitPort(command, "command");
            ChildProcess asAlice = connect("ACL WHOAMI\r\nQUIT\r\n", "--tls", "--ca", pki.ca().toString(),
                    "--cert", alice.cert().toString(), "--key", alice.key().toString(), target(port));
            assertThat(asAlice.process().exitValue()).as(asAlice.stderr()).isZero();
            assertThat(asAlice.stdout()).isEqualTo("$5\r\nalice\r\n+OK\r\n");

            ChildProcess anonymous = connect("ACL WHOAMI\r\nQUIT\r\n", "--tls", "--ca", pki.ca().toString(),
                    target(port));
            assertThat(anonymous.process().exitValue()).as(anonymous.stderr()).isZero();
            assertThat(anonymous.stdout()).isEqualTo("-NOAUTH Authentication required.\r\n+OK\r\n");
        }
    }

    @Test
    void badTlsOptionCombinationsExitTwo() throws Exception {
        try (ChildProcess certOnly = tcpkit("echo", "--port", "0", "--tls-cert", serverCert.cert().toString())) {
            assertThat(certOnly.awaitExit(EXIT)).isEqualTo(2);
            assertThat(certOnly.stderr()).isEqualTo("tcpkit echo: --tls-cert and --tls-key go together\n"
                    + "Try 'tcpkit echo --help' for more information.\n");
            assertThat(certOnly.stdout()).isEmpty();
        }
        try (ChildProcess keyOnly = tcpkit("echo", "--port", "0", "--tls-key", serverCert.key().toString())) {
            assertThat(keyOnly.awaitExit(EXIT)).isEqualTo(2);
            assertThat(keyOnly.stderr()).startsWith("tcpkit echo: --tls-cert and --tls-key go together\n");
        }
    }

    @Test
    void aPkcs1KeyIsOneClearLineAndExitOne() throws Exception {
        Path pkcs1 = pki.rsaKeyPkcs1();
        try (ChildProcess echo = tcpkit("echo", "--port", "0", "--tls-cert", serverCert.cert().toString(),
                "--tls-key", pkcs1.toString())) {
            assertThat(echo.awaitExit(EXIT)).isEqualTo(1);
            assertThat(echo.stderr()).startsWith("tcpkit: echo: " + pkcs1 + ": ")
                    .contains("openssl pkcs8 -topk8 -nocrypt");
        }
    }

    @Test
    void denyAndAllowListsRefuseWithTheMessage() throws Exception {
        try (ChildProcess echo = tcpkit("echo", "--port", "0", "--deny", "127.0.0.1")) {
            int port = Tcpkit.awaitPort(echo, "echo");
            assertThat(refusal(port)).isEqualTo("ERR access denied\r\n");
        }
        try (ChildProcess echo = tcpkit("echo", "--port", "0", "--allow", "10.0.0.0/8,::1")) {
            int port = Tcpkit.awaitPort(echo, "echo");
            assertThat(refusal(port)).isEqualTo("ERR access denied\r\n");
        }
        try (ChildProcess bad = tcpkit("echo", "--port", "0", "--deny", "localhost")) {
            assertThat(bad.awaitExit(EXIT)).isEqualTo(2);
            assertThat(bad.stderr()).contains("--deny: not an IP address: 'localhost'");
        }
    }

    @Test
    void proxyProtocolAndConnectRateFromTheCommandLine() throws Exception {
        try (ChildProcess echo = tcpkit("echo", "--port", "0", "--proxy-protocol",
                "--max-connect-rate", "1", "--connect-burst", "1")) {
            int port = Tcpkit.awaitPort(echo, "echo");
            try (Socket s = Net.connect(port)) {
                s.getOutputStream().write("PROXY TCP4 203.0.113.7 127.0.0.1 40000 7000\r\nproxied".getBytes(StandardCharsets.US_ASCII));
                assertThat(new String(s.getInputStream().readNBytes(7), StandardCharsets.US_ASCII)).isEqualTo("proxied");
            }
            // Same real client again at once: over its rate; another client behind the proxy is not.
            try (Socket s = Net.connect(port)) {
                s.getOutputStream().write("PROXY TCP4 203.0.113.7 127.0.0.1 40001 7000\r\n".getBytes(StandardCharsets.US_ASCII));
                assertThat(Net.readToEnd(s)).isEqualTo("ERR too many connections per second from your address\r\n");
            }
            try (Socket s = Net.connect(port)) {
                s.getOutputStream().write("PROXY TCP4 203.0.113.8 127.0.0.1 40002 7000\r\nother".getBytes(StandardCharsets.US_ASCII));
                assertThat(new String(s.getInputStream().readNBytes(5), StandardCharsets.US_ASCII)).isEqualTo("other");
            }
        }
    }

    private static String refusal(int port) throws IOException {
        try (Socket s = Net.connect(port)) {
            return Net.readToEnd(s);
        }
    }
}
