package io.tcpkit.engine;

import io.tcpkit.CloseReason;
import io.tcpkit.ConnectionHandler;
import io.tcpkit.Limits;
import io.tcpkit.RejectReason;
import io.tcpkit.TcpServer;
import io.tcpkit.codec.FrameTooLongException;
import io.tcpkit.testing.Await;
import io.tcpkit.testing.Net;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every limit, with the bytes the peer gets and the reason the server records. */
@Timeout(30)
class LimitsTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @AutoClose
    private TcpServer server;

    private int start(Limits limits, ConnectionHandler handler) throws Exception {
        server = TcpServer.builder().port(0).handler(handler).limits(limits).start();
        return server.port();
    }

    private static Duration since(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    // ---- timeouts ----

    @Test
    void anIdleConnectionIsClosedAfterTheIdleTimeout() throws Exception {
        int port = start(Limits.DEFAULT.withIdleTimeout(Duration.ofMillis(300)), Net.ECHO);
        long started = System.nanoTime(); // the server's clock can only start after this
        try (Socket s = Net.connect(port)) {
            assertThat(Net.closedByPeer(s)).as("closed by the server within the socket timeout").isTrue();
            assertThat(since(started)).isGreaterThanOrEqualTo(Duration.ofMillis(290)).isLessThan(Duration.ofSeconds(5));
        }
        Await.until("the idle close to be counted", WAIT, () -> Net.closed(server, CloseReason.IDLE_TIMEOUT) == 1);
        assertThat(server.stats().closedTotal()).isEqualTo(1);
    }

    @Test
    void trafficKeepsResettingTheIdleTimeout() throws Exception {
        int port = start(Limits.DEFAULT.withIdleTimeout(Duration.ofMillis(600)), Net.ECHO);
        try (Socket s = Net.connect(port)) {
            long started = System.nanoTime();
            for (int i = 0; i < 12; i++) { // 12 x 100 ms: twice the idle timeout in total
                Net.send(s, "k");
                assertThat(Net.read(s, 1)).isEqualTo("k");
                Thread.sleep(100); // the client's own pace, not synchronisation
            }
            assertThat(since(started)).isGreaterThan(Duration.ofMillis(1200));
            assertThat(server.stats().closedTotal()).as("still open while it talks").isZero();
            assertThat(Net.closedByPeer(s)).isTrue();
        }
        Await.until("the idle close to be counted", WAIT, () -> Net.closed(server, CloseReason.IDLE_TIMEOUT) == 1);
    }

    @Test
    void slowlorisIsCutOffByTheFrameDeadlineWhileOthersAreServed() throws Exception {
        int port = start(Limits.DEFAULT.withReadTimeout(Duration.ofMillis(500)), Net.LINE_ECHO);
        try (Socket slow = Net.connect(port); Socket normal = Net.connect(port);
             ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            AtomicBoolean cut = new AtomicBoolean();
            long started = System.nanoTime();
            Future<Integer> dribbler = pool.submit(() -> {
                OutputStream out = slow.getOutputStream();
                int sent = 0;
                try {
                    // One byte every 50 ms, never a whole line: each read is quick, the frame never ends.
                    while (!cut.get() && since(started).compareTo(Duration.ofSeconds(5)) < 0) {
                        out.write('x');
                        out.flush();
                        sent++;
                        Thread.sleep(50);
                    }
                } catch (IOException e) {
                    // The server has closed the connection.
                }
                return sent;
            });
            for (int i = 0; i < 5; i++) {
                Net.send(normal, "line " + i + "\n");
                assertThat(Net.readLine(normal)).isEqualTo("line " + i + "\n");
            }
            assertThat(Net.closedByPeer(slow)).isTrue();
            Duration lasted = since(started);
            cut.set(true);
            assertThat(lasted).isGreaterThanOrEqualTo(Duration.ofMillis(450)).isLessThan(Duration.ofSeconds(3));
            assertThat(dribbler.get()).as("it kept sending bytes up to the cut").isGreaterThanOrEqualTo(5);
            Net.send(normal, "after\n");
            assertThat(Net.readLine(normal)).isEqualTo("after\n");
        }
        Await.until("the read timeout to be counted", WAIT, () -> Net.closed(server, CloseReason.READ_TIMEOUT) == 1);
        Await.until("the normal client's close", WAIT, () -> server.stats().open() == 0);
        assertThat(Net.closed(server, CloseReason.IDLE_TIMEOUT)).isZero();
    }

    /**
     * Each frame gets its own deadline: a client whose reads always end part-way through the next
     * line (pipelined lines cut at arbitrary points) is not cut off while every line is prompt.
     */
    @Test
    void theFrameDeadlineRestartsWithEachFrameEvenWhenReadsEndMidLine() throws Exception {
        int port = start(Limits.DEFAULT.withReadTimeout(Duration.ofMillis(500)), Net.LINE_ECHO);
        try (Socket s = Net.connect(port)) {
            long started = System.nanoTime();
            Net.send(s, "line 0 be");
            int i = 0;
            while (since(started).compareTo(Duration.ofMillis(1500)) < 0) { // three frame deadlines
                // Finish line i and start line i + 1 in the same write.
                Net.send(s, "gins\nline " + (i + 1) + " be");
                assertThat(Net.readLine(s)).isEqualTo("line " + i + " begins\n");
                i++;
                Thread.sleep(20); // the client's pace: each line completes within ~20 ms
            }
            Net.send(s, "gins\n");
            assertThat(Net.readLine(s)).isEqualTo("line " + i + " begins\n");
        }
        Await.until("the close to be counted", WAIT, () -> server.stats().closedTotal() == 1);
        assertThat(Net.closed(server, CloseReason.READ_TIMEOUT)).isZero();
        assertThat(Net.closed(server, CloseReason.PEER_CLOSED)).isEqualTo(1);
    }

    @Test
    void timeoutsLongerThanAnIntOfMillisecondsWork() throws Exception {
        Duration month = Duration.ofDays(30); // 2.6e9 ms: more than Integer.MAX_VALUE
        int port = start(Limits.DEFAULT.withIdleTimeout(month).withReadTimeout(month).withWriteTimeout(month),
                Net.LINE_ECHO);
        try (Socket s = Net.connect(port)) {
            Net.send(s, "par");
            Net.send(s, "tial\n");
            assertThat(Net.readLine(s)).isEqualTo("partial\n");
        }
        Await.until("the close to be counted", WAIT, () -> server.stats().closedTotal() == 1);
        assertThat(Net.closed(server, CloseReason.PEER_CLOSED)).isEqualTo(1);
    }

    @Test
    void aPeerThatNeverReadsIsClosedByTheWriteTimeoutAndTheHandlerEnds() throws Exception {
        byte[] chunk = new byte[64 * 1024];
        CountDownLatch handlerEnded = new CountDownLatch(1);
        int port = start(Limits.DEFAULT.withWriteTimeout(Duration.ofMillis(300)), conn -> {
            try {
                while (true) {
                    conn.write(chunk);
                    conn.flush();
                }
            } finally {
                handlerEnded.countDown();
            }
        });
        try (Socket s = new Socket()) {
            s.setReceiveBufferSize(4096);
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            assertThat(handlerEnded.await(10, TimeUnit.SECONDS)).as("the blocked handler was released").isTrue();
            Await.until("the handler's connection to end", WAIT, () -> server.stats().open() == 0);
            assertThat(Net.closed(server, CloseReason.WRITE_TIMEOUT)).isEqualTo(1);
            assertThat(server.stats().closedTotal()).isEqualTo(1);
        }
    }

    // ---- connection caps ----

    @Test
    void overTheConnectionLimitTheClientReadsWhyAndIsClosed() throws Exception {
        int port = start(Limits.DEFAULT.withMaxConnections(2), Net.ECHO);
        try (Socket a = Net.connect(port); Socket b = Net.connect(port)) {
            Net.send(a, "a");
            Net.send(b, "b");
            assertThat(Net.read(a, 1) + Net.read(b, 1)).isEqualTo("ab");
            try (Socket c = Net.connect(port)) {
                assertThat(Net.readToEnd(c)).isEqualTo("ERR too many connections\r\n");
            }
            assertThat(server.stats().rejected().get(RejectReason.MAX_CONNECTIONS)).isEqualTo(1);
            assertThat(server.stats().rejectedTotal()).isEqualTo(1);
            assertThat(server.stats().accepted()).isEqualTo(3);
            Net.send(a, "still");
            assertThat(Net.read(a, 5)).isEqualTo("still");
        }
        Await.until("permits to return", WAIT, () -> server.stats().open() == 0);
        try (Socket again = Net.connect(port); Socket again2 = Net.connect(port)) {
            Net.send(again, "z");
            Net.send(again2, "w");
            assertThat(Net.read(again, 1) + Net.read(again2, 1)).isEqualTo("zw");
        }
        assertThat(server.stats().rejectedTotal()).isEqualTo(1);
    }

    @Test
    void overThePerAddressLimitTheClientReadsWhyAndOtherAddressesAreServed() throws Exception {
        int port = start(Limits.DEFAULT.withMaxConnectionsPerAddress(1), Net.ECHO);
        try (Socket a = Net.connect(port)) {
            Net.send(a, "a");
            assertThat(Net.read(a, 1)).isEqualTo("a");
            try (Socket b = Net.connect(port)) {
                assertThat(Net.readToEnd(b)).isEqualTo("ERR too many connections from your address\r\n");
            }
            assertThat(server.stats().rejected().get(RejectReason.MAX_CONNECTIONS_PER_ADDRESS)).isEqualTo(1);
            try (Socket other = Net.connectFrom("127.0.0.2", port)) {
                Net.send(other, "o");
                assertThat(Net.read(other, 1)).as("another address has its own allowance").isEqualTo("o");
                assertThat(((EngineServer) server).trackedAddresses()).isEqualTo(2);
            }
        }
        assertThat(server.stats().rejectedTotal()).isEqualTo(1);
        Await.until("the address slots to be returned", WAIT,
                () -> server.stats().open() == 0 && ((EngineServer) server).trackedAddresses() == 0);
        try (Socket again = Net.connect(port)) {
            Net.send(again, "z");
            assertThat(Net.read(again, 1)).isEqualTo("z");
        }
    }

    @Test
    void theRejectionMessageIsTheServices() throws Exception {
        server = TcpServer.builder().port(0).handler(Net.ECHO).limits(Limits.DEFAULT.withMaxConnections(1))
                .rejectionMessage(r -> Optional.of(("-ERR max number of clients reached (" + r + ")\r\n")
                        .getBytes(StandardCharsets.US_ASCII)))
                .start();
        try (Socket a = Net.connect(server.port())) {
            Net.send(a, "a");
            assertThat(Net.read(a, 1)).isEqualTo("a");
            try (Socket b = Net.connect(server.port())) {
                assertThat(Net.readToEnd(b)).isEqualTo("-ERR max number of clients reached (MAX_CONNECTIONS)\r\n");
            }
        }
    }

    @Test
    void anEmptyRejectionMessageJustCloses() throws Exception {
        server = TcpServer.builder().port(0).handler(Net.ECHO).limits(Limits.DEFAULT.withMaxConnections(1))
                .rejectionMessage(r -> Optional.empty())
                .start();
        try (Socket a = Net.connect(server.port())) {
            Net.send(a, "a");
            assertThat(Net.read(a, 1)).isEqualTo("a");
            try (Socket b = Net.connect(server.port())) {
                assertThat(b.getInputStream().read()).isEqualTo(-1);
            }
        }
        assertThat(server.stats().rejected().get(RejectReason.MAX_CONNECTIONS)).isEqualTo(1);
    }

    // ---- frame length ----

    @Test
    void anOverlongLineEndsTheConnectionWhenTheHandlerLetsItGo() throws Exception {
        int port = start(Limits.DEFAULT.withMaxLineBytes(10), Net.LINE_ECHO);
        try (Socket s = Net.connect(port)) {
            Net.send(s, "0123456789\n");
            assertThat(Net.readLine(s)).isEqualTo("0123456789\n");
            Net.send(s, "0123456789A\n");
            assertThat(Net.closedByPeer(s)).isTrue();
        }
        Await.until("the close to be counted", WAIT, () -> Net.closed(server, CloseReason.FRAME_TOO_LONG) == 1);
        assertThat(server.stats().closedTotal()).isEqualTo(1);
    }

    @Test
    void aHandlerThatCatchesTheOverlongLineGoesOnWithTheNextLine() throws Exception {
        int port = start(Limits.DEFAULT.withMaxLineBytes(10), conn -> {
            while (true) {
                try {
                    String line = conn.lines().readLine();
                    if (line == null) {
                        return;
                    }
                    conn.write("ok " + line + "\r\n");
                } catch (FrameTooLongException e) {
                    conn.write("ERR line longer than " + e.limit() + " bytes\r\n");
                }
            }
        });
        try (Socket s = Net.connect(port)) {
            Net.send(s, "short\r\n" + "L".repeat(5000) + "\r\nnext\r\n");
            Net.send(s, "M".repeat(11));
            Net.send(s, "\nlast\n");
            s.shutdownOutput();
            assertThat(Net.readToEnd(s)).isEqualTo("ok short\r\nERR line longer than 10 bytes\r\nok next\r\n"
                    + "ERR line longer than 10 bytes\r\nok last\r\n");
        }
        Await.until("the close to be counted", WAIT, () -> Net.closed(server, CloseReason.PEER_CLOSED) == 1);
    }

    // ---- validation ----

    @Test
    void limitsAreValidatedWhenBuilt() {
        assertThatThrownBy(() -> Limits.DEFAULT.withMaxConnections(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Limits.DEFAULT.withMaxConnectionsPerAddress(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Limits.DEFAULT.withIdleTimeout(Duration.ofMillis(-1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Limits.DEFAULT.withReadTimeout(null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Limits.DEFAULT.withMaxLineBytes(0)).isInstanceOf(IllegalArgumentException.class);
        assertThat(Limits.DEFAULT.withWriteTimeout(Duration.ZERO).writeTimeout()).isZero();
        assertThat(Limits.DEFAULT.maxConnections()).isEqualTo(10_000);
        assertThat(Limits.DEFAULT.maxConnectionsPerAddress()).isEqualTo(1_000);
    }
}
