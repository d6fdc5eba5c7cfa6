package io.tcpkit.server.edge;

import io.tcpkit.server.testing.Tcpkit;
import io.tcpkit.testing.ChildProcess;
import io.tcpkit.testing.LineClient;
import io.tcpkit.testing.Net;
import io.tcpkit.testing.RespClient;
import io.tcpkit.testing.TestPki;
import io.tcpkit.testing.TlsClient;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The edge options of the program as a user runs it: {@code --tls-services} and
 * {@code --trusted-proxies} with {@code tcpkit serve}, and SIGHUP after the certificate files were
 * replaced, checked through real TLS handshakes.
 */
@Timeout(90)
class ServeEdgeProgramTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String PROMPT = "Welcome to tcpkit chat! What shall I call you?";

    @TempDir
    static Path dir;
    private static TestPki pki;

    @BeforeAll
    static void certificates() throws Exception {
        pki = TestPki.copyTo(dir.resolve("pki"));
    }

    @Test
    void tlsServicesChoosesWhichListenersUseTls() throws Exception {
        TestPki.Pair cert = pki.serverRsa();
        try (Tcpkit.Serve serve = Tcpkit.serve(dir, "--tls-cert", cert.cert().toString(), "--tls-key", cert.key().toString(),
                "--tls-services", "echo,command")) {
            String out = serve.process().stdout();
            assertThat(out).contains("echo     listening on 127.0.0.1:" + serve.echo() + " (TLS)  (try: tcpkit connect --tls 127.0.0.1:",
                    "command  listening on 127.0.0.1:" + serve.command() + " (TLS)",
                    "chat     listening on 127.0.0.1:" + serve.chat() + "  (try: tcpkit connect 127.0.0.1:" + serve.chat() + ")",
                    "TLS certificate SHA-256 " + cert.fingerprint());
            SSLContext client = TlsClient.context(pki.ca(), null);
            try (SSLSocket echo = TlsClient.connect(client, serve.echo())) {
                assertThat(TlsClient.peerFingerprint(echo)).isEqualTo(cert.fingerprint());
                assertThat(Net.roundTrip(echo, "over tls")).isEqualTo("over tls");
            }
            try (RespClient command = RespClient.over(TlsClient.connect(client, serve.command()), "command over tls")) {
                assertThat(command.call("PING")).isEqualTo("+PONG\r\n");
            }
            try (LineClient chat = LineClient.connect(serve.chat(), "plain chat")) {
                chat.expectLine(PROMPT);
            }
            // Plain text to a TLS listener is a failed handshake, never an echo.
            try (Socket plain = Net.connect(serve.echo())) {
                plain.getOutputStream().write("plain text\n".getBytes(StandardCharsets.US_ASCII));
                assertThat(new String(Net.readUntilClosed(plain), StandardCharsets.ISO_8859_1)).doesNotContain("plain");
            }
        }
    }

    @Test
    void trustedProxiesReplacesTheDefaultListOfWhoMaySendAProxyHeader() throws Exception {
        try (Tcpkit.Serve serve = Tcpkit.serve(dir, "--proxy-protocol", "--trusted-proxies", "127.0.0.2/32")) {
            String header = "PROXY TCP4 203.0.113.7 127.0.0.1 40000 7002\r\n";
            InetSocketAddress command = new InetSocketAddress(InetAddress.getLoopbackAddress(), serve.command());
            try (RespClient proxied = RespClient.connect(command, "127.0.0.2", "through the proxy")) {
                proxied.send(header);
                String list = proxied.inline("CLIENT LIST");
                assertThat(list).contains(" addr=203.0.113.7:40000 ", " laddr=127.0.0.1:" + serve.command() + " ");
            }
            // 127.0.0.1 is in the default list (127.0.0.0/8, ::1) but not in the one given.
            try (RespClient direct = RespClient.connect(command, "127.0.0.1", "not a trusted proxy")) {
                direct.send(header + "PING\r\n");
                assertThat(direct.readToEnd()).isEmpty();
                serve.process().awaitStderr("command@127.0.0.1:" + serve.command() + ": refused 127.0.0.1:"
                        + direct.localPort() + ": BAD_PROXY_HEADER (not a trusted proxy)", WAIT);
            }
        }
    }

    @Test
    void sighupAfterTheCertificateFilesWereReplacedServesTheNewCertificateToNewConnections() throws Exception {
        TestPki.Pair first = pki.serverEc();
        TestPki.Pair second = pki.serverRsa();
        Path live = Files.createDirectories(dir.resolve("live"));
        Path cert = live.resolve("cert.pem");
        Path key = live.resolve("key.pem");
        // The files are padded to the same sizes, and the new ones keep the old modification
        // times: the watcher (which looks for changed times or sizes) cannot see the change, so
        // only the hang-up can load it.
        int certSize = (int) Math.max(Files.size(first.cert()), Files.size(second.cert()));
        int keySize = (int) Math.max(Files.size(first.key()), Files.size(second.key()));
        writePadded(first.cert(), cert, certSize);
        writePadded(first.key(), key, keySize);
        try (ChildProcess echo = Tcpkit.start(dir, "echo", "--port", "0", "--tls-cert", cert.toString(),
                "--tls-key", key.toString())) {
            int port = Tcpkit.awaitPort(echo, "echo");
            assertThat(TlsClient.servedFingerprint(port)).isEqualTo(first.fingerprint());
            try (SSLSocket before = TlsClient.connect(TlsClient.context(pki.ca(), null), port)) {
                assertThat(Net.roundTrip(before, "before")).isEqualTo("before");

                replaceKeepingTime(second.cert(), cert, certSize);
                replaceKeepingTime(second.key(), key, keySize);
                assertThat(TlsClient.servedFingerprint(port)).as("replaced, not yet reloaded").isEqualTo(first.fingerprint());

                echo.signal("HUP");
                echo.awaitStderr("SIGHUP received: reloaded TLS certificate of echo", WAIT);
                echo.awaitStderr("TLS certificate reloaded from " + cert + ", SHA-256 " + second.fingerprint(), WAIT);
                assertThat(TlsClient.servedFingerprint(port)).isEqualTo(second.fingerprint());
                // A session from before goes on with its certificate.
                assertThat(Net.roundTrip(before, "after")).isEqualTo("after");
                assertThat(TlsClient.peerFingerprint(before)).isEqualTo(first.fingerprint());
            }
            // And tcpkit connect, verifying against the CA, is served by the new one.
            try (ChildProcess connect = Tcpkit.start(dir, "connect", "--tls", "--ca", pki.ca().toString(),
                    "127.0.0.1:" + port)) {
                connect.stdin("after hup\n".getBytes(StandardCharsets.UTF_8));
                assertThat(connect.awaitExit(WAIT)).as(connect.stderr()).isZero();
                assertThat(connect.stdout()).isEqualTo("after hup\n");
            }
        }
    }

    /** Copies {@code from} to {@code to}, padded with trailing newlines (which PEM readers skip) to {@code size} bytes. */
    private static void writePadded(Path from, Path to, int size) throws Exception {
        byte[] pem = Files.readAllBytes(from);
        byte[] padded = new byte[size];
        System.arraycopy(pem, 0, padded, 0, pem.length);
        Arrays.fill(padded, pem.length, size, (byte) '\n');
        Files.write(to, padded);
    }

    /** Replaces {@code live} at once (a rename) with {@code from}, padded to the same size, with live's modification time. */
    private static void replaceKeepingTime(Path from, Path live, int size) throws Exception {
        FileTime time = Files.getLastModifiedTime(live);
        Path fresh = live.resolveSibling(live.getFileName() + ".new");
        writePadded(from, fresh, size);
        Files.setLastModifiedTime(fresh, time);
        Files.move(fresh, live, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        assertThat(Files.getLastModifiedTime(live)).isEqualTo(time);
        assertThat(Files.size(live)).isEqualTo(size);
    }
}
