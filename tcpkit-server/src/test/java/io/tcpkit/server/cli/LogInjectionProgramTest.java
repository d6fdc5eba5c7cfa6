package io.tcpkit.server.cli;

import io.tcpkit.server.testing.Tcpkit;
import io.tcpkit.testing.ChildProcess;
import io.tcpkit.server.auth.PasswordHasher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Nothing a client sends can forge a line of the program's log or drive the terminal of whoever
 * reads it: not a user name, not a TLS server name.
 */
@Timeout(120)
class LogInjectionProgramTest {
    private static final String FORGED = "13:37:00.000 INFO  [main] Authenticator: login OK for user 'admin'";

    @TempDir
    Path dir;

    private static Socket connect(int port) throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
        s.setSoTimeout(10_000);
        return s;
    }

    /** Every line of stderr that starts with the forged text: none, if nothing was forged. */
    private static List<String> forgedLines(ChildProcess program) {
        return program.stderr().lines().filter(l -> l.startsWith("13:37:00.000")).toList();
    }

    @Test
    void aUserNameCannotForgeALogLine() throws Exception {
        Path users = dir.resolve("users");
        Files.write(users, List.of("admin " + PasswordHasher.hash("secret".toCharArray(), 1000)));
        try (ChildProcess command = Tcpkit.start("command", "--port", "0", "--users", users.toString())) {
            int port = Tcpkit.awaitPort(command, "command");
            String name = "nobody' from 10.1.2.3\n" + FORGED + "\u001b[2J\u001b]0;pwned\u0007";
            try (Socket s = connect(port)) {
                byte[] n = name.getBytes(StandardCharsets.UTF_8);
                ByteArrayOutputStream req = new ByteArrayOutputStream();
                req.writeBytes(("*3\r\n$4\r\nAUTH\r\n$" + n.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
                req.writeBytes(n);
                req.writeBytes("\r\n$1\r\nx\r\n".getBytes(StandardCharsets.US_ASCII));
                s.getOutputStream().write(req.toByteArray());
                String wrong = "-WRONGPASS invalid username-password pair or user is disabled.\r\n";
                assertThat(new String(s.getInputStream().readNBytes(wrong.length()), StandardCharsets.US_ASCII))
                        .isEqualTo(wrong);
            }
            command.awaitStderr("login failed", Duration.ofSeconds(10));
            assertThat(forgedLines(command)).isEmpty();
            assertThat(command.stderr()).contains("login failed: user 'nobody' from 10.1.2.3\\n" + FORGED
                    + "\\x1b[2J\\x1b]0;pwned\\x07' from 127.0.0.1").doesNotContain("\u001b");
        }
    }

    @Test
    void aTlsServerNameCannotForgeALogLine() throws Exception {
        try (ChildProcess echo = Tcpkit.start("echo", "--port", "0", "--tls-self-signed")) {
            int port = Tcpkit.awaitPort(echo, "echo");
            try (Socket s = connect(port)) {
                // The JDK's TLS quotes an illegal server name in its exception; the engine logs it.
                s.getOutputStream().write(clientHello(("x\n" + FORGED + "\u001b[2J").getBytes(StandardCharsets.UTF_8)));
                s.getInputStream().readAllBytes(); // an alert, then the close
            }
            echo.awaitStderr("TLS handshake failed", Duration.ofSeconds(20));
            assertThat(forgedLines(echo)).isEmpty();
            assertThat(echo.stderr()).contains("Illegal server name").contains("name=x\\n" + FORGED + "\\x1b[2J")
                    .doesNotContain("\u001b");
        }
    }

    /** A TLS 1.2 ClientHello whose server_name extension holds {@code serverName} as it is. */
    static byte[] clientHello(byte[] serverName) {
        ByteArrayOutputStream sni = new ByteArrayOutputStream();
        u16(sni, serverName.length + 3); // server_name_list
        sni.write(0); // host_name
        u16(sni, serverName.length);
        sni.writeBytes(serverName);
        ByteArrayOutputStream ext = new ByteArrayOutputStream();
        u16(ext, 0x0000); // server_name
        u16(ext, sni.size());
        ext.writeBytes(sni.toByteArray());
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        u16(body, 0x0303);
        body.writeBytes(new byte[32]); // random
        body.write(0); // session id
        u16(body, 2);
        u16(body, 0xc02f); // TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256
        body.write(1);
        body.write(0); // no compression
        u16(body, ext.size());
        body.writeBytes(ext.toByteArray());
        ByteArrayOutputStream hello = new ByteArrayOutputStream();
        hello.write(1); // client_hello
        hello.write(0);
        u16(hello, body.size());
        hello.writeBytes(body.toByteArray());
        ByteArrayOutputStream record = new ByteArrayOutputStream();
        record.write(22); // handshake
        u16(record, 0x0301);
        u16(record, hello.size());
        record.writeBytes(hello.toByteArray());
        return record.toByteArray();
    }

    private static void u16(ByteArrayOutputStream out, int v) {
        out.write(v >> 8);
        out.write(v & 0xff);
    }
}
