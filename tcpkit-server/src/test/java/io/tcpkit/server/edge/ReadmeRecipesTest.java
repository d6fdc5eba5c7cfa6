package io.tcpkit.server.edge;

import io.tcpkit.server.auth.PasswordHasher;
import io.tcpkit.server.testing.Tcpkit;
import io.tcpkit.testing.ChildProcess;
import io.tcpkit.testing.Require;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's recipes, run as written: its openssl commands make certificates that log a user in
 * by client certificate, and its HAProxy configuration passes the client's address to tcpkit.
 * Each needs its tool, and fails without it when CI=true.
 */
@Timeout(120)
class ReadmeRecipesTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    /** The README's fenced code block that contains {@code text}. */
    private static String readmeBlock(String text) throws IOException {
        String readme = Files.readString(Path.of("..", "README.md"), StandardCharsets.UTF_8);
        Matcher block = Pattern.compile("(?ms)^```[a-z]*\\n(.*?)^```").matcher(readme);
        while (block.find()) {
            if (block.group(1).contains(text)) {
                return block.group(1);
            }
        }
        throw new AssertionError("the README has no code block with '" + text + "'");
    }

    @Test
    void theOpensslCommandsMakeCertificatesThatLogAUserIn() throws Exception {
        Require.tool("openssl");
        Path script = Files.writeString(dir.resolve("certificates.sh"), readmeBlock("openssl req -x509"));
        try (ChildProcess sh = ChildProcess.start(dir, List.of("bash", "-euo", "pipefail", script.toString()))) {
            assertThat(sh.awaitExit(Duration.ofSeconds(60))).as(sh.output()).isZero();
        }

        Files.writeString(dir.resolve("users.txt"), "alice " + PasswordHasher.hash("pw".toCharArray(), 1000) + "\n");
        try (ChildProcess command = Tcpkit.start(dir, "command", "--port", "0", "--users", "users.txt",
                "--tls-cert", "server.pem", "--tls-key", "server.key", "--tls-client-ca", "ca.pem",
                "--tls-client-auth", "optional")) {
            int port = Tcpkit.awaitPort(command, "command");
            try (ChildProcess alice = Tcpkit.start(dir, "connect", "--tls", "--ca", "ca.pem", "--cert", "alice.pem",
                    "--key", "alice.key", "127.0.0.1:" + port)) {
                alice.stdin("ACL WHOAMI\r\nQUIT\r\n".getBytes(StandardCharsets.US_ASCII));
                assertThat(alice.awaitExit(WAIT)).as(alice.stderr()).isZero();
                assertThat(alice.stdout()).isEqualTo("$5\r\nalice\r\n+OK\r\n");
            }
        }
    }

    @Test
    void theHaproxyConfigurationPassesTheClientsAddress() throws Exception {
        Path haproxyProgram = Require.tool("haproxy");
        try (ChildProcess command = Tcpkit.start(dir, "command", "--port", "0", "--proxy-protocol",
                "--trusted-proxies", "127.0.0.1")) {
            int tcpkit = Tcpkit.awaitPort(command, "command");
            int front;
            try (ServerSocket probe = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                front = probe.getLocalPort();
            }
            // As written, but on loopback and the ports of this run.
            String config = readmeBlock("frontend redis")
                    .replace("bind :6379", "bind 127.0.0.1:" + front)
                    .replace("127.0.0.1:7002", "127.0.0.1:" + tcpkit);
            Path cfg = Files.writeString(dir.resolve("haproxy.cfg"), config);
            try (ChildProcess haproxy = ChildProcess.start(dir, List.of(haproxyProgram.toString(), "-db", "-f",
                    cfg.toString()))) {
                try (Socket client = connect(front, haproxy)) {
                    client.getOutputStream().write("CLIENT INFO\r\n".getBytes(StandardCharsets.US_ASCII));
                    BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(),
                            StandardCharsets.US_ASCII));
                    assertThat(in.readLine()).startsWith("$");
                    assertThat(in.readLine()).as("tcpkit sees the client, not HAProxy")
                            .contains(" addr=127.0.0.1:" + client.getLocalPort() + " ");
                }
            }
        }
    }

    /** A client of HAProxy's frontend, once it accepts. */
    private Socket connect(int port, ChildProcess haproxy) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            if (!haproxy.isAlive()) {
                throw new AssertionError("haproxy exited " + haproxy.exitValue() + ": " + haproxy.output());
            }
            Socket s = new Socket();
            try {
                s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                s.setSoTimeout(20_000);
                return s;
            } catch (IOException e) {
                s.close();
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("haproxy did not accept on " + port, e);
                }
                Thread.sleep(50);
            }
        }
    }
}
