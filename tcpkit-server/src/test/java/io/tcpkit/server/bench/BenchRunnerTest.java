package io.tcpkit.server.bench;

import io.tcpkit.ConnectionHandler;
import io.tcpkit.Limits;
import io.tcpkit.TcpServer;
import io.tcpkit.codec.ReadBuffer;
import io.tcpkit.server.echo.EchoService;
import io.tcpkit.server.testing.Services;
import io.tcpkit.server.testing.Tcpkit;
import io.tcpkit.testing.ChildProcess;
import io.tcpkit.testing.TestPki;
import io.tcpkit.tls.TlsServerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** tcpkit bench against real servers on loopback: short runs, replies checked, results reported. */
@Timeout(60)
class BenchRunnerTest {
    private static final byte[] PONG = "+PONG\r\n".getBytes(StandardCharsets.US_ASCII);

    /** A short run: 200 ms of warm-up, {@code millis} measured, over plain TCP (TLS with a {@code ca}). */
    private static BenchRunner.Config config(int port, String mode, int connections, int size, int inFlight,
                                             double rate, int publishers, int threads, int millis, Path ca) {
        return config(port, mode, connections, size, inFlight, rate, publishers, threads, millis, ca,
                ProcessHandle.current().pid());
    }

    /** As above, measuring the server process {@code serverPid}. */
    private static BenchRunner.Config config(int port, String mode, int connections, int size, int inFlight,
                                             double rate, int publishers, int threads, int millis, Path ca,
                                             long serverPid) {
        return new BenchRunner.Config(new InetSocketAddress("127.0.0.1", port), mode, connections, size, inFlight,
                Duration.ofMillis(millis), Duration.ofMillis(200), rate, ca != null, ca, false,
                serverPid, 1, publishers, threads);
    }

    /** The figures of a 600 ms run. */
    private static BenchResult result(int port, String mode, int connections, int size, int inFlight, double rate,
                                      int threads) throws Exception {
        return new BenchRunner(config(port, mode, connections, size, inFlight, rate, 1, threads, 600, null), null)
                .result();
    }

    /** The JSON of a 600 ms run, as {@code tcpkit bench --json} prints it. */
    private static String run(TcpServer server, String mode, int connections, int size, int inFlight, double rate,
                              int publishers) throws Exception {
        return new BenchRunner(config(server.port(), mode, connections, size, inFlight, rate, publishers, 1, 600, null),
                null).run(true);
    }

    private static long number(String json, String field) {
        String after = json.substring(json.indexOf("\"" + field + "\":") + field.length() + 3);
        return (long) Double.parseDouble(after.substring(0, after.indexOf(',')));
    }

    /** Every reply counted once, with its bytes and its latency, and nothing wrong. */
    private static void assertClean(BenchResult r, int replyBytes) {
        assertThat(r.firstError()).isNull();
        assertThat(r.errors()).isZero();
        assertThat(r.replies()).isPositive();
        assertThat(r.bytes()).isEqualTo(r.replies() * replyBytes);
        assertThat(r.latency().getTotalCount()).isEqualTo(r.replies());
    }

    @Test
    void echoLineAndOpenLoopRunsCheckEveryReply() throws Exception {
        try (TcpServer echo = TcpServer.builder().port(0).requestHandler(EchoService.ECHO).start()) {
            String closed = run(echo, "echo", 4, 100, 8, 0, 1);
            assertThat(number(closed, "replies")).isPositive();
            assertThat(closed).contains("\"errors\":0,", "\"mode\":\"echo\"", "\"serverCpuSeconds\":");
            assertClean(result(echo.port(), "echo", 4, 100, 8, 0, 1), 100);
            assertClean(result(echo.port(), "line", 2, 40, 1, 0, 1), 40);
            String open = run(echo, "echo", 2, 64, 1, 2000, 1);
            assertThat(open).contains("\"errors\":0,", "\"rate\":2000");
            assertThat(number(open, "replies")).isPositive();
        }
    }

    @Test
    void aWrongReplyIsAnError() throws Exception {
        ConnectionHandler corrupting = conn -> {
            ReadBuffer in = conn.input();
            while (in.fill() > 0) {
                in.array()[in.readIndex()] ^= 1;
                conn.write(in.array(), in.readIndex(), in.readable());
                in.skip(in.readable());
            }
        };
        try (TcpServer bad = TcpServer.builder().port(0).handler(corrupting).start()) {
            String result = run(bad, "echo", 1, 16, 1, 0, 1);
            assertThat(number(result, "errors")).isPositive();
        }
    }

