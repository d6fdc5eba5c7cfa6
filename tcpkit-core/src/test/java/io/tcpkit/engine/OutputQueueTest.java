package io.tcpkit.engine;

import io.tcpkit.testing.Net;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The queue's shapes: small messages queued by reference in one bundle (taken and gathered in one
 * step), a bundle that grows after it was taken without changing the run taken, partial writes
 * across the messages of a bundle, large messages queued as slices, the batch's positions kept
 * when the batch is settled, and what the queue holds. The queue belongs to a real connection
 * (whose budget it charges); the test is its only user, as a connection's one drainer and its
 * senders would be.
 */
@Timeout(30)
class OutputQueueTest {
    @RegisterExtension
    final EngineFixture fixture = new EngineFixture();
    private Socket client;
    private Output owner;
    private OutputQueue queue;

    @BeforeEach
    void connect() throws Exception {
        var server = fixture.start("queue", conn -> conn.lines().readLine() != null);
        client = Net.connect(server.port());
        ConnectionImpl conn = fixture.onlyConnection();
        owner = conn.out();
        queue = new OutputQueue(conn, owner);
    }

    @org.junit.jupiter.api.AfterEach
    void disconnect() throws Exception {
        client.close();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] message(char c, int n) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) c);
        return b;
    }

    /** What the run taken last holds, as the drainer would write it. */
    private String run(int bytes) {
        OutputChunk slice = queue.runSlice();
        if (slice != null) {
            return new String(slice.data, slice.off, bytes, StandardCharsets.US_ASCII);
        }
        ByteBuffer out = queue.copyRun(ByteBuffer.allocate(bytes));
        assertThat(out.remaining()).as("the run's bytes, no more").isEqualTo(bytes);
        return new String(out.array(), 0, bytes, StandardCharsets.US_ASCII);
    }

    /** What a bundle of {@code refs} references holds besides its messages' bytes. */
    private static long bundleOverhead(int refs) {
        return (long) refs * OutputQueue.REF_BYTES + OutputQueue.CHUNK_OVERHEAD_BYTES;
    }

    @Test
    void smallMessagesAreQueuedByReferenceInOneBundleAndLeaveInOneStep() {
        byte[] one = bytes("one ");
        assertThat(queue.append(one, 0)).as("drainable").isTrue();
        queue.append(bytes("two "), 0);
        queue.append(bytes("three"), 0);

        assertThat(queue.takeRun(false, Drainer.GATHER_BYTES)).isEqualTo(13);
        assertThat(queue.runChunks()).as("one bundle, not a chunk per message").isEqualTo(1);
        assertThat(queue.runSlice()).as("a bundle is gathered").isNull();
        assertThat(run(13)).isEqualTo("one two three");
        assertThat(queue.held()).as("the messages' bytes and the bundle's references")
                .isEqualTo(13 + bundleOverhead(OutputQueue.MIN_BUNDLE_REFS));

        one[0] = 'O'; // the sender's array is queued, not a copy (senders must not change it; this test may)
        assertThat(run(13)).isEqualTo("One two three");
        queue.written(13);
        assertThat(queue.queued()).isZero();
        assertThat(queue.held()).isZero();
        assertThat(queue.written()).isEqualTo(13);
        assertThat(queue.isEmpty()).isTrue();
    }

    @Test
    void aBundleThatGrowsAfterItWasTakenKeepsTheRunAsTaken() {
        queue.append(bytes("first"), 0);
        assertThat(queue.takeRun(false, Drainer.GATHER_BYTES)).isEqualTo(5);
        queue.append(bytes("second"), 0); // into the same bundle, behind what the drainer writes

        assertThat(run(5)).as("the run is what was taken").isEqualTo("first");
        queue.written(5);
        assertThat(queue.queued()).isEqualTo(6);

        assertThat(queue.takeRun(false, Drainer.GATHER_BYTES)).isEqualTo(6);
        assertThat(run(6)).isEqualTo("second");
        queue.written(3); // a partial write
        assertThat(queue.takeRun(false, Drainer.GATHER_BYTES)).isEqualTo(3);
        assertThat(run(3)).isEqualTo("ond");
        queue.written(3);
        assertThat(queue.held()).isZero();
    }

    @Test
    void aPartialWriteAcrossMessagesResumesInsideTheRightOne() {
        queue.append(bytes("ab"), 0);
        queue.append(bytes("cde"), 0);
        queue.append(bytes("fghi"), 0);
        assertThat(queue.takeRun(false, Drainer.GATHER_BYTES)).isEqualTo(9);
        queue.written(4); // "ab" and "cd"
        assertThat(queue.held()).isEqualTo(5 + bundleOverhead(OutputQueue.MIN_BUNDLE_REFS));

        assertThat(queue.takeRun(false, Drainer.GATHER_BYTES)).isEqualTo(5);
        assertThat(run(5)).isEqualTo("efghi");
        queue.written(1);
        assertThat(queue.takeRun(false, 2)).as("at most what the write takes").isEqualTo(2);
        assertThat(run(2)).isEqualTo("fg");
        queue.written(2);
        assertThat(queue.takeRun(false, Drainer.GATHER_BYTES)).isEqualTo(2);
        assertThat(run(2)).isEqualTo("hi");
        queue.written(2);
        assertThat(queue.queued()).isZero();
        assertThat(queue.held()).isZero();
    }

    @Test
    void aLargeMessageIsASliceOfItsOwnWrittenFromItsArray() {
        byte[] large = message('x', OutputQueue.BUNDLE_BYTES + 1);
        queue.append(bytes("small"), 0);
        queue.append(large, 0);

        assertThat(queue.takeRun(false, Drainer.GATHER_BYTES)).isEqualTo(5 + large.length);
        assertThat(queue.runChunks()).isEqualTo(2);
        assertThat(run(5 + large.length)).isEqualTo("small" + "x".repeat(large.length));
        assertThat(queue.held()).isEqualTo(5 + large.length + bundleOverhead(OutputQueue.MIN_BUNDLE_REFS)
                + OutputQueue.CHUNK_OVERHEAD_BYTES);
        queue.written(5);

        assertThat(queue.takeRun(false, Drainer.GATHER_BYTES)).isEqualTo(large.length);
        assertThat(queue.runSlice()).as("alone in its run").isNotNull();
        assertThat(queue.runSlice().data).as("the sender's array, shared with its other receivers").isSameAs(large);
        queue.written(large.length);
        assertThat(queue.held()).isZero();
    }

    @Test
    void anEmptyMessageQueuesNothing() {
        assertThat(queue.append(new byte[0], 0)).isFalse();
        assertThat(queue.isEmpty()).isTrue();
        assertThat(queue.held()).isZero();
    }

    @Test
    void messagesWaitingForDifferentPartsOfTheBatchAreNotMergedAndTheBatchIsCutBetweenThem() {
        queue.append(bytes("<a>"), 0);
        assertThat(queue.append(bytes("<b>"), 5)).as("the head waits for nothing").isTrue();
        queue.append(bytes("<c>"), 5);

        assertThat(queue.takeRun(false, Drainer.GATHER_BYTES)).as("another drainer stops at <b>").isEqualTo(3);
        queue.written(3);
        assertThat(queue.headDrainable()).as("<b> waits for 5 bytes of the batch").isFalse();

        synchronized (owner) {
            queue.settle(bytes("HELLOWORLD"), 10);
        }
        assertThat(queue.takeRun(true, Drainer.GATHER_BYTES)).isEqualTo(16);
        assertThat(run(16)).isEqualTo("HELLO<b><c>WORLD");
        queue.written(16);
        assertThat(queue.queued()).isZero();
        assertThat(queue.held()).isZero();
    }

    @Test
    void theNextBundleHoldsWhatTheLastWriteTook() {
        for (int i = 0; i < 30; i++) {
            queue.append(message('m', 100), 0);
        }
        assertThat(queue.takeRun(false, Drainer.GATHER_BYTES)).isEqualTo(3000);
        assertThat(queue.runChunks()).as("bundles of 16 and 32 messages").isEqualTo(2);
        queue.written(3000);

        queue.append(message('n', 100), 0);
        assertThat(queue.held()).as("30 messages last time: a bundle of 32")
                .isEqualTo(100 + bundleOverhead(32));
        queue.takeRun(false, Drainer.GATHER_BYTES);
        queue.written(100);
    }
}
