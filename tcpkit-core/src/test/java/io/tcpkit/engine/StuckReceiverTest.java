package io.tcpkit.engine;

import io.tcpkit.testing.Await;
import io.tcpkit.testing.Net;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

import static io.tcpkit.engine.EngineFixture.WAIT;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which receivers a sender stops waiting for ({@link Output#awaitDrained}). One whose client does
 * not read is stuck: its write waits for the socket. One that is behind because the server has not
 * written it yet (here: its drainer's flag held, as a reactor busy with a thousand others holds
 * it back) is not: marking it stuck let its senders run free, and a fan-out that fell behind once
 * never caught up (the old rule: stuck whenever less than an eighth of the mark drained in a wait).
 * And one wait in which a client read nothing is a pause, not a verdict: only a run of such waits
 * for {@link Output#STUCK_AFTER_NANOS} is.
 */
@Timeout(60)
class StuckReceiverTest {
    @RegisterExtension
    final EngineFixture fixture = new EngineFixture();
    /** A sender's wait long enough for a verdict. */
    private static final long WAIT_NANOS = 2 * Output.MIN_VERDICT_NANOS;

    private static byte[] message() {
        byte[] m = new byte[1000];
        Arrays.fill(m, (byte) 'm');
        return m;
    }

    @Test
    void aReceiverTheServerHasNotWrittenYetIsNotStuck() throws Exception {
        var server = fixture.start("stuck", conn -> conn.lines().readLine() != null);
        try (Socket client = Net.connect(server.port())) {
            Output out = fixture.onlyConnection().out();
            Await.until("the drainer's flag", WAIT, out::tryAcquireForReactor); // nobody writes it now
            long mark = Output.pressureMark(server.limits().maxOutboundBytes());
            byte[] m = message();
            for (long sent = 0; sent <= mark; sent += m.length) {
                assertThat(out.send(m)).isTrue();
            }
            out.awaitDrained(WAIT_NANOS);
            assertThat(out.isStuck()).as("behind only because the server did not write it").isFalse();

            out.releaseFromReactor(); // and the server catches up: everything arrives
            InputStream in = client.getInputStream();
            long expected = out.queuedBytes();
            assertThat(in.readNBytes((int) expected)).hasSize((int) expected);
        }
    }

    @Test
    void aWaitTooShortToJudgeLeavesTheReceiverUnjudged() throws Exception {
        try (Unread unread = unreadPastTheMark()) {
            // What is left of a sender's deadline after it waited for others: nobody drains in that.
            unread.out().awaitDrained(TimeUnit.MICROSECONDS.toNanos(50));
            assertThat(unread.out().isStuck()).as("judged on a wait of 50 us").isFalse();

            long expected = unread.out().queuedBytes(); // and the client that reads gets it all
            assertThat(unread.client().getInputStream().readNBytes((int) expected)).hasSize((int) expected);
        }
    }

    @Test
    void aReceiverWhoseClientDoesNotReadIsStuckOnceItDrainedTooLittleForLongEnough() throws Exception {
        try (Unread unread = unreadPastTheMark()) {
            long start = System.nanoTime();
            int waits = 0;
            while (!unread.out().isStuck()) {
                unread.out().awaitDrained(WAIT_NANOS);
                waits++;
                assertThat(waits).as("waits before the verdict").isLessThan(100);
            }
            assertThat(System.nanoTime() - start).as("judged after a run of bad waits, not one")
                    .isGreaterThanOrEqualTo(Output.STUCK_AFTER_NANOS);
            assertThat(waits).isGreaterThan(1);
        }
    }

    @Test
    void aClientThatPausesForAWaitIsNotStuckAndIsWaitedForAgainOnceItReads() throws Exception {
        try (Unread unread = unreadPastTheMark()) {
            unread.out().awaitDrained(WAIT_NANOS); // the client reads nothing in this wait: a pause
            assertThat(unread.out().isStuck()).as("judged on one pause").isFalse();

            // It reads again, everything: a wait in which it drains forgets the pause.
            long expected = unread.out().queuedBytes();
            assertThat(unread.client().getInputStream().readNBytes((int) expected)).hasSize((int) expected);
            unread.out().awaitDrained(WAIT_NANOS);
            assertThat(unread.out().isStuck()).isFalse();
        }
    }

    /** A connection whose client has read nothing: its socket full, its write waiting, its queue past the mark. */
    private record Unread(Socket client, Output out) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            client.close();
        }
    }

    private Unread unreadPastTheMark() throws Exception {
        var server = fixture.start("stuck", conn -> conn.lines().readLine() != null);
        Socket client = new Socket();
        try {
            client.setReceiveBufferSize(4096);
            client.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port()));
            Output out = fixture.onlyConnection().out();
            long mark = Output.pressureMark(server.limits().maxOutboundBytes());
            byte[] m = message();
            // The client reads nothing: the socket fills, the write waits for it, the queue grows.
            Await.until("a write waiting on a full socket, the queue past the mark", WAIT, () -> {
                while (out.queuedBytes() <= mark) {
                    assertThat(out.send(m)).as("under the slow-consumer cap").isTrue();
                }
                return out.isArmed();
            });
            return new Unread(client, out);
        } catch (Exception | AssertionError e) {
            client.close();
            throw e;
        }
    }
}
