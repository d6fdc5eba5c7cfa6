package io.tcpkit.engine;

import io.tcpkit.CloseReason;
import io.tcpkit.ConnectionState;
import io.tcpkit.RequestHandler;
import io.tcpkit.TcpServer;
import io.tcpkit.testing.Await;
import io.tcpkit.testing.Net;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static io.tcpkit.engine.EngineFixture.ECHO;
import static io.tcpkit.engine.EngineFixture.HOUR;
import static io.tcpkit.engine.EngineFixture.HOUR_LONG;
import static io.tcpkit.engine.EngineFixture.WAIT;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The deadline service on real connections, with the server's clock in the test's hands: hour-long
 * timeouts fire when the test moves the clock past them and sweeps, not after an hour, and never
 * before. No test here sleeps.
 */
@Timeout(30)
class DeadlinesTest {
    @RegisterExtension
    final EngineFixture fixture = new EngineFixture();
    private EngineServer server;

    private int start(RequestHandler handler, Duration quietAfter) throws IOException {
        server = fixture.startClocked("deadlines", handler, quietAfter, HOUR_LONG, Duration.ofSeconds(5));
        return server.port();
    }

    private static void echo(Socket s, String text) throws IOException {
        Net.send(s, text);
        assertThat(Net.read(s, text.length())).isEqualTo(text);
    }

    @Test
    void anIdleConnectionWithoutAThreadIsClosedWhenTheIdleTimeoutHasPassedAndNotBefore() throws Exception {
        int port = start(ECHO, TcpServer.DEFAULT_QUIET_AFTER);
        try (Socket s = Net.connect(port)) {
            echo(s, "once"); // after its first request it waits without a thread
            fixture.onlyConnection(ConnectionState.IDLE);
            fixture.passes(HOUR.minusSeconds(1));
            echo(s, "still here");
            fixture.onlyConnection(ConnectionState.IDLE);
            fixture.passes(HOUR.plusSeconds(1));
            assertThat(s.getInputStream().read()).isEqualTo(-1);
        }
        Await.until("the close counted", WAIT, () -> Net.closed(server, CloseReason.IDLE_TIMEOUT) == 1);
    }

    @Test
    void aBusyConnectionWaitingOnItsThreadIsClosedByTheIdleTimeout() throws Exception {
        // The fake clock stands still between requests: every wait is short, the connection busy.
        int port = start(ECHO, Duration.ofDays(1));
        try (Socket s = Net.connect(port)) {
            for (int i = 0; i <= Input.BUSY_AFTER; i++) {
                echo(s, "request " + i);
            }
            fixture.onlyConnection(ConnectionState.WAITING);
            fixture.passes(HOUR.plusSeconds(1));
            assertThat(s.getInputStream().read()).isEqualTo(-1);
        }
        Await.until("the close counted", WAIT, () -> Net.closed(server, CloseReason.IDLE_TIMEOUT) == 1);
    }

    @Test
    void aBusyConnectionKeepsItsThreadThroughOneLongWaitAndGivesItBackAfterTwo() throws Exception {
        // Under load a busy connection's wait includes its time in the carrier's queue, which can
        // pass the quiet time now and then: one such wait must not cost it its thread.
        int port = start(ECHO, TcpServer.DEFAULT_QUIET_AFTER);
        try (Socket s = Net.connect(port)) {
            for (int i = 0; i <= Input.BUSY_AFTER; i++) {
                echo(s, "request " + i); // the clock stands still: every wait is short
            }
            fixture.onlyConnection(ConnectionState.WAITING); // busy: on its thread
            fixture.passes(Duration.ofSeconds(1));
            echo(s, "after one long wait");
            fixture.onlyConnection(ConnectionState.WAITING);
            fixture.passes(Duration.ofSeconds(1));
            echo(s, "after a second");
            fixture.onlyConnection(ConnectionState.IDLE); // quiet: in the reactor
            echo(s, "from the reactor");
            fixture.onlyConnection(ConnectionState.IDLE); // one short wait does not make it busy again
        }
    }

    @Test
    void aFrameStartedMustCompleteWithinTheReadTimeoutHoweverItTrickles() throws Exception {
        RequestHandler lines = conn -> {
            String line = conn.lines().readLine();
            if (line == null) {
                return false;
            }
            conn.write(("<" + line + ">\n").getBytes(StandardCharsets.US_ASCII));
            return true;
        };
        int port = start(lines, TcpServer.DEFAULT_QUIET_AFTER);
        try (Socket s = Net.connect(port)) {
            Net.send(s, "a line that never ");
            ConnectionImpl conn = fixture.onlyConnection(ConnectionState.ACTIVE);
            // (Before its thread takes it up, a new connection still has its idle deadline armed.)
            Await.until("the read of the rest to be armed", WAIT, () -> readOfTheRestArmed(conn));
            fixture.passes(HOUR.minusMinutes(10));
            Net.send(s, "ends"); // more of the same frame: its deadline does not move
            Await.until("the read of the rest to be armed again", WAIT,
                    () -> server.stats().bytesIn() == 22 && readOfTheRestArmed(conn));
            fixture.passes(Duration.ofMinutes(11));
            assertThat(s.getInputStream().read()).isEqualTo(-1);
        }
        Await.until("the close counted", WAIT, () -> Net.closed(server, CloseReason.READ_TIMEOUT) == 1);
    }

    private static boolean readOfTheRestArmed(ConnectionImpl conn) {
        return conn.in().isArmed() && conn.in().reason() == CloseReason.READ_TIMEOUT;
    }

    @Test
    void aWriteBlockedOnAPeerThatDoesNotReadIsClosedByTheWriteTimeout() throws Exception {
        byte[] chunk = new byte[64 * 1024];
        RequestHandler flood = conn -> {
            while (true) {
                conn.write(chunk);
                conn.flush();
            }
        };
        int port = start(flood, TcpServer.DEFAULT_QUIET_AFTER);
        try (Socket s = Net.connect(port)) {
            s.setReceiveBufferSize(4096);
            Net.send(s, "go");
            ConnectionImpl conn = fixture.onlyConnection(ConnectionState.ACTIVE);
            // Blocked once the socket buffers are full: its write deadline stays armed.
            // No progress over several polls (not within one look: a loaded machine may still be
            // writing, and a write that moves on re-arms its deadline from the new time).
            long[] seen = {-1, 0};
            Await.until("a blocked write", WAIT, () -> {
                long now = conn.out().bytesOut();
                seen[1] = now == seen[0] && conn.out().isArmed() ? seen[1] + 1 : 0;
                seen[0] = now;
                return seen[1] >= 5;
            });
            fixture.passes(HOUR.plusSeconds(1));
            Await.until("the close counted", WAIT, () -> Net.closed(server, CloseReason.WRITE_TIMEOUT) == 1);
        }
    }
}