    @Test
    void oneCorruptedByteIsAnErrorOnItsConnectionOnly() throws Exception {
        AtomicInteger accepted = new AtomicInteger();
        try (RawServer server = new RawServer((in, out) -> {
            boolean corrupt = accepted.getAndIncrement() == 0;
            byte[] message = new byte[32];
            for (long seq = 0; in.readNBytes(message, 0, 32) == 32; seq++) {
                if (corrupt && seq == 5) {
                    message[17] ^= 0x40;
                }
                out.write(message);
            }
        })) {
            BenchResult r = result(server.port(), "echo", 3, 32, 2, 0, 1);
            assertThat(r.errors()).isEqualTo(1);
            assertThat(r.firstError()).isEqualTo("reply 5 differs from what was sent");
            assertThat(r.replies()).isPositive(); // the other two connections went on
        }
    }

    @Test
    void aDroppedReplyIsAnError() throws Exception {
        // Closed loop, 4 in flight: the reply after the dropped one is not the one expected.
        try (RawServer server = new RawServer((in, out) -> {
            byte[] message = new byte[20];
            for (long seq = 0; in.readNBytes(message, 0, 20) == 20; seq++) {
                if (seq != 7) {
                    out.write(message);
                }
            }
        })) {
            BenchResult r = result(server.port(), "echo", 2, 20, 4, 0, 1);
            assertThat(r.errors()).isEqualTo(2);
            assertThat(r.firstError()).isEqualTo("reply 7 differs from what was sent");
        }
    }

    @Test
    void aReplyMissingAtTheEndOfAnOpenLoopRunIsAnError() throws Exception {
        // PONGs carry no sequence number: the missing one shows when the server ends its stream.
        try (RawServer server = new RawServer((in, out) -> {
            byte[] ping = new byte[new Workload.Ping().requestBytes()];
            for (long seq = 0; in.readNBytes(ping, 0, ping.length) == ping.length; seq++) {
                if (seq != 3) {
                    out.write(PONG);
                }
            }
        })) {
            BenchResult r = result(server.port(), "ping", 2, 0, 1, 1000, 1);
            assertThat(r.errors()).isEqualTo(2);
            assertThat(r.firstError()).isEqualTo("server closed the connection with 1 replies outstanding");
            assertThat(r.replies()).isPositive();
        }
    }

    @Test
    void aServerThatClosesEarlyIsAnError() throws Exception {
        try (RawServer server = new RawServer((in, out) -> {
            byte[] message = new byte[10];
            for (int i = 0; i < 5 && in.readNBytes(message, 0, 10) == 10; i++) {
                out.write(message);
            }
        })) {
            BenchResult r = result(server.port(), "echo", 3, 10, 1, 0, 1);
            assertThat(r.errors()).isEqualTo(3);
            assertThat(r.firstError()).isNotNull();
            BenchResult open = result(server.port(), "echo", 2, 10, 1, 1000, 1);
            assertThat(open.errors()).isEqualTo(2);
        }
    }

    @Test
    void largeRequestsGoOutInPartsAndRepliesAreCheckedWhole() throws Exception {
        // 8 x 1 MiB in flight is more than loopback's send buffer (4 MiB at most) and the server's
        // small receive buffer take: the socket takes the writes in parts.
        int size = 1024 * 1024;
        AtomicLong received = new AtomicLong();
        try (RawServer server = new RawServer(8 * 1024, (in, out) -> {
            byte[] buf = new byte[64 * 1024];
            int n;
            while ((n = in.read(buf)) >= 0) {
                received.addAndGet(n);
                out.write(buf, 0, n);
            }
        })) {
            assertClean(result(server.port(), "echo", 2, size, 8, 0, 1), size);
            // Open loop, 5 MiB at 10/s: on a slow machine no reply may fall in the 600 ms measured,
            // but every one is checked by the end of the run (a missing or wrong one is an error).
            received.set(0);
            BenchResult open = result(server.port(), "echo", 1, 5 * size, 1, 10, 1);
            assertThat(open.errors()).as(open.firstError()).isZero();
            assertThat(open.bytes()).isEqualTo(open.replies() * 5 * size);
            assertThat(received.get()).as("bytes the server received").isGreaterThanOrEqualTo(5L * size);
        }
    }

