package io.tcpkit.engine;

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
import java.util.concurrent.atomic.AtomicReference;

import static io.tcpkit.engine.EngineFixture.HOUR;
import static io.tcpkit.engine.EngineFixture.HOUR_LONG;
import static io.tcpkit.engine.EngineFixture.WAIT;

/**
 * The write deadline must end a connection whose graceful close is stuck flushing to a peer that
 * does not read. Today the sweep's {@code abort(WRITE_TIMEOUT)} does nothing once a reason was
 * recorded (the close that began the flush recorded one), so the connection, its thread and its
 * permit stay until the server shuts down.
 */
@Timeout(30)
class WriteTimeoutWhileClosingTest {
    @RegisterExtension
    final EngineFixture fixture = new EngineFixture();

    @Test
    void aGracefulCloseBlockedFlushingIsEndedByTheWriteTimeout() throws Exception {
        // A line protocol whose "bye" ends the conversation (a graceful close on the serving thread).
        RequestHandler byeEnds = conn -> {
            String line = conn.lines().readLine();
            if (line == null || line.equals("bye")) {
                return false;
            }
            conn.write("ok\n");
            return true;
        };
        EngineServer server = fixture.startClocked("closing", byeEnds, TcpServer.DEFAULT_QUIET_AFTER,
                HOUR_LONG.withMaxOutboundBytes(64 << 20), Duration.ofSeconds(1));
        try (Socket s = fixture.clientThatStopsReading()) {
            ConnectionImpl conn = fixture.onlyConnection(ConnectionState.IDLE); // waiting without a thread
            // Fan-out to a client that does not read: more than the socket buffers hold stays queued.
            byte[] message = new byte[64 * 1024];
            for (int i = 0; i < 64; i++) {
                conn.send(message);
            }
            Await.until("output blocked on the full socket", WAIT, () -> conn.out().isArmed() && conn.out().queuedBytes() > 0);
            Net.send(s, "bye\n"); // the handler ends the conversation: a graceful close, which flushes first
            AtomicReference<String> seen = new AtomicReference<>();
            try {
                Await.until("the graceful close blocked in its flush", WAIT, () -> {
                    seen.set(conn.state() + ", write " + (conn.out().isArmed() ? "armed" : "not armed")
                            + ", " + conn.out().queuedBytes() + " bytes queued");
                    return conn.state() == ConnectionState.CLOSING && conn.out().isArmed();
                });
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + " (last seen: " + seen.get() + ")", e);
            }
            fixture.passes(HOUR.plusMinutes(1));
            Await.until("the connection ended by its write deadline (when it passed: "
                    + conn.state() + ", " + conn.out().queuedBytes() + " bytes queued)", WAIT,
                    () -> server.registry().all().isEmpty() && server.stats().open() == 0);
        }
    }
}
