package io.tcpkit.engine;

import io.tcpkit.testing.Await;
import io.tcpkit.testing.Net;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.Socket;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static io.tcpkit.engine.EngineFixture.WAIT;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A sender pays the memory budget for what it queued after it lets go of the receiver's output
 * monitor, not while it holds it. The budget takes monitors of its own; a sender that waited for
 * one of them with the output's monitor held kept everyone else off that receiver meanwhile: the
 * reactor, which writes it, and every other sender (with virtual threads, each let go only after a
 * turn through the scheduler's queue: publishes of up to seconds in bench/run's fanout-1000x100).
 */
@Timeout(60)
class ChargeOutsideMonitorTest {
    @RegisterExtension
    final EngineFixture fixture = new EngineFixture();

    @Test
    void aSenderWaitingForTheBudgetDoesNotHoldTheReceiversOutput() throws Exception {
        EngineServer engine = fixture.startBusy("charge"); // a send queues
        try (Socket client = Net.connect(engine.port())) {
            ConnectionImpl conn = fixture.busyConnection(client);
            Output out = conn.out();
            byte[] big = new byte[OutputQueue.FREE_BYTES + 1]; // past what a queue holds uncharged
            Thread sender;
            synchronized (conn) { // the connection's part of the budget is busy
                sender = Thread.ofPlatform().start(() -> out.send(big));
                Await.until("the sender waiting for the budget", WAIT, () -> sender.getState() == Thread.State.BLOCKED);
                CountDownLatch entered = new CountDownLatch(1);
                Thread other = Thread.ofPlatform().start(() -> {
                    synchronized (out) {
                        entered.countDown();
                    }
                });
                assertThat(entered.await(5, TimeUnit.SECONDS))
                        .as("another thread takes the output's monitor while the sender waits for the budget").isTrue();
                other.join();
            }
            sender.join(WAIT.toMillis());
            assertThat(sender.isAlive()).as("the sender, once the budget was free").isFalse();
        }
    }
}
