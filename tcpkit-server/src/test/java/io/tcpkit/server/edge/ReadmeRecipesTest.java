package io.tcpkit.server.edge;

import io.tcpkit.server.auth.PasswordHasher;
import io.tcpkit.server.cli.Program;
import io.tcpkit.tls.TestPki;
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
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The README's recipes, run as written: its openssl commands make certificates that log a user in
 * by client certificate, and its HAProxy configuration passes the client's address to tcpkit.
 * Each needs its tool, and fails without it when CI=true.
 */
@Timeout(120)
class ReadmeRecipesTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Path HAPROXY = Path.of("/usr/sbin/haproxy");

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

    private static void require(String tool, boolean installed) {
        if (!installed && "true".equals(System.getenv("CI"))) {
            fail(tool + " is required in CI");
        }
        assumeTrue(installed, tool + " is not installed");
    }

    @Test
    void theOpensslCommandsMakeCertificatesThatLogAUserIn() throws Exception {
        require("openssl", TestPki.opensslAvailable());
        Path script = Files.writeString(dir.resolve("certificates.sh"), readmeBlock("openssl req -x509"));
        Process sh = new ProcessBuilder("bash", "-euo", "pipefail", script.toString()).directory(dir.toFile())
                .redirectErrorStream(true).redirectOutput(dir.resolve("certificates.log").toFile()).start();
        assertThat(sh.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(sh.exitValue()).as(Files.readString(dir.resolve("certificates.log"))).isZero();

        Files.writeString(dir.resolve("users.txt"), "alice " + PasswordHasher.hash("pw".toCharArray(), 1000) + "\n");
        try (Program command = Program.start(dir, "command", "--port", "0", "--users", "users.txt",
                "--tls-cert", "server.pem", "--tls-key", "server.key", "--tls-client-ca", "ca.pem",
                "--tls-client-auth", "optional")) {
            int port = command.awaitPort("command", WAIT);
            try (Program alice = Program.start(dir, "connect", "--tls", "--ca", "ca.pem", "--cert", "alice.pem",
                    "--key", "alice.key", "127.0.0.1:" + port)) {
                alice.stdin("ACL WHOAMI\r\nQUIT\r\n".getBytes(StandardCharsets.US_ASCII));
                assertThat(alice.awaitExit(WAIT)).as(alice.stderr()).isZero();
                assertThat(alice.stdout()).isEqualTo("$5\r\nalice\r\n+OK\r\n");
            }
        }
    }

    @Test
    void theHaproxyConfigurationPassesTheClientsAddress() throws Exception {
        require("haproxy", Files.isExecutable(HAPROXY));
        try (Program command = Program.start(dir, "command", "--port", "0", "--proxy-protocol",
                "--trusted-proxies", "127.0.0.1")) {
            int tcpkit = command.awaitPort("command", WAIT);
            int front;
            try (ServerSocket probe = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                front = probe.getLocalPort();
            }
            // As written, but on loopback and the ports of this run.
            String config = readmeBlock("frontend redis")
                    .replace("bind :6379", "bind 127.0.0.1:" + front)
                    .replace("127.0.0.1:7002", "127.0.0.1:" + tcpkit);
            Path cfg = Files.writeString(dir.resolve("haproxy.cfg"), config);
            Process haproxy = new ProcessBuilder(HAPROXY.toString(), "-db", "-f", cfg.toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("haproxy.log").toFile()).start();
            try {
                try (Socket client = connect(front, haproxy)) {
                    client.getOutputStream().write("CLIENT INFO\r\n".getBytes(StandardCharsets.US_ASCII));
                    BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(),
                            StandardCharsets.US_ASCII));
                    assertThat(in.readLine()).startsWith("$");
                    assertThat(in.readLine()).as("tcpkit sees the client, not HAProxy")
                            .contains(" addr=127.0.0.1:" + client.getLocalPort() + " ");
                }
            } finally {
                haproxy.destroy();
                haproxy.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    /** A client of HAProxy's frontend, once it accepts. */
    private Socket connect(int port, Process haproxy) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            if (!haproxy.isAlive()) {
                throw new AssertionError("haproxy exited " + haproxy.exitValue() + ": "
                        + Files.readString(dir.resolve("haproxy.log")));
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
