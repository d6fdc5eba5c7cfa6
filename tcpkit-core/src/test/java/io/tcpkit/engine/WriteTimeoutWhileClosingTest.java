package io.tcpkit.engine;

import io.tcpkit.AccessRules;
import io.tcpkit.ConnectionObserver;
import io.tcpkit.ConnectionState;
import io.tcpkit.Limits;
import io.tcpkit.RequestHandler;
import io.tcpkit.TcpServer;
import io.tcpkit.testing.Await;
import io.tcpkit.testing.Net;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The write deadline must end a connection whose graceful close is stuck flushing to a peer that
 * does not read. Today the sweep's {@code abort(WRITE_TIMEOUT)} does nothing once a reason was
 * recorded (the close that began the flush recorded one), so the connection, its thread and its
 * permit stay until the server shuts down.
 */
@Timeout(30)
class WriteTimeoutWhileClosingTest {
    private static final Duration HOUR = Duration.ofHours(1);
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final AtomicLong clock = new AtomicLong(System.nanoTime());
    private EngineServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

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
        Limits limits = Limits.DEFAULT.withIdleTimeout(HOUR).withReadTimeout(HOUR).withWriteTimeout(HOUR)
                .withMaxOutboundBytes(64 << 20);
        server = (EngineServer) Engine.start(new Engine.Spec("127.0.0.1", 0, 50, "closing", null, byeEnds, null,
                TcpServer.DEFAULT_QUIET_AFTER, limits, Duration.ofSeconds(1), reason -> Optional.empty(),
                AccessRules.OPEN, null, null, ConnectionObserver.NONE, clock::get));
        try (Socket s = new Socket()) {
            s.setReceiveBufferSize(4096);
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port()));
            Net.send(s, "hi\n");
            assertThat(Net.readLine(s)).isEqualTo("ok\n");
            Await.until("the connection waiting without a thread", WAIT, () -> server.registry().all().size() == 1
                    && server.registry().all().iterator().next().state() == ConnectionState.IDLE);
            ConnectionImpl conn = server.registry().all().iterator().next();
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
            clock.addAndGet(HOUR.plusMinutes(1).toNanos());
            server.reactor().deadlines().sweep(clock.get());
            Await.until("the connection ended by its write deadline (when it passed: "
                    + conn.state() + ", " + conn.out().queuedBytes() + " bytes queued)", WAIT,
                    () -> server.registry().all().isEmpty() && server.stats().open() == 0);
        }
    }
}
