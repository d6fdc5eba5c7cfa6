package io.tcpkit.edge;

import io.tcpkit.CloseReason;
import io.tcpkit.Limits;
import io.tcpkit.TcpServer;
import io.tcpkit.testing.Await;
import io.tcpkit.testing.Net;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Abuse that needs no credentials: a slowloris client that sends a byte now and then but never a
 * whole line, and a flood of connect-then-reset sockets. Neither may take the server away from a
 * well-behaved client, and both must leave nothing behind.
 */
@Timeout(60)
class SlowClientsAndFloodsTest {
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(1);
    private static final Duration WAIT = Duration.ofSeconds(10);

    @AutoClose
    private TcpServer server;

    @Test
    void aClientDribblingALineIsCutOffAtTheReadTimeoutWhileANormalClientIsServed() throws Exception {
        server = TcpServer.builder().port(0).service("lines").handler(Net.LINE_ECHO)
                .limits(Limits.DEFAULT.withReadTimeout(READ_TIMEOUT)).start();
        try (Socket slow = Net.connect(server.port()); Socket normal = Net.connect(server.port())) {
            long start = System.nanoTime();
            slow.setSoTimeout(50);
            boolean closed = false;
            long lastSent = 0;
            long longestGap = 0;
            // A byte every 50 ms, never a newline, until the server closes it: without a deadline
            // for the whole line it never would, since no gap between bytes comes near the read
            // timeout. Bounded (some 20 s) so that a broken server fails the test rather than hang
            // it; how soon after the timeout the close comes is the reactor's sweep and the
            // machine's load, not asserted (a window of wall-clock time is a flaky test).
            for (int i = 0; i < 400 && !closed; i++) {
                try {
                    closed = slow.getInputStream().read() < 0;
                } catch (SocketTimeoutException e) {
                    try {
                        slow.getOutputStream().write('a');
                        long now = System.nanoTime();
                        longestGap = lastSent == 0 ? 0 : Math.max(longestGap, now - lastSent);
                        lastSent = now;
                    } catch (IOException reset) {
                        closed = true;
                    }
                } catch (IOException reset) {
                    closed = true;
                }
                if (!closed && i % 4 == 0) {
                    Net.send(normal, "line " + i + "\n");
                    assertThat(Net.readLine(normal)).isEqualTo("line " + i + "\n");
                }
            }
            Duration open = Duration.ofNanos(System.nanoTime() - start);
            assertThat(closed).as("the slow client was closed").isTrue();
            assertThat(lastSent).as("it sent bytes").isNotZero();
            assertThat(Duration.ofNanos(longestGap)).as("no gap between its bytes reached the read timeout")
                    .isLessThan(READ_TIMEOUT);
            assertThat(open).as("not before the read timeout").isGreaterThanOrEqualTo(READ_TIMEOUT);
            Await.until("the read timeout to be counted", WAIT,
                    () -> server.stats().closed().get(CloseReason.READ_TIMEOUT) == 1);
            Net.send(normal, "still served\n");
            assertThat(Net.readLine(normal)).isEqualTo("still served\n");
        }
    }

    @Test
    void aFloodOfConnectionsResetAtOnceLeavesTheServerServingAndNothingOpen() throws Exception {
        server = TcpServer.builder().port(0).service("echo").handler(Net.ECHO).start();
        try (Socket normal = Net.connect(server.port())) {
            for (int i = 0; i < 300; i++) {
                Socket s = new Socket();
                try {
                    s.connect(new java.net.InetSocketAddress("127.0.0.1", server.port()), 5000);
                    if (i % 2 == 0) {
                        s.getOutputStream().write(new byte[] {'x', 'y'}); // some with data in flight
                    }
                    s.setSoLinger(true, 0); // close() sends RST
                } finally {
                    s.close();
                }
                if (i % 50 == 0) {
                    assertThat(Net.roundTrip(normal, "during " + i)).isEqualTo("during " + i);
                }
            }
            assertThat(Net.roundTrip(normal, "after")).isEqualTo("after");
            Await.until("only the normal client left open", WAIT, () -> server.stats().open() == 1);
        }
        Await.until("nothing open", WAIT, () -> server.stats().open() == 0);
        Await.until("every flood connection accepted and closed", WAIT,
                () -> server.stats().accepted() == 301 && server.stats().closedTotal() == 301);
        assertThat(server.stats().rejectedTotal()).isZero();
        try (Socket late = Net.connect(server.port())) {
            assertThat(Net.roundTrip(late, "late")).isEqualTo("late");
        }
        // Of the flood's 301 sockets on the server side, none is left open: only the listener.
        Net.awaitSocketsOnPort("the server's sockets released", server.port(), 1);
    }
}
