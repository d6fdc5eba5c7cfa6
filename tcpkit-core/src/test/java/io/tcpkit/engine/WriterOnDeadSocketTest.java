package io.tcpkit.engine;

import io.tcpkit.testing.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Arrays;

import static io.tcpkit.engine.EngineFixture.WAIT;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A writer thread whose write fails (the client reset the connection) while the connection's
 * serving thread is busy elsewhere (here: in its handler) drops what is queued: nothing will ever
 * be written on that socket. It used to leave it queued; letting go of the drainer's flag then
 * started a new writer for it, which failed on the closed channel, and so on without end: the
 * writers ran on the carrier's own queue while the threads that would have ended the connection
 * waited in the shared one (LeaveDuringBroadcastTest hung so, under load).
 */
@Timeout(60)
class WriterOnDeadSocketTest {
    @RegisterExtension
    final EngineFixture fixture = new EngineFixture();

    @Test
    void aFailedWriteDropsTheQueueInsteadOfStartingWriterAfterWriter() throws Exception {
        EngineServer engine = fixture.startBusy("dead"); // only writer threads write
        try (Socket client = new Socket()) {
            client.setReceiveBufferSize(4096);
            client.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), engine.port()));
            ConnectionImpl conn = fixture.busyConnection(client);
            Output out = conn.out();
            byte[] m = new byte[1000];
            Arrays.fill(m, (byte) 'm');
            // The client reads nothing: a writer thread fills the socket and waits in its write.
            Await.until("a writer waiting on a full socket", WAIT, () -> {
                while (out.queuedBytes() <= 64 * 1024) {
                    assertThat(out.send(m)).as("under the slow-consumer cap").isTrue();
                }
                return out.isArmed();
            });
            client.setSoLinger(true, 0);
            client.close(); // a reset: the waiting write fails
            Await.until("what was queued dropped after the failed write (" + out.queuedBytes() + " bytes)", WAIT,
                    () -> out.queuedBytes() == 0);
        }
    }
}
