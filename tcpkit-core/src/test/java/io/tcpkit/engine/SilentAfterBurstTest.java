package io.tcpkit.engine;

import io.tcpkit.ConnectionState;
import io.tcpkit.testing.Await;
import io.tcpkit.testing.Net;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.Socket;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 12, "done means" 1: an idle connection holds no thread. A connection whose last wait was
 * short (requests in quick succession: a client library's handshake, a chat member typing, AUTH
 * then SUBSCRIBE) and which then falls silent must not keep its virtual thread, its read buffer and
 * its output batch, blocked in an untimed read, until its next request or its idle timeout: a
 * connection waits on its thread only once it has shown it is busy (Input.BUSY_AFTER short waits
 * in a row), more than such a burst.
 */
@Timeout(30)
class SilentAfterBurstTest {
    @RegisterExtension
    final EngineFixture fixture = new EngineFixture();

    @Test
    void aConnectionThatFallsSilentAfterABurstWaitsWithoutAThread() throws Exception {
        EngineServer engine = fixture.start("burst", EngineFixture.ECHO);
        try (Socket warmUp = Net.connect(engine.port())) { // class loading and JIT must not make the burst slow
            for (int i = 0; i < 200; i++) {
                assertThat(Net.roundTrip(warmUp, "w")).isEqualTo("w");
            }
        }
        Await.until("the warm-up connection gone", Duration.ofSeconds(10), () -> engine.registry().all().isEmpty());
        try (Socket s = Net.connect(engine.port())) {
            String replies = "";
            for (int i = 0; i < 5; i++) { // five requests in a row: a handshake's burst
                replies += Net.roundTrip(s, "r");
            }
            assertThat(replies).isEqualTo("rrrrr");
            ConnectionImpl conn = engine.registry().all().iterator().next();
            // Now silent for 200 times the quiet time (50 ms).
            Await.until("the silent connection handed to the reactor (it stays " + conn.state() + ")",
                    Duration.ofSeconds(10), () -> conn.state() == ConnectionState.IDLE);
        }
    }
}
