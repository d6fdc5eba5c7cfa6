package io.tcpkit.engine;

import io.tcpkit.ConnectionHandler;
import io.tcpkit.TcpServer;
import io.tcpkit.testing.Net;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The lost wake-up of {@link StrandedOutputTest} with no instrumentation: each request makes
 * another thread send a message (which starts a writer thread), then the serving thread writes
 * its reply and reads on. When the writer finishes between the owner's failed compare-and-set and
 * its hand-over of the batch, the reply is stranded and the client waits for it forever.
 */
@Timeout(40)
class StrandedOutputStressTest {
    private static final long RUN_NANOS = 15_000_000_000L;
    private static final int MAX_ROUNDS = 200_000;
    private TcpServer server;
    private final ExecutorService sender = Executors.newSingleThreadExecutor();

    @AfterEach
    void stop() {
        sender.shutdownNow();
        if (server != null) {
            server.close();
        }
    }

    @Test
    void everyReplyIsWrittenWhileOtherThreadsSend() throws Exception {
        byte[] message = "m\n".getBytes(StandardCharsets.US_ASCII);
        ConnectionHandler handler = conn -> {
            String line;
            while ((line = conn.lines().readLine()) != null) {
                try {
                    sender.submit(() -> conn.send(message)).get();
                } catch (java.util.concurrent.ExecutionException e) {
                    throw new IllegalStateException(e);
                }
                conn.write("r" + line + "\n");
            }
        };
        server = TcpServer.builder().port(0).service("stress").handler(handler).start();
        try (Socket s = Net.connect(server.port())) {
            s.setSoTimeout(2000);
            OutputStream out = s.getOutputStream();
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
            long end = System.nanoTime() + RUN_NANOS;
            int round = 0;
            for (; round < MAX_ROUNDS && System.nanoTime() - end < 0; round++) {
                out.write((round + "\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                try {
                    assertThat(in.readLine()).isEqualTo("m");
                    assertThat(in.readLine()).isEqualTo("r" + round);
                } catch (SocketTimeoutException e) {
                    fail("round " + round + ": the reply was never written (stranded in the queue)");
                }
            }
            System.out.println("StrandedOutputStressTest: " + round + " rounds without a stranded reply");
        }
    }
}
