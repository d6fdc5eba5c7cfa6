package io.tcpkit.engine;

import io.tcpkit.CloseReason;
import io.tcpkit.Limits;
import io.tcpkit.RequestHandler;
import io.tcpkit.TcpServer;
import io.tcpkit.codec.ReadBuffer;
import io.tcpkit.testing.Await;
import io.tcpkit.testing.Net;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Request handlers: served in turns, with no thread while quiet. A new connection waits for its
 * first request in the reactor's selector; after its first request, and after any wait of the
 * quiet time or more (50 ms by default), it waits without a thread. Each test makes a connection
 * quiet, lets it wait without a thread, and checks it comes back right: exact bytes, half-close,
 * the idle timeout, kill, drain, messages sent to it meanwhile, and no leaked connection.
 */
@Timeout(30)
class RequestHandlerTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Duration QUIET = TcpServer.DEFAULT_QUIET_AFTER;

    /** The threads that served each turn, by connection id. */
    private final Map<Long, List<Thread>> turns = new ConcurrentHashMap<>();
    @RegisterExtension
    final EngineFixture fixture = new EngineFixture();
    private TcpServer server;

    private final RequestHandler echo = conn -> {
        turns.computeIfAbsent(conn.id(), id -> new CopyOnWriteArrayList<>()).add(Thread.currentThread());
        return EngineFixture.ECHO.serve(conn);
    };

    private int start(Limits limits, RequestHandler handler) throws IOException {
        return start(limits, handler, QUIET);
    }

    private int start(Limits limits, RequestHandler handler, Duration quietAfter) throws IOException {
        server = fixture.start(TcpServer.builder().port(0).service("req").requestHandler(handler)
                .quietAfter(quietAfter).limits(limits));
        return server.port();
    }

    /**
     * A pause longer than the quiet threshold, then one echo: the connection is now known to be
     * quiet. (A pause is the behaviour under test here: there is no condition to await.)
     */
    private static void quietEcho(Socket s, String text) throws Exception {
        Thread.sleep(QUIET.toMillis() + 20);
        Net.send(s, text);
        assertThat(Net.read(s, text.length())).isEqualTo(text);
    }

    /** Waits until the connection's last serving thread has ended: it waits in the selector. */
    private Thread awaitReleased(long id) {
        Await.until("the connection's thread to end", WAIT, () -> {
            List<Thread> t = turns.get(id);
            return t != null && !t.isEmpty() && !t.getLast().isAlive();
        });
        return turns.get(id).getLast();
    }

    private long onlyConnectionId() {
        Await.until("one connection", WAIT, () -> server.connections().size() == 1);
        return server.connections().getFirst().id();
    }

    /**
     * Echoes once right after connecting and once after a quiet pause, then waits until the
     * connection's thread has ended; returns the connection's id.
     */
    private long useThenAwaitRelease(Socket s) throws Exception {
        Net.send(s, "a");
        assertThat(Net.read(s, 1)).isEqualTo("a");
        quietEcho(s, "b");
        long id = onlyConnectionId();
        awaitReleased(id);
        return id;
    }

    @Test
    void aQuietConnectionGivesItsThreadBackAndComesBackOnANewOne() throws Exception {
        int port = start(Limits.DEFAULT, echo);
        try (Socket s = Net.connect(port)) {
            Net.send(s, "first\n");
            assertThat(Net.read(s, 6)).isEqualTo("first\n");
            quietEcho(s, "second\n");
            long id = onlyConnectionId();
            Thread released = awaitReleased(id);

            byte[] binary = new byte[40_000];
            new Random(3).nextBytes(binary);
            s.getOutputStream().write(binary);
            assertThat(s.getInputStream().readNBytes(binary.length)).isEqualTo(binary);
            assertThat(turns.get(id).getLast()).isNotSameAs(released);
            assertThat(server.connections()).hasSize(1);
        }
        Await.until("the connection to end", WAIT, () -> server.stats().open() == 0);
        assertThat(Net.closed(server, CloseReason.PEER_CLOSED)).isEqualTo(1);
    }

    @Test
    void aBusyConnectionKeepsItsThread() throws Exception {
        // A quiet time no gap between two pings comes near, however loaded the machine.
        int port = start(Limits.DEFAULT, echo, Duration.ofSeconds(5));
        try (Socket s = Net.connect(port)) {
            for (int i = 0; i < 200; i++) {
                Net.send(s, "ping " + i + "\n");
                assertThat(Net.readLine(s)).isEqualTo("ping " + i + "\n");
            }
            long id = onlyConnectionId();
            // Until it has shown it is busy, each request is served by a thread that gives the
            // connection back (see aConnectionThatAskedOnceGivesItsThreadBack); then one thread
            // keeps it for the rest.
            List<Thread> served = turns.get(id);
            assertThat(served.subList(0, Input.BUSY_AFTER).stream().distinct().count()).isEqualTo(Input.BUSY_AFTER);
            assertThat(served.subList(Input.BUSY_AFTER, 200).stream().distinct().count()).isEqualTo(1);
        }
    }

    @Test
    void halfCloseAfterWaitingGetsEverythingBackThenEndOfStream() throws Exception {
        int port = start(Limits.DEFAULT, echo);
        try (Socket s = Net.connect(port)) {
            useThenAwaitRelease(s);
            Net.send(s, "last words");
            s.shutdownOutput();
            assertThat(Net.readToEnd(s)).isEqualTo("last words");
        }
        Await.until("the connection to end", WAIT, () -> server.stats().open() == 0);
        assertThat(Net.closed(server, CloseReason.PEER_CLOSED)).isEqualTo(1);
    }

    @Test
    void aClientThatClosesWhileWaitingIsCleanedUp() throws Exception {
        int port = start(Limits.DEFAULT, echo);
        Socket s = Net.connect(port);
        useThenAwaitRelease(s);
        s.setSoLinger(true, 0); // reset, not FIN
        s.close();
        Await.until("the connection to end", WAIT, () -> server.stats().open() == 0);
        assertThat(server.connections()).isEmpty();
        assertThat(((EngineServer) server).trackedAddresses()).isZero();
    }

    @Test
    void theIdleTimeoutAppliesWhileWaitingWithoutAThread() throws Exception {
        int port = start(Limits.DEFAULT.withIdleTimeout(Duration.ofMillis(400)), echo);
        try (Socket s = Net.connect(port)) {
            Net.send(s, "hi");
            assertThat(Net.read(s, 2)).isEqualTo("hi");
            quietEcho(s, "ho");
            long started = System.nanoTime();
            assertThat(s.getInputStream().read()).isEqualTo(-1);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
        }
        Await.until("the close to be counted", WAIT, () -> Net.closed(server, CloseReason.IDLE_TIMEOUT) == 1);
    }

    @Test
    void aConnectionThatNeverSpeaksNeverGetsAThreadAndTimesOut() throws Exception {
        int port = start(Limits.DEFAULT.withIdleTimeout(Duration.ofMillis(300)), echo);
        try (Socket s = Net.connect(port)) {
            onlyConnectionId();
            s.setSoTimeout((int) WAIT.toMillis());
            assertThat(s.getInputStream().read()).isEqualTo(-1);
        }
        Await.until("the close to be counted", WAIT, () -> Net.closed(server, CloseReason.IDLE_TIMEOUT) == 1);
        assertThat(turns).isEmpty(); // the handler never ran
    }

    @Test
    void killReachesAConnectionWaitingWithoutAThread() throws Exception {
        int port = start(Limits.DEFAULT, echo);
        try (Socket s = Net.connect(port)) {
            long id = useThenAwaitRelease(s);
            assertThat(server.kill(id)).isTrue();
            s.setSoTimeout((int) WAIT.toMillis());
            assertThat(s.getInputStream().read()).isEqualTo(-1);
        }
        Await.until("the connection to end", WAIT, () -> server.stats().open() == 0);
        assertThat(Net.closed(server, CloseReason.KILLED)).isEqualTo(1);
    }

    @Test
    void drainClosesWaitingConnectionsAtOnce() throws Exception {
        int port = start(Limits.DEFAULT, echo);
        List<Socket> clients = new ArrayList<>();
        try {
            for (int i = 0; i < 20; i++) {
                Socket s = Net.connect(port);
                clients.add(s);
                Net.send(s, "c" + i);
                assertThat(Net.read(s, 2 + (i >= 10 ? 1 : 0))).isEqualTo("c" + i);
            }
            for (Socket s : clients) {
                quietEcho(s, "q");
            }
            Await.until("every connection to wait without a thread", WAIT, () -> turns.size() == 20
                    && turns.values().stream().allMatch(t -> !t.getLast().isAlive()));
            long started = System.nanoTime();
            server.close(); // drain timeout 10 s: waiting connections must not use it
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
            for (Socket s : clients) {
                s.setSoTimeout((int) WAIT.toMillis());
                assertThat(s.getInputStream().read()).isEqualTo(-1);
            }
            assertThat(Net.closed(server, CloseReason.SHUTDOWN)).isEqualTo(20);
            assertThat(Net.threadsOf(server.service())).as("the reactor and every other thread of the server").isEmpty();
        } finally {
            for (Socket s : clients) {
                s.close();
            }
        }
    }

    @Test
    void manyConnectionsWaitAndComeBackWithTheirOwnBytes() throws Exception {
        int port = start(Limits.DEFAULT, echo);
        int n = 200;
        List<Socket> clients = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                Socket s = Net.connect(port);
                clients.add(s);
                Net.send(s, "hello " + i + "\n");
            }
            for (int i = 0; i < n; i++) {
                assertThat(Net.readLine(clients.get(i))).isEqualTo("hello " + i + "\n");
            }
            Thread.sleep(QUIET.toMillis() + 20);
            for (int i = 0; i < n; i++) {
                Net.send(clients.get(i), "quiet " + i + "\n");
            }
            for (int i = 0; i < n; i++) {
                assertThat(Net.readLine(clients.get(i))).isEqualTo("quiet " + i + "\n");
            }
            Await.until("every connection to wait without a thread", WAIT, () -> turns.size() == n
                    && turns.values().stream().allMatch(t -> !t.getLast().isAlive()));
            for (int round = 0; round < 3; round++) {
                for (int i = 0; i < n; i++) {
                    Net.send(clients.get(i), "round " + round + " from " + i + "\n");
                }
                for (int i = 0; i < n; i++) {
                    assertThat(Net.readLine(clients.get(i))).isEqualTo("round " + round + " from " + i + "\n");
                }
            }
        } finally {
            for (Socket s : clients) {
                s.close();
            }
        }
        Await.until("every connection to end", WAIT, () -> server.stats().open() == 0);
        assertThat(Net.closed(server, CloseReason.PEER_CLOSED)).isEqualTo(n);
    }

    @Test
    void aRequestSplitAcrossTheWaitIsReadWhole() throws Exception {
        // A line protocol: a turn reads one whole line, blocking for its rest if need be.
        RequestHandler lines = conn -> {
            turns.computeIfAbsent(conn.id(), id -> new CopyOnWriteArrayList<>()).add(Thread.currentThread());
            String line = conn.lines().readLine();
            if (line == null) {
                return false;
            }
            conn.write(("<" + line + ">\n").getBytes(StandardCharsets.UTF_8));
            return true;
        };
        int port = start(Limits.DEFAULT, lines);
        try (Socket s = Net.connect(port)) {
            Net.send(s, "zero\n");
            assertThat(Net.readLine(s)).isEqualTo("<zero>\n");
            Thread.sleep(QUIET.toMillis() + 20);
            Net.send(s, "one\ntw");
            assertThat(Net.readLine(s)).isEqualTo("<one>\n");
            long id = onlyConnectionId();
            // "tw" is buffered, so the turn is reading the rest of its line: it keeps its thread.
            Thread.sleep(QUIET.multipliedBy(4).toMillis());
            assertThat(turns.get(id).getLast().isAlive()).isTrue();
            Net.send(s, "o\n");
            assertThat(Net.readLine(s)).isEqualTo("<two>\n");
        }
    }

    @Test
    void aConnectionThatAskedOnceGivesItsThreadBack() throws Exception {
        // A pooled client: it connects, asks once at once, and goes quiet. The line a turn has
        // read must not count as input still waiting, or the connection would never be quiet.
        RequestHandler lines = conn -> {
            turns.computeIfAbsent(conn.id(), id -> new CopyOnWriteArrayList<>()).add(Thread.currentThread());
            if (!conn.lines().next()) {
                return false;
            }
            conn.write(("<" + conn.lines().line() + ">\n").getBytes(StandardCharsets.UTF_8));
            return true;
        };
        int port = start(Limits.DEFAULT, lines);
        try (Socket s = Net.connect(port)) {
            Net.send(s, "only\n");
            assertThat(Net.readLine(s)).isEqualTo("<only>\n");
            Thread released = awaitReleased(onlyConnectionId());
            Net.send(s, "again\n");
            assertThat(Net.readLine(s)).isEqualTo("<again>\n");
            assertThat(turns.get(onlyConnectionId()).getLast()).isNotSameAs(released);
        }
    }

    @Test
    void aTurnThatTakesNothingWaitsForMoreInsteadOfSpinning() throws Exception {
        // Frames of exactly four bytes; a turn with fewer buffered takes nothing and returns.
        java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
        RequestHandler fours = conn -> {
            calls.incrementAndGet();
            ReadBuffer in = conn.input();
            if (in.readable() == 0 && in.fill() < 0) {
                return false;
            }
            if (in.readable() >= 4) {
                conn.write(in.array(), in.readIndex(), 4);
                in.skip(4);
            }
            return true;
        };
        int port = start(Limits.DEFAULT, fours);
        try (Socket s = Net.connect(port)) {
            Net.send(s, "ab");
            Await.until("the half frame to be read", WAIT, () -> server.stats().bytesIn() == 2);
            Thread.sleep(200); // time in which a spinning turn loop would call the handler endlessly
            Net.send(s, "cd");
            assertThat(Net.read(s, 4)).isEqualTo("abcd");
        }
        assertThat(calls.get()).isLessThan(10);
    }

    @Test
    void theBuilderTakesExactlyOneKindOfHandler() {
        assertThatThrownBy(() -> TcpServer.builder().port(0).handler(Net.ECHO).requestHandler(echo).start())
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> TcpServer.builder().quietAfter(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void messagesSentToAConnectionWaitingWithoutAThreadArriveInOrder() throws Exception {
        List<io.tcpkit.Connection> subscribers = new CopyOnWriteArrayList<>();
        int port = start(Limits.DEFAULT, conn -> {
            turns.computeIfAbsent(conn.id(), id -> new CopyOnWriteArrayList<>()).add(Thread.currentThread());
            if (!conn.lines().next()) {
                return false;
            }
            conn.write("+OK\n".getBytes(StandardCharsets.US_ASCII));
            subscribers.add(conn);
            return true;
        });
        try (Socket s = Net.connect(port)) {
            Net.send(s, "subscribe\n");
            assertThat(Net.readLine(s)).isEqualTo("+OK\n");
            long id = onlyConnectionId();
            awaitReleased(id);
            io.tcpkit.Connection conn = subscribers.getFirst();
            StringBuilder expected = new StringBuilder();
            for (int i = 0; i < 1000; i++) {
                String message = "message " + i + "\n";
                assertThat(conn.send(message.getBytes(StandardCharsets.US_ASCII))).isTrue();
                expected.append(message);
            }
            assertThat(Net.read(s, expected.length())).isEqualTo(expected.toString());
            assertThat(turns.get(id)).hasSize(1); // written by the reactor: no thread was needed
        }
    }

    @Test
    void aMessageSentAfterAReplyWasWrittenNeverOvertakesIt() throws Exception {
        // The reply sits in the turn's batch, unflushed, when another thread sends the message:
        // the message must wait for it (a pub/sub message after the subscription's confirmation).
        int port = start(Limits.DEFAULT, conn -> {
            if (!conn.lines().next()) {
                return false;
            }
            for (int i = 0; i < 50; i++) {
                conn.write(("reply " + i + "\n").getBytes(StandardCharsets.US_ASCII));
                byte[] message = ("message " + i + "\n").getBytes(StandardCharsets.US_ASCII);
                Thread sender = Thread.ofVirtual().start(() -> conn.send(message));
                sender.join();
            }
            return true;
        });
        try (Socket s = Net.connect(port)) {
            Net.send(s, "go\n");
            for (int i = 0; i < 50; i++) {
                assertThat(Net.readLine(s)).isEqualTo("reply " + i + "\n");
                assertThat(Net.readLine(s)).isEqualTo("message " + i + "\n");
            }
        }
    }
}
