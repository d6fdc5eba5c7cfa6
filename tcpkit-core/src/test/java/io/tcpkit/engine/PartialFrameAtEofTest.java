package io.tcpkit.engine;

import io.tcpkit.CloseReason;
import io.tcpkit.RequestHandler;
import io.tcpkit.TcpServer;
import io.tcpkit.codec.LineReader;
import io.tcpkit.testing.Await;
import io.tcpkit.testing.Net;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * RequestHandler's contract: "one that consumes nothing is taken to need more of a frame, which
 * the engine reads ... before it calls serve again". At end of stream that read returns -1 at
 * once, Turns.serve does not look at it, and calls the handler again: a client that sends part
 * of a frame and then FIN pins a carrier thread in a busy loop forever (no wait, so no deadline
 * applies), which even the server's close() does not stop (the forced close closes the socket and
 * interrupts the thread; the loop touches neither). Two such clients take both carriers of a
 * 2-core machine.
 */
@Timeout(30)
class PartialFrameAtEofTest {
    private TcpServer server;

    @AfterEach
    void stop() { // (the test ends the handler's loop itself before this)
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aHandlerWaitingForMoreOfAFrameIsNotCalledForeverAtEndOfStream() throws Exception {
        AtomicLong turns = new AtomicLong();
        AtomicBoolean over = new AtomicBoolean(); // ends the handler's loop when the test is over, spinning or not
        RequestHandler wholeLinesOnly = conn -> {
            if (turns.incrementAndGet() > 1_000_000 && over.get()) {
                return false;
            }
            LineReader lines = conn.lines();
            if (!lines.hasBufferedLine()) {
                return true; // consumed nothing: needs more of the frame (as RequestHandler's javadoc puts it)
            }
            conn.write(lines.readLine() + "\n");
            return true;
        };
        server = TcpServer.builder().port(0).service("partial").requestHandler(wholeLinesOnly)
                .drainTimeout(Duration.ofMillis(200)).start();
        try (Socket s = Net.connect(server.port())) {
            Net.send(s, "no end of line");
            s.shutdownOutput();
            Await.until("the connection ended after the client's FIN",
                    Duration.ofSeconds(10), () -> server.stats().closedTotal() == 1);
        } finally {
            over.set(true);
            System.out.println("PartialFrameAtEofTest: " + turns.get() + " turns");
        }
    }
}
