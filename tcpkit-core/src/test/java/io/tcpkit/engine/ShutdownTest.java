package io.tcpkit.engine;

import io.tcpkit.CloseReason;
import io.tcpkit.ConnectionHandler;
import io.tcpkit.TcpServer;
import io.tcpkit.codec.ReadBuffer;
import io.tcpkit.testing.Await;
import io.tcpkit.testing.Net;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Graceful shutdown (lame duck, then drain deadline), forced shutdown, and repeated close. */
@Timeout(30)
class ShutdownTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @AutoClose
    private TcpServer server;

    private TcpServer start(ConnectionHandler handler, Duration drainTimeout) throws Exception {
        server = TcpServer.builder().port(0).handler(handler).drainTimeout(drainTimeout).start();
        return server;
    }

    private static Duration timed(Runnable action) {
        long t0 = System.nanoTime();
        action.run();
        return Duration.ofNanos(System.nanoTime() - t0);
    }

    @Test
    void idleClientsGetEverythingTheySentThenACleanEndOfStreamAndCloseIsPrompt() throws Exception {
        start(Net.ECHO, Duration.ofSeconds(10));
        int clients = 5;
        List<Socket> sockets = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Integer>> ends = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                Socket s = Net.connect(server.port());
                sockets.add(s);
                Net.send(s, "hello " + i);
                assertThat(Net.read(s, 7)).isEqualTo("hello " + i);
                // Like a real client: wait for the server's end of stream, then close.
                ends.add(pool.submit(() -> {
                    try (s) {
                        return s.getInputStream().read();
                    }
                }));
            }
            Duration took = timed(server::close);
            assertThat(took).as("idle connections end at once, not at the drain deadline")
                    .isLessThan(Duration.ofSeconds(3));
            for (Future<Integer> end : ends) {
                assertThat(end.get(10, TimeUnit.SECONDS)).as("a clean end of stream, not a reset").isEqualTo(-1);
            }
        } finally {
            for (Socket s : sockets) {
                s.close();
            }
        }
        assertThat(server.stats().open()).isZero();
        assertThat(Net.closed(server, CloseReason.SHUTDOWN)).isEqualTo(clients);
        assertThat(server.stats().closedTotal()).isEqualTo(clients);
    }

    @Test
    void everyByteTheServerReadBeforeTheCloseIsDelivered() throws Exception {
        CountDownLatch received = new CountDownLatch(1);
        start(conn -> {
            ReadBuffer in = conn.input();
            while (in.fill() > 0) {
                received.countDown();
                conn.write(in.array(), in.readIndex(), in.readable());
                in.skip(in.readable());
            }
        }, Duration.ofSeconds(10));
        byte[] data = new byte[200_000];
        new Random(3).nextBytes(data);
        try (Socket s = Net.connect(server.port()); ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            s.getOutputStream().write(data);
            assertThat(received.await(10, TimeUnit.SECONDS)).isTrue();
            Future<Duration> closing = pool.submit(() -> timed(server::close));
            byte[] back = s.getInputStream().readAllBytes();
            s.close(); // as a client does at end of stream
            assertThat(closing.get(10, TimeUnit.SECONDS)).isLessThan(Duration.ofSeconds(5));
            // What the server read before it stopped reading is echoed in full; then a clean end.
            assertThat(back.length).isPositive().isLessThanOrEqualTo(data.length);
            assertThat(back.length).isEqualTo(server.stats().bytesIn()).isEqualTo(server.stats().bytesOut());
            assertThat(back).isEqualTo(Arrays.copyOf(data, back.length));
        }
        // The whole map, so that a failure says which reason it was (once, in a full run on
        // 2026-12-03, the SHUTDOWN count was 0 here; not reproduced in 12 runs alone since).
        assertThat(server.stats().closed()).as("closes by reason").containsEntry(CloseReason.SHUTDOWN, 1L);
    }

    @Test
    void aFrameInProgressMayFinishDuringTheDrain() throws Exception {
        start(Net.LINE_ECHO, Duration.ofSeconds(10));
        try (Socket s = Net.connect(server.port()); ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Net.send(s, "hel");
            Await.until("the partial line to be read", WAIT, () -> server.stats().bytesIn() == 3);
            Future<Duration> closing = pool.submit(() -> timed(server::close));
            Await.until("the drain to begin", WAIT, server::isDraining);
            Net.send(s, "lo\n");
            assertThat(Net.readLine(s)).isEqualTo("hello\n");
            assertThat(s.getInputStream().read()).isEqualTo(-1);
            s.close(); // as a client does at end of stream; the server need not linger for it
            assertThat(closing.get(10, TimeUnit.SECONDS)).as("ended with the frame, not at the drain deadline")
                    .isLessThan(Duration.ofSeconds(5));
        }
        assertThat(Net.closed(server, CloseReason.SHUTDOWN)).isEqualTo(1);
        assertThat(server.stats().closedTotal()).isEqualTo(1);
    }

    @Test
    void aFrameThatNeverFinishesIsForcedAtTheDrainDeadline() throws Exception {
        start(Net.LINE_ECHO, Duration.ofMillis(300));
        try (Socket s = Net.connect(server.port())) {
            Net.send(s, "never ends");
            Await.until("the partial line to be read", WAIT, () -> server.stats().bytesIn() == 10);
            Duration took = timed(server::close);
            assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(290)).isLessThan(Duration.ofSeconds(3));
            assertThat(Net.closedByPeer(s)).isTrue();
        }
        assertThat(Net.closed(server, CloseReason.SHUTDOWN_FORCED)).isEqualTo(1);
        assertThat(server.stats().open()).isZero();
    }

    @Test
    void aHandlerThatIgnoresEndOfStreamIsForcedAfterTheDrainDeadline() throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        CountDownLatch ignoring = new CountDownLatch(1);
        CountDownLatch ended = new CountDownLatch(1);
        start(conn -> {
            try {
                Net.ECHO.handle(conn);
                ignoring.countDown();
                never.await(); // saw end of stream and does not return
            } finally {
                ended.countDown();
            }
        }, Duration.ofMillis(300));
        try (Socket s = Net.connect(server.port())) {
            Net.send(s, "ping");
            assertThat(Net.read(s, 4)).isEqualTo("ping");
            Duration took = timed(server::close);
            assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(290)).isLessThan(Duration.ofSeconds(3));
            assertThat(ignoring.getCount()).as("the handler did see the drain's end of stream").isZero();
            assertThat(ended.await(5, TimeUnit.SECONDS)).as("the handler thread was released").isTrue();
            assertThat(Net.closedByPeer(s)).isTrue();
        }
        assertThat(server.stats().open()).isZero();
        assertThat(Net.closed(server, CloseReason.SHUTDOWN_FORCED)).isEqualTo(1);
    }

    @Test
    void aHandlerSleepingInALoopIsForcedAfterTheDrainDeadline() throws Exception {
        CountDownLatch sleeping = new CountDownLatch(1);
        start(conn -> {
            while (true) { // never reads, never checks isDraining()
                sleeping.countDown();
                Thread.sleep(10);
            }
        }, Duration.ofMillis(300));
        try (Socket s = Net.connect(server.port())) {
            assertThat(sleeping.await(10, TimeUnit.SECONDS)).isTrue();
            Duration took = timed(server::close);
            assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(290)).isLessThan(Duration.ofSeconds(3));
            assertThat(Net.closedByPeer(s)).isTrue();
        }
        assertThat(Net.closed(server, CloseReason.SHUTDOWN_FORCED)).isEqualTo(1);
    }

    @Test
    void closeIsSafeTwiceAndFromTwoThreadsAndEachCallReturnsStopped() throws Exception {
        start(Net.ECHO, Duration.ofSeconds(10));
        int port = server.port();
        try (Socket idle = Net.connect(port); ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Net.send(idle, "i");
            assertThat(Net.read(idle, 1)).isEqualTo("i");
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Long>> closers = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                closers.add(pool.submit(() -> {
                    go.await();
                    server.close();
                    return server.stats().open(); // each call returns only once the server has stopped
                }));
            }
            go.countDown();
            for (Future<Long> f : closers) {
                assertThat(f.get(10, TimeUnit.SECONDS)).isZero();
            }
            assertThat(idle.getInputStream().read()).isEqualTo(-1);
        }
        server.close();
        server.awaitTermination();
        assertThat(server.isDraining()).isTrue();
        assertThat(Net.closed(server, CloseReason.SHUTDOWN)).as("counted once").isEqualTo(1);
    }

    @Test
    void afterCloseThePortIsFreeAndNewConnectsAreRefused() throws Exception {
        start(Net.ECHO, Duration.ofSeconds(10));
        int port = server.port();
        try (Socket s = Net.connect(port)) {
            Net.send(s, "x");
            assertThat(Net.read(s, 1)).isEqualTo("x");
        }
        server.close();
        assertThatThrownBy(() -> Net.connect(port)).isInstanceOf(ConnectException.class);
        try (ServerSocket again = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            assertThat(again.getLocalPort()).isEqualTo(port);
        }
    }

    @Test
    void aHandlerMaySayGoodbye() throws Exception {
        start(conn -> {
            String line;
            while ((line = conn.lines().readLine()) != null) {
                conn.write(line + "\n");
            }
            if (conn.isDraining()) {
                conn.write("bye: the server is shutting down\n");
            }
        }, Duration.ofSeconds(10));
        try (Socket s = Net.connect(server.port())) {
            Net.send(s, "hi\n");
            assertThat(Net.readLine(s)).isEqualTo("hi\n");
            server.close();
            assertThat(Net.readLine(s)).isEqualTo("bye: the server is shutting down\n");
            assertThat(s.getInputStream().read()).isEqualTo(-1);
        }
        assertThat(Net.closed(server, CloseReason.SHUTDOWN)).isEqualTo(1);
    }

    @Test
    void aHandlerThatEndsOnItsOwnSaysNoGoodbyeWhenNotDraining() throws Exception {
        start(conn -> {
            String line;
            while ((line = conn.lines().readLine()) != null) {
                conn.write(line + "\n");
            }
            conn.write(conn.isDraining() ? "bye: shutting down\n" : "bye: you left\n");
        }, Duration.ofSeconds(10));
        try (Socket s = Net.connect(server.port())) {
            Net.send(s, "hi\n");
            s.shutdownOutput();
            assertThat(Net.readToEnd(s)).isEqualTo("hi\nbye: you left\n");
        }
        Await.until("the close to be counted", WAIT, () -> Net.closed(server, CloseReason.PEER_CLOSED) == 1);
    }
}
