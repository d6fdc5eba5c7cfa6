package io.tcpkit.server.cli;

import io.tcpkit.server.testing.Tcpkit;
import io.tcpkit.testing.ChildProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** What a client refused at --max-connections reads is what the README says it reads. */
@Timeout(120)
class RefusalTextProgramTest {

    private static String refusal(int port) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(10_000);
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    private static Socket hold(int port) throws IOException {
        return new Socket(InetAddress.getLoopbackAddress(), port);
    }

    @Test
    void theReadmesRefusalTextsAreTheServers() throws Exception {
        try (ChildProcess serve = Tcpkit.start("serve", "--echo-port", "0", "--chat-port", "0", "--command-port", "0",
                "--max-connections", "1")) {
            int echo = Tcpkit.awaitPort(serve, "echo");
            int command = Tcpkit.awaitPort(serve, "command");
            try (Socket first = hold(echo)) {
                first.getOutputStream().write('x');
                assertThat(first.getInputStream().read()).isEqualTo('x'); // admitted and served
                assertThat(refusal(echo)).isEqualTo("ERR too many connections\r\n");
            }
            try (Socket first = hold(command)) {
                first.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
                assertThat(new String(first.getInputStream().readNBytes(7), StandardCharsets.US_ASCII)).isEqualTo("+PONG\r\n");
                assertThat(refusal(command)).isEqualTo("-ERR max number of clients reached\r\n");
            }
        }
    }
}
