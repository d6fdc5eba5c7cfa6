package io.tcpkit.engine;

import io.tcpkit.CloseReason;
import io.tcpkit.Limits;
import io.tcpkit.TcpServer;
import io.tcpkit.testing.Await;
import io.tcpkit.testing.Net;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Nothing is left behind: after a busy run every permit, address slot, socket and engine thread
 * is returned, whether connections ended cleanly, by reset, by refusal or by force. What is
 * counted is the server's own: the sockets whose local port is its port, the threads named after
 * its service (each test's server has its own), never the whole JVM's, which other tests share.
 */
@Timeout(60)
class LeakTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String REJECTED = "ERR too many connections\r\n";

    /** The listener alone: no connection's socket is open, nor is any refusal's. */
    private static void assertOnlyTheListenerLeft(TcpServer server) {
        Net.awaitSocketsOnPort("the server's sockets back to its listener", server.port(), 1);
        assertThat(Net.socketsOnPort(server.port())).containsOnlyKeys("LISTEN");
    }

    private static void assertNothingLeftAfterClose(TcpServer server, int port) {
        Net.awaitSocketsOnPort("no socket of the server left", port, 0);
        Await.until("no thread of the server alive", WAIT, () -> Net.threadsOf(server.service()).isEmpty());
        assertThat(server.stats().open()).isZero();
        assertThat(((EngineServer) server).trackedAddresses()).isZero();
        assertThat(server.connections()).isEmpty();
    }

    @Test
    void aBusyRunOfCleanRudeAndRefusedClientsLeavesNothingBehind() throws Exception {
        int cap = 100;
        TcpServer server = TcpServer.builder().port(0).service("leak-busy").handler(Net.ECHO)
                .limits(Limits.DEFAULT.withMaxConnections(cap).withMaxConnectionsPerAddress(1000))
                .drainTimeout(Duration.ofSeconds(5))
                .start();
        int port = server.port();
        try {
            assertThat(Net.socketsOnPort(port)).isEqualTo(Map.of("LISTEN", 1));
            assertThat(Net.threadsOf("leak-busy")).containsExactly("tcpkit-accept-leak-busy-" + port,
                    "tcpkit-reactor-leak-busy-" + port);
            fillUpThenRefuse(server, cap, 30);
            Await.until("the held connections to end", WAIT, () -> server.stats().open() == 0);
            long refusedSoFar = server.stats().rejectedTotal();
            assertThat(refusedSoFar).isEqualTo(30);

            // Then everyone at once against the cap: each is echoed or told why not. 160 against
            // 100: at most 60 refusals can be in progress at once, under the Rejector's 64, so
            // every refused client is told why (past 64 it would just be closed).
            int clients = 160;
            List<Future<String>> replies = new ArrayList<>();
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < clients; i++) {
                    int n = i;
                    replies.add(pool.submit(() -> {
                        try (Socket s = Net.connect(server.port())) {
                            String message = "message " + n + "\r\n";
                            Net.send(s, message);
                            String first = Net.read(s, Math.min(message.length(), REJECTED.length()));
                            String reply = REJECTED.startsWith(first) ? first + Net.readToEnd(s)
                                    : first + Net.read(s, message.length() - first.length());
                            if (n % 3 == 0) {
                                s.setSoLinger(true, 0); // some leave with a reset
                            }
                            return reply.equals(message) ? "echoed" : reply;
                        }
                    }));
                }
                int echoed = 0;
                for (Future<String> reply : replies) {
                    String r = reply.get(30, TimeUnit.SECONDS);
                    assertThat(r).isIn("echoed", REJECTED);
                    echoed += r.equals("echoed") ? 1 : 0;
                }
                assertThat(echoed).isPositive();
                assertThat(echoed + server.stats().rejectedTotal() - refusedSoFar).isEqualTo(clients);
            }
            long total = cap + 30 + clients;
            Await.until("every connection to end", WAIT, () -> server.stats().open() == 0
                    && server.stats().closedTotal() + server.stats().rejectedTotal() == total);
            assertThat(server.stats().accepted()).isEqualTo(total);
            assertThat(((EngineServer) server).trackedAddresses()).isZero();
            assertThat(server.connections()).isEmpty();
            assertOnlyTheListenerLeft(server);
            assertThat(Net.threadsOf("leak-busy")).containsExactly("tcpkit-accept-leak-busy-" + port,
                    "tcpkit-reactor-leak-busy-" + port);
        } finally {
            server.close();
        }
        assertNothingLeftAfterClose(server, port);
    }

    /** Holds {@code cap} echoing connections, refuses {@code extra} more, then lets the held ones go. */
    private static void fillUpThenRefuse(TcpServer server, int cap, int extra) throws Exception {
        List<Socket> held = new ArrayList<>();
        try {
            for (int i = 0; i < cap; i++) {
                Socket s = Net.connect(server.port());
                held.add(s);
                Net.send(s, "held " + i);
                assertThat(Net.read(s, ("held " + i).length())).isEqualTo("held " + i);
            }
            assertThat(server.stats().open()).isEqualTo(cap);
            for (int i = 0; i < extra; i++) {
                try (Socket s = Net.connect(server.port())) {
                    if (i % 2 == 0) {
                        Net.send(s, "let me in"); // input the refusal must discard, not answer with a reset
                    }
                    assertThat(Net.readToEnd(s)).isEqualTo(REJECTED);
                    if (i % 3 == 0) {
                        s.setSoLinger(true, 0);
                    }
                }
            }
        } finally {
            for (int i = 0; i < held.size(); i++) {
                if (i % 3 == 0) {
                    held.get(i).setSoLinger(true, 0);
                }
                held.get(i).close();
            }
        }
    }

    @Test
    void aForcedShutdownLeavesNothingBehind() throws Exception {
        int clients = 20;
        CountDownLatch blocked = new CountDownLatch(clients);
        TcpServer server = TcpServer.builder().port(0).service("leak-forced")
                .drainTimeout(Duration.ofMillis(200))
                .limits(Limits.DEFAULT.withWriteTimeout(Duration.ofSeconds(1)))
                .handler(conn -> {
                    blocked.countDown();
                    new CountDownLatch(1).await(); // never returns on its own
                }).start();
        int port = server.port();
        List<Socket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < clients; i++) {
                sockets.add(Net.connect(server.port()));
            }
            assertThat(blocked.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(Net.threadsOf("leak-forced")).containsExactlyInAnyOrder(
                    "tcpkit-accept-leak-forced-" + port, "tcpkit-reactor-leak-forced-" + port);
            server.close();
            for (Socket s : sockets) {
                assertThat(Net.closedByPeer(s)).isTrue();
            }
        } finally {
            for (Socket s : sockets) {
                s.close();
            }
            server.close();
        }
        assertThat(Net.closed(server, CloseReason.SHUTDOWN_FORCED)).isEqualTo(clients);
        assertNothingLeftAfterClose(server, port);
    }

    @Test
    void timeoutsAndOverlongLinesLeaveNothingBehind() throws Exception {
        TcpServer server = TcpServer.builder().port(0).service("leak-timeouts").handler(Net.LINE_ECHO)
                .limits(Limits.DEFAULT.withIdleTimeout(Duration.ofMillis(200)).withMaxLineBytes(16))
                .start();
        int port = server.port();
        List<Socket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < 10; i++) {
                Socket s = Net.connect(server.port());
                sockets.add(s);
                Net.send(s, i % 2 == 0 ? "ok\n" : "x".repeat(100) + "\n");
            }
            for (Socket s : sockets) {
                assertThat(Net.closedByPeer(s)).isTrue();
            }
            Await.until("every connection to end", WAIT, () -> server.stats().open() == 0);
            assertThat(Net.closed(server, CloseReason.IDLE_TIMEOUT)).isEqualTo(5);
            assertThat(Net.closed(server, CloseReason.FRAME_TOO_LONG)).isEqualTo(5);
        } finally {
            for (Socket s : sockets) {
                s.close();
            }
            server.close();
        }
        assertNothingLeftAfterClose(server, port);
    }
}
