package io.tcpkit.engine;

import io.tcpkit.testing.Net;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The queue's shapes: small messages copied into one block of the queue's own (taken and written
 * in one step), a block that grows after it was taken without changing the run taken, large
 * messages queued by reference, the batch's positions kept when the batch is settled, and what the
 * queue holds. The queue belongs to a real connection (whose budget it charges); the test is its
 * only user, as a connection's one drainer and its senders would be.
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
        byte[] out = new byte[bytes];
        if (queue.runChunks() == 1) {
            OutputQueue.Chunk c = queue.runFirst();
            System.arraycopy(c.data, c.off, out, 0, bytes);
        } else {
            queue.copyRun(out);
        }
        return new String(out, StandardCharsets.US_ASCII);
    }

    @Test
    void smallMessagesAreCopiedIntoOneBlockAndLeaveInOneStep() {
        assertThat(queue.append(bytes("one "), 0, 4, 0)).as("drainable").isTrue();
        queue.append(bytes("two "), 0, 4, 0);
        queue.append(bytes("three"), 0, 5, 0);

        assertThat(queue.takeRun(false, Drainer.GATHER_BYTES)).isEqualTo(13);
        assertThat(queue.runChunks()).as("one block, not a chunk per message").isEqualTo(1);
        assertThat(queue.runFirst().own).isTrue();
        assertThat(run(13)).isEqualTo("one two three");
        assertThat(queue.held()).as("a block holds its array")
                .isEqualTo(OutputQueue.MIN_BLOCK_BYTES + OutputQueue.CHUNK_OVERHEAD_BYTES);

        queue.written(13);
        assertThat(queue.queued()).isZero();
        assertThat(queue.held()).isZero();
        assertThat(queue.written()).isEqualTo(13);
    }

    @Test
    void aBlockThatGrowsAfterItWasTakenKeepsTheRunAsTaken() {
        queue.append(bytes("first"), 0, 5, 0);
        assertThat(queue.takeRun(false, Drainer.GATHER_BYTES)).isEqualTo(5);
        queue.append(bytes("second"), 0, 6, 0); // into the same block, behind what the drainer writes

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
    void aLargeMessageIsQueuedByReferenceNotCopied() {
        byte[] large = message('x', OutputQueue.COPY_BYTES + 1);
        queue.append(bytes("small"), 0, 5, 0);
        queue.append(large, 0, large.length, 0);

        assertThat(queue.takeRun(false, Drainer.GATHER_BYTES)).isEqualTo(5 + large.length);
        assertThat(queue.runChunks()).isEqualTo(2);
        assertThat(queue.runFirst().next.data).as("the sender's array, shared with its other receivers").isSameAs(large);
        assertThat(run(5 + large.length)).isEqualTo("small" + "x".repeat(large.length));
        assertThat(queue.held()).isEqualTo(OutputQueue.MIN_BLOCK_BYTES + large.length + 2L * OutputQueue.CHUNK_OVERHEAD_BYTES);
    }

    @Test
    void messagesWaitingForDifferentPartsOfTheBatchAreNotMergedAndTheBatchIsCutBetweenThem() {
        queue.append(bytes("<a>"), 0, 3, 0);
        assertThat(queue.append(bytes("<b>"), 0, 3, 5)).as("the head waits for nothing").isTrue();
        queue.append(bytes("<c>"), 0, 3, 5);

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
    void theNextBlockHoldsWhatTheLastWriteTook() {
        for (int i = 0; i < 30; i++) {
            queue.append(message('m', 100), 0, 100, 0);
        }
        assertThat(queue.takeRun(false, Drainer.GATHER_BYTES)).isEqualTo(3000);
        assertThat(queue.runChunks()).as("blocks of 256, 512, 1024 and 2048 bytes").isEqualTo(4);
        queue.written(3000);

        queue.append(message('n', 100), 0, 100, 0);
        queue.takeRun(false, Drainer.GATHER_BYTES);
        assertThat(queue.runFirst().data.length).as("3,000 bytes last time: a block of 4 KiB").isEqualTo(4096);
        queue.written(100);
    }
}
