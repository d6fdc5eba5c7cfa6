package io.tcpkit.server.command;

import io.tcpkit.CloseReason;
import io.tcpkit.Limits;
import io.tcpkit.TcpServer;
import io.tcpkit.server.testing.Services;
import io.tcpkit.testing.Await;
import io.tcpkit.testing.Net;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A publisher floods a room with pipelined PUBLISHes, far faster than a subscriber can read, to
 * one subscriber that reads at full speed and one that does not read at all: the publisher is
 * slowed to the pace of the one that reads, which keeps every message, in order, and stays
 * connected; the one that does not read is closed as a slow consumer. Without back-pressure the
 * reader's queue outgrows the (small) slow-consumer limit and it is disconnected too.
 */
class PublisherBackPressureTest {
    private static final int MESSAGES = 20_000;
    private static final int PAYLOAD = 1000;

    private static byte[] payload(int i) {
        byte[] p = new byte[PAYLOAD];
        Arrays.fill(p, (byte) 'p');
        byte[] n = String.format("%08d", i).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(n, 0, p, 0, n.length);
        return p;
    }

    private static byte[] publish(int i) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(("*3\r\n$7\r\nPUBLISH\r\n$4\r\nnews\r\n$" + PAYLOAD + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(payload(i));
        out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    private static byte[] message(int i) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(("*3\r\n$7\r\nmessage\r\n$4\r\nnews\r\n$" + PAYLOAD + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(payload(i));
        out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    private static final String CONFIRMED = "*3\r\n$9\r\nsubscribe\r\n$4\r\nnews\r\n:1\r\n";

    @Test
    void aFloodingPublisherIsSlowedToTheReadersPaceAndOnlyTheOneThatDoesNotReadIsClosed() throws Exception {
        // The test's own reader and writer are platform threads: on virtual threads they would
        // compete with the server's for the same carriers, and a reader starved of a carrier for
        // the length of a publisher's wait looks stuck to the server (it drained nothing), which
        // is the server's rule for a subscriber it stops waiting for, not a fault.
        try (Services services = new Services();
             ExecutorService threads = Executors.newThreadPerTaskExecutor(Thread.ofPlatform().factory())) {
            // A small slow-consumer limit: 64 messages' worth. Without back-pressure a pipelined
            // publisher outruns any reader by more than that.
            TcpServer server = services.startCommand(Limits.DEFAULT.withMaxOutboundBytes(64 * 1024));
            int port = server.localAddress().getPort();
            Socket fast = services.track(Net.connect(port));
            Net.send(fast, "SUBSCRIBE news\r\n");
            assertThat(Net.read(fast, CONFIRMED.length())).isEqualTo(CONFIRMED);
            Socket slow = services.track(new Socket());
            slow.setReceiveBufferSize(4096);
            slow.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            slow.setSoTimeout(10_000);
            Net.send(slow, "SUBSCRIBE news\r\n");
            assertThat(Net.read(slow, CONFIRMED.length())).isEqualTo(CONFIRMED);

            Future<Integer> received = threads.submit(() -> {
                InputStream in = fast.getInputStream();
                for (int i = 0; i < MESSAGES; i++) {
                    byte[] expected = message(i);
                    byte[] got = in.readNBytes(expected.length);
                    if (!Arrays.equals(got, expected)) {
                        return i; // the first message lost, out of order or cut short
                    }
                }
                return MESSAGES;
            });
            Socket publisher = services.track(Net.connect(port));
            publisher.setSoTimeout(60_000);
            CompletableFuture<Void> published = CompletableFuture.runAsync(() -> {
                try {
                    OutputStream out = publisher.getOutputStream();
                    for (int i = 0; i < MESSAGES; i++) {
                        out.write(publish(i));
                    }
                    out.flush();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }, threads);
            for (int i = 0; i < MESSAGES; i++) {
                String reply = Net.readLine(publisher);
                assertThat(reply.strip()).as("reply %d", i).isIn(":2", ":1");
            }
            published.get(60, TimeUnit.SECONDS);
            assertThat(received.get(60, TimeUnit.SECONDS)).as("messages the reader got whole and in order")
                    .isEqualTo(MESSAGES);
            Await.until("the subscriber that does not read closed as a slow consumer",
                    () -> Net.closed(server, CloseReason.SLOW_CONSUMER) == 1);
            Net.send(fast, "PING\r\n");
            assertThat(Net.read(fast, 20)).as("the reader is still connected")
                    .isEqualTo("*2\r\n$4\r\npong\r\n$0\r\n\r\n");
            assertThat(Net.closed(server, CloseReason.SLOW_CONSUMER)).isEqualTo(1);
        }
    }
}