    @Test
    void repliesSplitAcrossReadsAreReassembled() throws Exception {
        try (RawServer server = new RawServer((in, out) -> {
            int b;
            while ((b = in.read()) >= 0) {
                out.write(b); // one byte per segment: TCP_NODELAY, no buffering
            }
        })) {
            assertClean(result(server.port(), "echo", 2, 64, 3, 0, 1), 64);
            assertClean(result(server.port(), "line", 1, 40, 1, 400, 1), 40);
        }
    }

    /**
     * An echo server on blocking sockets that counts the {@code size}-byte requests it receives,
     * however they are split.
     */
    private static RawServer countingEcho(int size, AtomicLong requests) throws IOException {
        return new RawServer((in, out) -> {
            byte[] message = new byte[size];
            while (in.readNBytes(message, 0, size) == size) {
                requests.incrementAndGet();
                out.write(message);
            }
        });
    }

    /**
     * Open loop: requests fall due on a fixed schedule, so how many are sent is set by the rate and
     * the run's length, not by how fast the machine is: a stall delays them, and they are sent
     * late, not dropped. So the count the server receives is exact on one side: never more than
     * fell due (2,000/s for 200 ms of warm-up and 1 s measured, plus the first request of each
     * connection). On the other, only the start of the schedule can be late (the loop begins after
     * the run's clock started), for which the warm-up is the slack.
     */
    @Test
    void openLoopSendsEveryRequestThatFallsDueAndNoneAhead() throws Exception {
        AtomicLong received = new AtomicLong();
        try (RawServer server = countingEcho(64, received)) {
            BenchResult r = new BenchRunner(config(server.port(), "echo", 4, 64, 1, 2000, 1, 1, 1000, null), null).result();
            assertClean(r, 64);
            assertThat(r.rate()).isEqualTo(2000);
            // Every reply was read before the run ended, so every request the server got is counted.
            assertThat(received.get()).isLessThanOrEqualTo(2000 * 1200 / 1000 + 4).isGreaterThanOrEqualTo(2000);
        }
    }

