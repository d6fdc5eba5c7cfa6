package io.tcpkit.engine;

import io.tcpkit.CloseReason;
import io.tcpkit.Limits;
import io.tcpkit.TcpServer;
import io.tcpkit.testing.Net;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Graceful shutdown, forced shutdown, and nothing left behind. */
@Timeout(60)
class ShutdownTest {

    @Test
    void idleClientsGetEverythingTheySentThenAnEndOfStream() throws Exception {
        TcpServer server = TcpServer.builder().port(0).handler(Net.ECHO).drainTimeout(Duration.ofSeconds(10)).start();
        List<Socket> clients = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Socket s = Net.connect(server.port());
            Net.send(s, "hello " + i);
            assertThat(Net.read(s, 7)).isEqualTo("hello " + i);
            clients.add(s);
        }
        long started = System.nanoTime();
        server.close();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
        for (Socket s : clients) {
            assertThat(s.getInputStream().read()).as("a clean end of stream, not a reset").isEqualTo(-1);
            s.close();
        }
        assertThat(server.stats().closed().get(CloseReason.SHUTDOWN)).isEqualTo(5);
    }

    @Test
    void dataAlreadyReceivedIsEchoedBeforeTheClose() throws Exception {
        CountDownLatch received = new CountDownLatch(1);
        TcpServer server = TcpServer.builder().port(0).handler(conn -> {
            var in = conn.input();
            while (in.fill() > 0) {
                received.countDown();
                conn.write(in.array(), in.readIndex(), in.readable());
                in.skip(in.readable());
            }
        }).start();
        byte[] data = new byte[200_000];
        new java.util.Random(3).nextBytes(data);
        try (Socket s = Net.connect(server.port())) {
            s.getOutputStream().write(data);
            received.await();
            Thread closer = Thread.ofVirtual().start(server::close);
            byte[] back = s.getInputStream().readAllBytes();
            closer.join();
            // What the server read before the drain is echoed; the stream then ends cleanly.
            assertThat(back.length).isPositive().isLessThanOrEqualTo(data.length);
            assertThat(back).isEqualTo(java.util.Arrays.copyOf(data, back.length));
        }
    }

    @Test
    void aHandlerMaySayGoodbye() throws Exception {
        TcpServer server = TcpServer.builder().port(0).handler(conn -> {
            String line;
            while ((line = conn.lines().readLine()) != null) {
                conn.write(line + "\n");
            }
            if (conn.isDraining()) {
                conn.write("bye: the server is shutting down\n");
            }
        }).start();
        try (Socket s = Net.connect(server.port())) {
            Net.send(s, "hi\n");
            assertThat(Net.readLine(s)).isEqualTo("hi\n");
            server.close();
            assertThat(Net.readLine(s)).isEqualTo("bye: the server is shutting down\n");
            assertThat(s.getInputStream().read()).isEqualTo(-1);
        }
    }

    @Test
    void handlersThatIgnoreTheDrainAreForcedAfterTheDeadline() throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        CountDownLatch started = new CountDownLatch(1);
        TcpServer server = TcpServer.builder().port(0).drainTimeout(Duration.ofMillis(300)).handler(conn -> {
            started.countDown();
            never.await(); // a handler that will not notice the shutdown
        }).start();
        try (Socket s = Net.connect(server.port())) {
            started.await();
            long t0 = System.nanoTime();
            server.close();
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isBetween(Duration.ofMillis(250), Duration.ofSeconds(8));
            assertThat(Net.closedByPeer(s)).isTrue();
        }
        assertThat(server.stats().open()).isZero();
        assertThat(server.stats().closed().get(CloseReason.SHUTDOWN_FORCED)).isEqualTo(1);
    }

    @Test
    void closeIsSafeTwiceAndFromTwoThreadsFreesThePortAndRefusesNewClients() throws Exception {
        TcpServer server = TcpServer.builder().port(0).handler(Net.ECHO).start();
        int port = server.port();
        Thread other = Thread.ofVirtual().start(server::close);
        server.close();
        other.join();
        server.close();
        assertThat(server.isDraining()).isTrue();
        assertThatThrownBy(() -> Net.connect(port)).isInstanceOf(java.net.ConnectException.class);
        try (ServerSocket again = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            assertThat(again.getLocalPort()).isEqualTo(port);
        }
    }

    @Test
    void nothingIsLeftBehindNoThreadNoDescriptorNoPermit() throws Exception {
        long filesBefore = Net.openFiles();
        TcpServer server = TcpServer.builder().port(0).handler(Net.ECHO)
                .limits(Limits.DEFAULT.withMaxConnectionsPerAddress(500)).start();
        List<Thread> clients = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            int n = i;
            clients.add(Thread.ofVirtual().start(() -> {
                try (Socket s = Net.connect(server.port())) {
                    Net.send(s, "m" + n);
                    Net.read(s, ("m" + n).length());
                    if (n % 3 == 0) {
                        s.setSoLinger(true, 0); // some leave rudely
                    }
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            }));
        }
        for (Thread t : clients) {
            t.join();
        }
        Net.await("every connection to end", Duration.ofSeconds(10), () -> server.stats().open() == 0);
        assertThat(((EngineServer) server).trackedAddresses()).isZero();
        assertThat(server.connections()).isEmpty();
        Net.await("descriptors back to the server socket alone", Duration.ofSeconds(10),
                () -> Net.openFiles() <= filesBefore + 1);
        server.close();
        Net.await("descriptors back to where they were", Duration.ofSeconds(10),
                () -> Net.openFiles() <= filesBefore);
        Net.await("no tcpkit thread alive", Duration.ofSeconds(5), () -> Net.platformThreads("tcpkit-") == 0);
        assertThat(server.stats().closedTotal()).isEqualTo(200);
    }
}
