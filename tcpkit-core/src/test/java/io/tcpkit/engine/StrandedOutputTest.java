package io.tcpkit.engine;

import io.tcpkit.AccessRules;
import io.tcpkit.ConnectionHandler;
import io.tcpkit.ConnectionObserver;
import io.tcpkit.Limits;
import io.tcpkit.TcpServer;
import io.tcpkit.testing.Await;
import io.tcpkit.testing.Net;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Output.flush(false) (what a read does first: flushBeforeRead) hands the batch to the queue when
 * another drainer holds the flag, and returns without looking at the flag again. If that drainer
 * looked at the queue before the hand-over and lets go of the flag after the owner's failed
 * compare-and-set, nobody drains: the reply stays queued while the owner blocks in its read, and
 * a request/response client waits for it forever.
 *
 * <p>The other drainer here is the test, holding the flag as a writer thread does while it drains
 * a message (tryAcquireForReactor is the same compare-and-set) and the queue's monitor as its
 * takeRun does; it lets go of both the way a writer thread that found nothing more does.
 */
@Timeout(30)
class StrandedOutputTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    @AutoClose
    private EngineServer server;

    @Test
    void aReplyHandedToTheQueueWhileAnotherDrainerFinishesIsWritten() throws Exception {
        AtomicReference<Thread> serving = new AtomicReference<>();
        ConnectionHandler lineEcho = conn -> {
            serving.set(Thread.currentThread());
            String line;
            while ((line = conn.lines().readLine()) != null) {
                conn.write(line + "\n"); // then readLine reads: flushBeforeRead, then a blocking read
            }
        };
        server = (EngineServer) Engine.start(new Engine.Spec("127.0.0.1", 0, 50, "stranded", lineEcho, null, null,
                TcpServer.DEFAULT_QUIET_AFTER, Limits.DEFAULT, Duration.ofSeconds(1), reason -> Optional.empty(),
                AccessRules.OPEN, null, null, ConnectionObserver.NONE, System::nanoTime));
        try (Socket s = Net.connect(server.port())) {
            s.setSoTimeout(3000);
            Net.send(s, "one\n");
            assertThat(Net.readLine(s)).isEqualTo("one\n");
            ConnectionImpl conn = server.registry().all().iterator().next();
            Output out = conn.out();
            Object queue = out; // the monitor under which the owner hands its batch to the queue

            // The serving thread may still be letting go of it after its write of "one".
            Await.until("the drainer's flag", WAIT, out::tryAcquireForReactor);
            synchronized (queue) {
                Net.send(s, "two\n");
                // The owner wrote "two\n", failed to take the flag, and waits for the monitor to settle its batch.
                Await.until("the serving thread at the queue's monitor", WAIT,
                        () -> serving.get().getState() == Thread.State.BLOCKED);
                out.releaseFromReactor(); // the other drainer found nothing queued and lets go
            }
            try {
                assertThat(Net.readLine(s)).isEqualTo("two\n");
            } catch (SocketTimeoutException e) {
                fail("the reply to \"two\" was never written: " + out.queuedBytes() + " bytes stranded in the queue, "
                        + "connection " + conn.state());
            }
        }
    }
}
