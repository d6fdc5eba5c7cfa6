package io.tcpkit.engine;

import io.tcpkit.AccessRules;
import io.tcpkit.ConnectionHandler;
import io.tcpkit.ConnectionObserver;
import io.tcpkit.Limits;
import io.tcpkit.TcpServer;
import io.tcpkit.testing.Await;
import io.tcpkit.testing.Net;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * end() drops the queue (Output.discard) while a drainer may have a write in flight: when the
 * drainer then records what it wrote, OutputQueue.written(n) walks a queue that is now empty and
 * throws a NullPointerException. On a writer thread it escapes the thread; on the reactor
 * (drainNow) it escapes writeMore, leaves the iteration ("reactor failed; carrying on") and skips
 * the parks, drains, sweep and resumes of that round.
 *
 * <p>The test holds the queue's monitor so that the writer, its write done, waits at written(n),
 * and drops the queue there as end() does on the thread that ends a killed connection.
 */
@Timeout(30)
class WrittenAfterDiscardTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private EngineServer server;
    private Thread.UncaughtExceptionHandler previous;

    @AfterEach
    void stop() {
        if (previous != null) {
            Thread.setDefaultUncaughtExceptionHandler(previous);
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aDrainerWhoseQueueWasDroppedMeanwhileDoesNotThrow() throws Exception {
        List<Throwable> escaped = new CopyOnWriteArrayList<>();
        previous = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler((t, e) -> escaped.add(e));
        ConnectionHandler reader = conn -> {
            while (conn.input().fill() > 0) {
                conn.input().skip(conn.input().readable());
            }
        };
        server = (EngineServer) Engine.start(new Engine.Spec("127.0.0.1", 0, 50, "discard", reader, null, null,
                TcpServer.DEFAULT_QUIET_AFTER, Limits.DEFAULT.withMaxOutboundBytes(64 << 20), Duration.ofSeconds(1),
                reason -> Optional.empty(), AccessRules.OPEN, null, null, ConnectionObserver.NONE, System::nanoTime));
        int size = 4 << 20;
        try (Socket s = new Socket()) {
            s.setReceiveBufferSize(4096);
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port()));
            Await.until("the connection open", WAIT, () -> server.registry().all().size() == 1);
            ConnectionImpl conn = server.registry().all().iterator().next();
            assertThat(conn.send(new byte[size])).isTrue(); // a writer thread takes it and blocks on the full socket
            Object queue = conn.out(); // the monitor the queue's methods hold
            // In its write (which counts bytesOut when it completes): 4 MiB do not fit in the socket buffers.
            Await.until("the writer in its write", WAIT, () -> conn.out().isArmed());
            synchronized (queue) {
                Thread drain = Thread.ofPlatform().start(() -> {
                    try (InputStream in = s.getInputStream()) {
                        in.readNBytes(size); // now its write completes, and it waits for the monitor to record it
                    } catch (Exception e) {
                        // the test fails on what follows
                    }
                });
                Await.until("the writer's write done", WAIT, () -> conn.out().bytesOut() == size);
                conn.out().discard(); // the connection ends meanwhile (end() on the thread that ends it)
                drain.join(WAIT.toMillis());
            }
            Await.until("the writer done", WAIT, () -> conn.out().tryAcquireForReactor());
            assertThat(escaped).as("exceptions that escaped a thread").isEmpty();
        }
    }
}