    /**
     * A server that stops answering for 500 ms cannot hide it: latency counts from when a request
     * was due, not from when it could be written (no coordinated omission).
     */
    @Test
    void aStallOfTheServerShowsInFullInTheOpenLoopsLatency() throws Exception {
        long stallMillis = 500;
        try (RawServer server = new RawServer((in, out) -> {
            byte[] message = new byte[64];
            for (long seq = 0; in.readNBytes(message, 0, 64) == 64; seq++) {
                if (seq == 400) { // 200 ms into the run at 2,000/s on one connection
                    try {
                        Thread.sleep(stallMillis); // the server's behaviour under test, not a synchronisation
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
                out.write(message);
            }
        })) {
            BenchResult r = new BenchRunner(config(server.port(), "echo", 1, 64, 1, 2000, 1, 1, 1000, null), null).result();
            assertClean(r, 64);
            assertThat(r.latency().getMaxValue()).as("max latency, ns").isGreaterThanOrEqualTo(stallMillis * 1_000_000);
        }
    }

    @Test
    void twoThreadsShareTheConnections() throws Exception {
        try (TcpServer echo = TcpServer.builder().port(0).requestHandler(EchoService.ECHO).start()) {
            assertClean(result(echo.port(), "echo", 5, 64, 4, 0, 2), 64);
        }
        AtomicLong received = new AtomicLong();
        try (RawServer server = countingEcho(64, received)) {
            BenchResult open = new BenchRunner(config(server.port(), "echo", 5, 64, 1, 1000, 1, 2, 1000, null), null)
                    .result();
            assertClean(open, 64);
            // As one thread would: what fell due (1,000/s for 1.2 s) and no more.
            assertThat(received.get()).isLessThanOrEqualTo(1000 * 1200 / 1000 + 5).isGreaterThanOrEqualTo(1000);
        }
    }

    @Test
    void tlsRunsOnBlockingSockets(@TempDir Path dir) throws Exception {
        TestPki pki = TestPki.copyTo(dir);
        TestPki.Pair cert = pki.serverEc();
        try (TcpServer echo = TcpServer.builder().port(0).requestHandler(EchoService.ECHO)
                .tls(TlsServerConfig.of(cert.cert(), cert.key())).start()) {
            for (double rate : new double[] {0, 1000}) {
                BenchResult r = new BenchRunner(config(echo.port(), "echo", 2, 64, 2, rate, 1, 1, 600, pki.ca()),
                        null).result();
                assertClean(r, 64);
            }
        }
    }

    @Test
    void pingAndPubSubAgainstTheCommandProtocol() throws Exception {
        try (Services services = new Services()) {
            TcpServer command = services.startCommand(Limits.DEFAULT.withMaxOutboundBytes(32 * 1024 * 1024));
            assertThat(run(command, "ping", 4, 0, 4, 0, 1)).contains("\"errors\":0,");
            assertClean(result(command.port(), "ping", 4, 0, 16, 0, 1), PONG.length);
            String fanout = run(command, "pubsub", 20, 32, 1, 0, 2);
            assertThat(fanout).contains("\"errors\":0,", "\"mode\":\"pubsub\"", "\"connections\":20,",
                    "\"inFlight\":1,\"publishers\":2,");
            assertThat(number(fanout, "replies")).isPositive();
            // Every publisher had PUBLISHes answered in the window, counted apart.
            assertThat(fanout).containsPattern("\"publishesPerPublisher\":\\{\"min\":[1-9][0-9]*,\"median\":[0-9]+,\"max\":[0-9]+}");

            String text = new BenchRunner(config(command.port(), "pubsub", 5, 32, 1, 0, 3, 1, 400, null), null).run(false);
            assertThat(text.lines().findFirst().orElseThrow())
                    .startsWith("tcpkit bench 127.0.0.1:" + command.port() + "  mode=pubsub subscribers=5 publishers=3 size=32 ")
                    .doesNotContain("in-flight");
            assertThat(text).contains("subscribers 5, publishers 3 (closed loop)")
                    .containsPattern("publishes   per publisher: fewest [1-9][0-9,]*, median [0-9,]+, most [0-9,]+\n");
        }
    }

    /** --server-pid auto: the process listening on the target's port, so that two servers are told apart. */
    @Test
    void theServerProcessIsFoundByTheAddressItListensOn() throws Exception {
        try (TcpServer here = TcpServer.builder().port(0).requestHandler(EchoService.ECHO).start();
             ChildProcess other = Tcpkit.start("echo", "--port", "0")) {
            int otherPort = Tcpkit.awaitPort(other, "echo");
            assertThat(ServerProcess.listeningOn(new InetSocketAddress("127.0.0.1", otherPort))).hasValue(other.pid());
            assertThat(ServerProcess.listeningOn(new InetSocketAddress("127.0.0.1", here.port())))
                    .hasValue(ProcessHandle.current().pid());
            try (ServerSocket free = new ServerSocket(0)) {
                int port = free.getLocalPort();
                free.close();
                assertThat(ServerProcess.listeningOn(new InetSocketAddress("127.0.0.1", port))).isEmpty();
            }
        }
    }

    @Test
    void idleModeHoldsConnectionsAndMeasuresMemory() throws Exception {
        try (TcpServer echo = TcpServer.builder().port(0).requestHandler(EchoService.ECHO).start()) {
            String idle = run(echo, "idle", 50, 0, 1, 0, 1);
            assertThat(idle).contains("\"mode\":\"idle\"", "\"connections\":50,", "\"errors\":0,",
                    "\"replies\":0,");
            assertThat(idle).doesNotContain("\"idleRssBytesPerConnection\":null");
        }
    }

    /**
     * With a size, each connection echoes once before idling and once after: against the echo
     * service's request handler, which releases quiet connections' threads, the second echo
     * comes back through the engine's reactor. (The server here is this JVM, whose heap also holds
     * the generator's: live heap is measured only for another process.)
     */
    @Test
    void idleModeUsesEachConnectionBeforeAndAfterIdling() throws Exception {
        try (TcpServer echo = TcpServer.builder().port(0).requestHandler(EchoService.ECHO)
                .start()) {
            String idle = run(echo, "idle", 50, 16, 1, 0, 1);
            assertThat(idle).contains("\"mode\":\"idle\"", "\"connections\":50,", "\"errors\":0,",
                    "\"replies\":100,", "\"size\":16,");
            assertThat(idle).contains("\"idleHeapBytesPerConnection\":null");
        }
        try (TcpServer wrong = TcpServer.builder().port(0).handler(conn -> {
            conn.write("nope, not an echo".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            conn.flush();
            conn.input().fill();
        }).start()) {
            String idle = run(wrong, "idle", 3, 16, 1, 0, 1);
            assertThat(idle).contains("\"errors\":6,");
        }
    }

    /**
     * The other services' idle modes leave each connection as its users do: a command client after
     * PING (answered again after the idle time), a subscriber after SUBSCRIBE (its PING then comes
     * back as a pub/sub pong, byte for byte as Redis), a chat member after joining the lobby.
     */
    @Test
    void idleModesForTheCommandServiceAndTheChat() throws Exception {
        try (Services services = new Services()) {
            TcpServer command = services.startCommand(Limits.DEFAULT);
            assertThat(run(command, "idle-command", 20, 0, 1, 0, 1))
                    .contains("\"mode\":\"idle-command\"", "\"connections\":20,", "\"errors\":0,", "\"replies\":40,");
            assertThat(run(command, "idle-subscriber", 20, 0, 1, 0, 1))
                    .contains("\"mode\":\"idle-subscriber\"", "\"errors\":0,", "\"replies\":40,");
            io.tcpkit.testing.Await.until("the subscribers gone", java.time.Duration.ofSeconds(10),
                    () -> services.hub.subscribers(io.tcpkit.server.hub.Channel.of(IdleClients.CHANNEL)) == 0);
            TcpServer chat = services.startChat(Limits.DEFAULT);
            assertThat(run(chat, "idle-chat", 20, 0, 1, 0, 1))
                    .contains("\"mode\":\"idle-chat\"", "\"connections\":20,", "\"errors\":0,");
            // Against the wrong service, the replies are checked and found wrong.
            TcpServer echo = services.startEcho(Limits.DEFAULT);
            assertThat(run(echo, "idle-command", 3, 0, 1, 0, 1)).doesNotContain("\"errors\":0,");
        }
    }

    /**
     * Against a server in another JVM (tcpkit echo, a child process), idle mode measures its live
     * heap per connection with the jcmd beside that JVM's java (GC.class_histogram after a full
     * GC), as well as its RSS: 400 connections held idle after one echo each.
     */
    @Test
    void idleModeMeasuresTheLiveHeapOfAJvmServerWithJcmd() throws Exception {
        try (ChildProcess echo = Tcpkit.start("echo", "--port", "0")) {
            int port = Tcpkit.awaitPort(echo, "echo");
            BenchResult r = new BenchRunner(config(port, "idle", 400, 16, 1, 0, 1, 1, 300, null, echo.pid()), null)
                    .result();
            assertThat(r.errors()).as(r.firstError()).isZero();
            assertThat(r.replies()).isEqualTo(800);
            assertThat(r.idleRssBytesPerConnection()).as("RSS per connection, from /proc").isNotNull();
            assertThat(r.idleHeapBytesPerConnection()).as("live heap per connection, from jcmd: is jcmd beside "
                    + echo.process().info().command().orElse("the server's java") + "?").isNotNull()
                    // A connection holds its socket, buffer and session objects; more than 64 KiB
                    // would mean the figure is not per connection (or not in bytes).
                    .isPositive().isLessThan(64 * 1024L);
        }
    }

    /** What a {@link RawServer} does with one connection's streams; it closes the connection when this returns. */
    private interface Conversation {
        void talk(InputStream in, OutputStream out) throws IOException;
    }

    /**
     * A test server on blocking sockets, a virtual thread per connection, for behaviour a correct
     * server never shows: corrupt, dropped or trickled replies, early closes. Replies are written
     * unbuffered with TCP_NODELAY; an optional small receive buffer makes the client's writes partial.
     */
    private static final class RawServer implements AutoCloseable {
        private final ServerSocket listener;
        private final List<Socket> accepted = new CopyOnWriteArrayList<>();

        RawServer(Conversation conversation) throws IOException {
            this(0, conversation);
        }

        RawServer(int receiveBuffer, Conversation conversation) throws IOException {
            listener = new ServerSocket();
            if (receiveBuffer > 0) {
                listener.setReceiveBufferSize(receiveBuffer);
            }
            listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            Thread.ofVirtual().start(() -> {
                try {
                    while (true) {
                        Socket s = listener.accept();
                        accepted.add(s);
                        s.setTcpNoDelay(true);
                        Thread.ofVirtual().start(() -> {
                            try (s) {
                                conversation.talk(s.getInputStream(), s.getOutputStream());
                            } catch (IOException e) {
                                // The client went away: the conversation is over.
                            }
                        });
                    }
                } catch (IOException e) {
                    // Closed: no more connections.
                }
            });
        }

        int port() {
            return listener.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            listener.close();
            for (Socket s : accepted) {
                s.close();
            }
        }
    }
}
