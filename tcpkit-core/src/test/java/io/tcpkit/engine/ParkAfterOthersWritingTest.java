package io.tcpkit.engine;

import io.tcpkit.ConnectionState;
import io.tcpkit.RequestHandler;
import io.tcpkit.codec.ReadBuffer;
import io.tcpkit.testing.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A connection whose thread goes to wait while another thread is still writing what others sent
 * it (a chat member right after joining, the room's notices on their way) must still end up
 * waiting without a thread: its thread waits for that writing to end and then hands the
 * connection over, rather than block in a read until the next request or the idle timeout.
 */
@Timeout(30)
class ParkAfterOthersWritingTest {
    /** Small messages from another thread, arriving while the serving thread goes to wait. */
    private static final int SENT = 20_000;
    /** The hand-over races the sender: enough rounds that the old code lost it every time tried. */
    private static final int ROUNDS = Input.BUSY_AFTER - 2; // more, and the connection counts as busy and keeps its thread by design

    @RegisterExtension
    final EngineFixture fixture = new EngineFixture();

    @Test
    void theThreadWaitsForAWriterAndThenLetsTheConnectionGo() throws Exception {
        RequestHandler handler = conn -> {
            ReadBuffer in = conn.input();
            if (in.readable() == 0 && in.fill() < 0) {
                return false;
            }
            in.skip(in.readable());
            conn.write("ok\n".getBytes(StandardCharsets.US_ASCII));
            Thread.ofPlatform().start(() -> {
                for (int i = 0; i < SENT; i++) {
                    conn.send(new byte[] {'.'});
                }
            });
            return true;
        };
        EngineServer engine = fixture.start("park", handler);
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", engine.port()));
            InputStream in = s.getInputStream();
            byte[] buf = new byte[8192];
            for (int round = 0; round < ROUNDS; round++) {
                s.getOutputStream().write('r');
                if (round == 0) {
                    Await.until("the connection accepted", Duration.ofSeconds(10), () -> !engine.registry().all().isEmpty());
                }
                ConnectionImpl conn = engine.registry().all().iterator().next();
                long total = 0;
                while (total < SENT + 3) {
                    int n = in.read(buf);
                    assertThat(n).isPositive();
                    total += n;
                }
                assertThat(total).isEqualTo(SENT + 3);
                int r = round;
                Await.until("round " + r + ": the connection handed to the reactor (it stays " + conn.state() + ")",
                        Duration.ofSeconds(10), () -> conn.state() == ConnectionState.IDLE);
            }
        }
    }
}
