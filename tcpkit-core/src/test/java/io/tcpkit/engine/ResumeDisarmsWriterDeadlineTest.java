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

import java.net.Socket;
import java.time.Duration;

import static io.tcpkit.engine.EngineFixture.HOUR;
import static io.tcpkit.engine.EngineFixture.HOUR_LONG;
import static io.tcpkit.engine.EngineFixture.WAIT;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Between Reactor.resumeLater (IDLE to ACTIVE) and resumeAll, a message sent to the connection
 * starts a writer thread (the state is ACTIVE, the reactor does not hold the drainer's flag).
 * resumeAll then calls {@code conn.out().deadline().disarm()} unconditionally: it disarms the
 * writer's write deadline, meant only for the reactor's own OP_WRITE wait. The writer stays
 * blocked on a peer that does not read with no deadline, the serving thread waits for it in
 * flushBeforeRead (past the high-water mark), and the write timeout never ends the connection.
 * (While the channel is still non-blocking the writer also spins in writeBlocking's loop.)
 *
 * <p>The test widens the window by holding the channel's blockingLock (which configureBlocking
 * takes), so the reactor stops in resumeAll right after resumeLater; in a server the window is
 * the rest of the reactor's iteration (the other keys, parks, drains and a sweep of every connection).
 */
@Timeout(40)
class ResumeDisarmsWriterDeadlineTest {
    @RegisterExtension
    final EngineFixture fixture = new EngineFixture();

    @Test
    void aWriterStartedWhileTheReactorResumesKeepsItsWriteDeadline() throws Exception {
        RequestHandler handler = conn -> {
            String line = conn.lines().readLine();
            if (line == null) {
                return false;
            }
            if (line.equals("hi")) {
                conn.write("ok\n");
            }
            return true;
        };
        EngineServer server = fixture.startClocked("resume", handler, TcpServer.DEFAULT_QUIET_AFTER,
                HOUR_LONG.withMaxOutboundBytes(64 << 20), Duration.ofSeconds(1));
        Thread reactor = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("tcpkit-reactor-resume-" + server.port())).findFirst().orElseThrow();
        try (Socket s = fixture.clientThatStopsReading()) {
            ConnectionImpl conn = fixture.onlyConnection(ConnectionState.IDLE); // waiting without a thread
            // IDLE comes first, then the reactor registers the channel (non-blocking).
            Await.until("the channel registered with the reactor", WAIT, () -> !conn.channel.isBlocking());

            synchronized (conn.channel.blockingLock()) {
                Net.send(s, "x\n"); // the client speaks: the reactor takes the connection back
                Await.until("the reactor between resumeLater and configureBlocking(true)", WAIT,
                        () -> conn.state() == ConnectionState.ACTIVE && reactor.getState() == Thread.State.BLOCKED);
                // Fan-out arrives now: no writer may start on the still non-blocking socket (it would
                // spin); the reactor holds the output until the socket blocks again.
                assertThat(conn.send(new byte[4 << 20])).isTrue();
            }
            // Then a writer (or the serving thread) writes it, blocked on the full socket (the client
            // reads nothing), under its write deadline.
            Await.until("the channel back in blocking mode", WAIT, () -> conn.channel.isBlocking());
            Await.until("a blocked write's deadline armed", WAIT, () -> conn.out().isArmed());
            fixture.passes(HOUR.plusMinutes(1));
            Await.until("the connection closed by its write timeout (write deadline "
                    + (conn.out().isArmed() ? "armed" : "NOT armed") + " when it passed, "
                    + conn.out().queuedBytes() + " bytes queued)", WAIT,
                    () -> Net.closed(server, CloseReason.WRITE_TIMEOUT) == 1);
        }
    }
}
