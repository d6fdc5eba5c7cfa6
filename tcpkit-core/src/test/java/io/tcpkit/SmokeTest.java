package io.tcpkit;

import io.tcpkit.codec.ReadBuffer;
import org.junit.jupiter.api.Test;

import java.net.Socket;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class SmokeTest {
    @Test
    void echoesAndHalfCloses() throws Exception {
        ConnectionHandler echo = conn -> {
            ReadBuffer in = conn.input();
            while (in.fill() > 0) {
                conn.write(in.array(), in.readIndex(), in.readable());
                in.skip(in.readable());
            }
        };
        try (TcpServer server = TcpServer.builder().port(0).handler(echo).start();
             Socket s = new Socket("127.0.0.1", server.port())) {
            s.getOutputStream().write("hello\0world".getBytes(StandardCharsets.ISO_8859_1));
            s.shutdownOutput();
            assertThat(new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1)).isEqualTo("hello\0world");
        }
    }
}
