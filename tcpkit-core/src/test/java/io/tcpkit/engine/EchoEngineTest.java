package io.tcpkit.engine;

import io.tcpkit.CloseReason;
import io.tcpkit.Limits;
import io.tcpkit.TcpServer;
import io.tcpkit.testing.Net;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/** The engine under an echo handler: framing-free streams, many clients, half-close, resets. */
@Timeout(60)
class EchoEngineTest {
    private TcpServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private int start(Limits limits) throws Exception {
        server = TcpServer.builder().port(0).service("echo").handler(Net.ECHO).limits(limits).start();
        return server.port();
    }

    @Test
    void dribbledBytesComeBackOneByOne() throws Exception {
        int port = start(Limits.DEFAULT);
        try (Socket s = Net.connect(port)) {
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            for (int i = 0; i < 256; i++) {
                out.write(i);
                out.flush();
                assertThat(in.read()).isEqualTo(i);
            }
        }
    }

    @Test
    void tenMebibytesOfRandomBinaryComeBackIntact() throws Exception {
        int port = start(Limits.DEFAULT);
        byte[] data = new byte[10 * 1024 * 1024];
        new Random(7).nextBytes(data);
        try (Socket s = Net.connect(port)) {
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    OutputStream out = s.getOutputStream();
                    for (int off = 0; off < data.length; off += 100_003) {
                        out.write(data, off, Math.min(100_003, data.length - off));
                    }
                    s.shutdownOutput();
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });
            byte[] back = s.getInputStream().readAllBytes();
            writer.join();
            assertThat(back.length).isEqualTo(data.length);
            assertThat(MessageDigest.getInstance("SHA-256").digest(back))
                    .isEqualTo(MessageDigest.getInstance("SHA-256").digest(data));
        }
    }

    @Test
    void halfCloseGetsEverythingBackThenEndOfStream() throws Exception {
        int port = start(Limits.DEFAULT);
        try (Socket s = Net.connect(port)) {
            byte[] data = {0, 1, 2, '\r', '\n', (byte) 0xff, (byte) 0xc3, 0x28};
            s.getOutputStream().write(data);
            s.shutdownOutput();
            assertThat(s.getInputStream().readAllBytes()).isEqualTo(data);
        }
        Net.await("the close to be counted", Duration.ofSeconds(5),
                () -> server.stats().closed().get(CloseReason.PEER_CLOSED) == 1);
    }

    @Test
    void aThousandConcurrentClients() throws Exception {
        int port = start(Limits.DEFAULT.withMaxConnectionsPerAddress(2000));
        List<Future<String>> replies = new ArrayList<>();
        try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 1000; i++) {
                String message = "client " + i + "\n";
                replies.add(clients.submit(() -> {
                    try (Socket s = Net.connect(port)) {
                        Net.send(s, message);
                        return Net.read(s, message.length());
                    }
                }));
            }
            for (int i = 0; i < 1000; i++) {
                assertThat(replies.get(i).get()).isEqualTo("client " + i + "\n");
            }
        }
        assertThat(server.stats().accepted()).isEqualTo(1000);
        assertThat(server.stats().rejectedTotal()).isZero();
        Net.await("every connection to end", Duration.ofSeconds(10), () -> server.stats().open() == 0);
    }

    @Test
    void aClientThatResetsMidStreamDisturbsNobody() throws Exception {
        int port = start(Limits.DEFAULT);
        try (Socket steady = Net.connect(port)) {
            Socket rude = Net.connect(port);
            Net.send(rude, "half a message that will never be rea");
            rude.setSoLinger(true, 0);
            rude.close(); // RST
            for (int i = 0; i < 100; i++) {
                Net.send(steady, "ping " + i + "\n");
                assertThat(Net.readLine(steady)).isEqualTo("ping " + i + "\n");
            }
            Net.await("the reset connection to end", Duration.ofSeconds(5), () -> server.stats().open() == 1);
            assertThat(server.stats().closed().get(CloseReason.IO_ERROR)
                    + server.stats().closed().get(CloseReason.PEER_CLOSED)).isEqualTo(1);
        }
    }

    @Test
    void aFloodOfConnectAndResetLeavesTheServerServing() throws Exception {
        int port = start(Limits.DEFAULT);
        for (int i = 0; i < 300; i++) {
            Socket s = Net.connect(port);
            s.setSoLinger(true, 0);
            s.close();
        }
        try (Socket s = Net.connect(port)) {
            Net.send(s, "still here\n");
            assertThat(Net.readLine(s)).isEqualTo("still here\n");
        }
        Net.await("the flood to drain", Duration.ofSeconds(10), () -> server.stats().open() == 0);
    }

    @Test
    void connectionsAreListedAndCanBeKilled() throws Exception {
        int port = start(Limits.DEFAULT);
        try (Socket s = Net.connect(port)) {
            Net.send(s, "x");
            assertThat(Net.read(s, 1)).isEqualTo("x");
            // The server counts a write after it returns, which may be after we read its bytes.
            Net.await("the echo to be counted", Duration.ofSeconds(5),
                    () -> server.connections().size() == 1 && server.connections().get(0).bytesOut() == 1);
            var listed = server.connections();
            assertThat(listed.get(0).remoteAddress().getPort()).isEqualTo(s.getLocalPort());
            assertThat(listed.get(0).bytesIn()).isEqualTo(1);
            assertThat(listed.get(0).bytesOut()).isEqualTo(1);
            assertThat(server.kill(listed.get(0).id())).isTrue();
            assertThat(Net.closedByPeer(s)).isTrue();
            Net.await("the killed connection to leave the registry", Duration.ofSeconds(5),
                    () -> server.connections().isEmpty());
            assertThat(server.kill(listed.get(0).id())).isFalse();
        }
        Net.await("the kill to be counted", Duration.ofSeconds(5),
                () -> server.stats().closed().get(CloseReason.KILLED) == 1);
    }
}
