package io.tcpkit.engine;

import io.tcpkit.CloseReason;
import io.tcpkit.Limits;
import io.tcpkit.RejectReason;
import io.tcpkit.TcpServer;
import io.tcpkit.testing.Net;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** Every limit, with the message the peer gets and the reason the server records. */
@Timeout(60)
class LimitsTest {
    private TcpServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private int start(Limits limits, io.tcpkit.ConnectionHandler handler) throws Exception {
        server = TcpServer.builder().port(0).handler(handler).limits(limits).start();
        return server.port();
    }

    @Test
    void idleConnectionsAreClosed() throws Exception {
        int port = start(Limits.DEFAULT.withIdleTimeout(Duration.ofMillis(300)), Net.ECHO);
        try (Socket s = Net.connect(port)) {
            long started = System.nanoTime();
            assertThat(Net.closedByPeer(s)).isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(250));
        }
        Net.await("the idle close to be counted", Duration.ofSeconds(5),
                () -> server.stats().closed().get(CloseReason.IDLE_TIMEOUT) == 1);
    }

    @Test
    void slowlorisIsCutOffByTheFrameDeadlineWhileOthersAreServed() throws Exception {
        int port = start(Limits.DEFAULT.withReadTimeout(Duration.ofMillis(500)), Net.LINE_ECHO);
        try (Socket slow = Net.connect(port); Socket normal = Net.connect(port)) {
            OutputStream out = slow.getOutputStream();
            boolean cut = false;
            for (int i = 0; i < 40 && !cut; i++) {
                try {
                    out.write('x'); // a byte every 50 ms, never a whole line
                    out.flush();
                    Net.send(normal, "line " + i + "\n");
                    assertThat(Net.readLine(normal)).isEqualTo("line " + i + "\n");
                    Thread.sleep(50); // the attack's own pacing, not synchronisation
                } catch (java.io.IOException e) {
                    cut = true;
                }
                cut = cut || server.stats().closed().get(CloseReason.READ_TIMEOUT) == 1;
            }
            assertThat(cut).as("slow client cut off within 2 s").isTrue();
            assertThat(Net.closedByPeer(slow)).isTrue();
        }
        Net.await("the read timeout to be counted", Duration.ofSeconds(5),
                () -> server.stats().closed().get(CloseReason.READ_TIMEOUT) == 1);
    }

    @Test
    void overTheConnectionLimitTheClientReadsWhyAndIsClosed() throws Exception {
        int port = start(Limits.DEFAULT.withMaxConnections(2), Net.ECHO);
        try (Socket a = Net.connect(port); Socket b = Net.connect(port)) {
            Net.send(a, "a");
            Net.send(b, "b");
            assertThat(Net.read(a, 1) + Net.read(b, 1)).isEqualTo("ab");
            try (Socket c = Net.connect(port)) {
                assertThat(new String(c.getInputStream().readAllBytes(), StandardCharsets.US_ASCII))
                        .isEqualTo("ERR too many connections\r\n");
            }
            assertThat(server.stats().rejected().get(RejectReason.MAX_CONNECTIONS)).isEqualTo(1);
        }
        Net.await("permits to return", Duration.ofSeconds(5), () -> server.stats().open() == 0);
        try (Socket again = Net.connect(port)) {
            Net.send(again, "z");
            assertThat(Net.read(again, 1)).isEqualTo("z");
        }
    }

    @Test
    void overThePerAddressLimitTheClientReadsWhy() throws Exception {
        int port = start(Limits.DEFAULT.withMaxConnectionsPerAddress(1), Net.ECHO);
        try (Socket a = Net.connect(port)) {
            Net.send(a, "a");
            assertThat(Net.read(a, 1)).isEqualTo("a");
            try (Socket b = Net.connect(port)) {
                assertThat(new String(b.getInputStream().readAllBytes(), StandardCharsets.US_ASCII))
                        .isEqualTo("ERR too many connections from your address\r\n");
            }
        }
        assertThat(server.stats().rejected().get(RejectReason.MAX_CONNECTIONS_PER_ADDRESS)).isEqualTo(1);
        Net.await("the address slot to be returned", Duration.ofSeconds(5),
                () -> ((EngineServer) server).trackedAddresses() == 0);
    }

    @Test
    void theRejectionMessageIsTheServices() throws Exception {
        server = TcpServer.builder().port(0).handler(Net.ECHO).limits(Limits.DEFAULT.withMaxConnections(1))
                .rejectionMessage(r -> Optional.of(("-ERR max number of clients reached (" + r + ")\r\n")
                        .getBytes(StandardCharsets.US_ASCII)))
                .start();
        try (Socket a = Net.connect(server.port()); Socket b = Net.connect(server.port())) {
            assertThat(new String(b.getInputStream().readAllBytes(), StandardCharsets.US_ASCII))
                    .isEqualTo("-ERR max number of clients reached (MAX_CONNECTIONS)\r\n");
        }
    }

    @Test
    void anOverlongLineEndsTheConnectionWhenTheHandlerLetsItGo() throws Exception {
        int port = start(Limits.DEFAULT.withMaxLineBytes(10), Net.LINE_ECHO);
        try (Socket s = Net.connect(port)) {
            Net.send(s, "0123456789\n");
            assertThat(Net.readLine(s)).isEqualTo("0123456789\n");
            Net.send(s, "0123456789A\n");
            assertThat(Net.closedByPeer(s)).isTrue();
        }
        Net.await("the close to be counted", Duration.ofSeconds(5),
                () -> server.stats().closed().get(CloseReason.FRAME_TOO_LONG) == 1);
    }

    @Test
    void aPeerThatNeverReadsIsClosedByTheWriteTimeout() throws Exception {
        byte[] chunk = new byte[64 * 1024];
        int port = start(Limits.DEFAULT.withWriteTimeout(Duration.ofMillis(300)), conn -> {
            while (true) {
                conn.write(chunk);
                conn.flush();
            }
        });
        try (Socket s = new Socket()) {
            s.setReceiveBufferSize(4096);
            s.connect(new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), port));
            Net.await("the write timeout", Duration.ofSeconds(10),
                    () -> server.stats().closed().get(CloseReason.WRITE_TIMEOUT) == 1);
        }
        Net.await("the handler to end", Duration.ofSeconds(5), () -> server.stats().open() == 0);
    }
}
