package io.tcpkit.engine;

import io.tcpkit.CloseReason;
import io.tcpkit.ConnectionHandler;
import io.tcpkit.ConnectionInfo;
import io.tcpkit.Limits;
import io.tcpkit.TcpServer;
import io.tcpkit.testing.Await;
import io.tcpkit.testing.Net;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The engine under an echo handler (RFC 862 / Protohackers "Smoke Test"): binary-safe streams,
 * any read boundaries, many clients at once, half-close, resets, connect floods, kill.
 */
@Timeout(30)
class EchoEngineTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @AutoClose
    private TcpServer server;

    private int start(Limits limits) throws Exception {
        return start(limits, Net.ECHO);
    }

    private int start(Limits limits, ConnectionHandler handler) throws Exception {
        server = TcpServer.builder().port(0).service("echo").handler(handler).limits(limits).start();
        return server.port();
    }

    @Test
    void dribbledBytesComeBackOneByOne() throws Exception {
        int port = start(Limits.DEFAULT);
        try (Socket s = Net.connect(port)) {
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            for (int i = 0; i < 256; i++) {
                out.write(i);
                out.flush();
                assertThat(in.read()).isEqualTo(i);
            }
            Await.until("every byte to be counted", WAIT,
                    () -> server.stats().bytesIn() == 256 && server.stats().bytesOut() == 256);
        }
    }

    @Test
    void tenMebibytesOfRandomBinaryComeBackIntact() throws Exception {
        int port = start(Limits.DEFAULT);
        byte[] data = new byte[10 * 1024 * 1024];
        new Random(7).nextBytes(data);
        try (Socket s = Net.connect(port); ExecutorService writer = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<?> written = writer.submit(() -> {
                OutputStream out = s.getOutputStream();
                // Odd-sized writes so that no read boundary lines up with a buffer size.
                for (int off = 0; off < data.length; off += 100_003) {
                    out.write(data, off, Math.min(100_003, data.length - off));
                }
                s.shutdownOutput();
                return null;
            });
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            InputStream in = s.getInputStream();
            byte[] chunk = new byte[65_536];
            long received = 0;
            int n;
            while ((n = in.read(chunk)) > 0) {
                digest.update(chunk, 0, n);
                received += n;
            }
            written.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(received).isEqualTo(data.length);
            assertThat(digest.digest()).isEqualTo(MessageDigest.getInstance("SHA-256").digest(data));
        }
        Await.until("the close to be counted", WAIT, () -> Net.closed(server, CloseReason.PEER_CLOSED) == 1);
        assertThat(server.stats().bytesIn()).isEqualTo(data.length);
        assertThat(server.stats().bytesOut()).isEqualTo(data.length);
    }

    @Test
    void halfCloseGetsEverythingBackThenEndOfStream() throws Exception {
        int port = start(Limits.DEFAULT);
        try (Socket s = Net.connect(port)) {
            byte[] data = {0, 1, 2, '\r', '\n', (byte) 0xff, (byte) 0xc3, 0x28, 0};
            s.getOutputStream().write(data);
            s.shutdownOutput();
            assertThat(s.getInputStream().readAllBytes()).isEqualTo(data);
        }
        Await.until("the close to be counted", WAIT, () -> Net.closed(server, CloseReason.PEER_CLOSED) == 1);
        assertThat(server.stats().closedTotal()).isEqualTo(1);
    }

    @Test
    void halfCloseAfterAMebibyteStillGetsEveryByteOwed() throws Exception {
        int port = start(Limits.DEFAULT);
        byte[] data = new byte[1024 * 1024];
        new Random(11).nextBytes(data);
        try (Socket s = Net.connect(port); ExecutorService writer = Executors.newVirtualThreadPerTaskExecutor()) {
            // The classic echo client: write everything, shut down output, then read everything.
            Future<?> written = writer.submit(() -> {
                s.getOutputStream().write(data);
                s.shutdownOutput();
                return null;
            });
            byte[] back = s.getInputStream().readAllBytes();
            written.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(back.length).isEqualTo(data.length);
            assertThat(back).isEqualTo(data);
        }
    }

    @Test
    void aThousandClientsConnectedAtOnceEachGetTheirOwnBytesBack() throws Exception {
        int clients = 1000;
        int port = start(Limits.DEFAULT.withMaxConnectionsPerAddress(2 * clients));
        CountDownLatch allEchoed = new CountDownLatch(clients);
        CountDownLatch release = new CountDownLatch(1);
        List<Future<String>> replies = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < clients; i++) {
                String message = "client " + i + "\n";
                replies.add(pool.submit(() -> {
                    boolean counted = false;
                    try (Socket s = Net.connect(port)) {
                        Net.send(s, message);
                        String reply = Net.read(s, message.length());
                        allEchoed.countDown();
                        counted = true;
                        // Stay connected until everyone has had their echo, so all are open at once.
                        if (!release.await(WAIT.toSeconds(), TimeUnit.SECONDS)) {
                            throw new AssertionError("never released");
                        }
                        return reply;
                    } finally {
                        if (!counted) {
                            allEchoed.countDown(); // a failed client must not leave the test waiting
                        }
                    }
                }));
            }
            try {
                assertThat(allEchoed.await(20, TimeUnit.SECONDS)).as("every client echoed").isTrue();
                assertThat(server.stats().open()).isEqualTo(clients);
                assertThat(server.connections()).hasSize(clients);
                assertThat(((EngineServer) server).trackedAddresses()).isEqualTo(1);
            } finally {
                release.countDown();
            }
            for (int i = 0; i < clients; i++) {
                assertThat(replies.get(i).get()).isEqualTo("client " + i + "\n");
            }
        }
        Await.until("every connection to end", WAIT, () -> server.stats().open() == 0);
        assertThat(server.stats().accepted()).isEqualTo(clients);
        assertThat(server.stats().rejectedTotal()).isZero();
        assertThat(server.stats().closed().get(CloseReason.PEER_CLOSED)).isEqualTo(clients);
        assertThat(((EngineServer) server).trackedAddresses()).isZero();
    }

    @Test
    void aClientThatResetsMidStreamDisturbsNobody() throws Exception {
        int port = start(Limits.DEFAULT);
        int steadyClients = 4;
        AtomicBoolean stop = new AtomicBoolean();
        // Platform threads, like clients in another process: virtual-thread clients chattering
        // non-stop with virtual-thread handlers in one JVM can keep both carriers' local queues
        // busy and starve the new connection's thread (a JDK scheduler effect, not the engine's).
        try (ExecutorService pool = Executors.newThreadPerTaskExecutor(Thread.ofPlatform().factory())) {
            try {
                resetMidStreamWhileOthersChatter(port, steadyClients, stop, pool);
            } finally {
                stop.set(true); // let the steady clients finish even if an assertion failed
            }
        }
        Await.until("the steady clients to leave", WAIT, () -> server.stats().open() == 0);
        assertThat(Net.closed(server, CloseReason.IO_ERROR) + Net.closed(server, CloseReason.PEER_CLOSED))
                .isEqualTo(steadyClients + 1);
        assertThat(server.stats().closedTotal()).isEqualTo(steadyClients + 1);
    }

    private void resetMidStreamWhileOthersChatter(int port, int steadyClients, AtomicBoolean stop,
                                                  ExecutorService pool) throws Exception {
        List<Future<Integer>> steady = new ArrayList<>();
        CountDownLatch steadyRunning = new CountDownLatch(steadyClients);
        for (int c = 0; c < steadyClients; c++) {
            int client = c;
            steady.add(pool.submit(() -> {
                int i = 0;
                try (Socket s = Net.connect(port)) {
                    while (!stop.get() || i < 100) {
                        String line = "client " + client + " ping " + i + "\n";
                        Net.send(s, line);
                        assertThat(Net.readLine(s)).isEqualTo(line);
                        if (++i == 10) {
                            steadyRunning.countDown();
                        }
                    }
                    return i;
                } finally {
                    if (i < 10) {
                        steadyRunning.countDown(); // failed early: don't leave the test waiting
                    }
                }
            }));
        }
        assertThat(steadyRunning.await(10, TimeUnit.SECONDS)).isTrue();

        byte[] junk = new byte[64 * 1024];
        new Random(5).nextBytes(junk);
        Socket rude = Net.connect(port); // a 5th connection, accepted while the others chatter
        rude.getOutputStream().write(junk);
        // The server is now echoing to it; reset while it is mid-stream.
        assertThat(rude.getInputStream().readNBytes(1000)).isEqualTo(Arrays.copyOf(junk, 1000));
        rude.setSoLinger(true, 0);
        rude.close();

        Await.until("the reset connection to end", WAIT, () -> server.stats().closedTotal() == 1);
        assertThat(Net.closed(server, CloseReason.IO_ERROR) + Net.closed(server, CloseReason.PEER_CLOSED))
                .as("the reset is a peer close or an I/O error, nothing else").isEqualTo(1);
        assertThat(server.stats().open()).isEqualTo(steadyClients);

        stop.set(true);
        for (Future<Integer> f : steady) {
            assertThat(f.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isGreaterThanOrEqualTo(100);
        }
    }

    @Test
    void aFloodOfConnectAndResetLeavesTheServerServing() throws Exception {
        int port = start(Limits.DEFAULT);
        int flood = 200;
        for (int i = 0; i < flood; i++) {
            Socket s = Net.connect(port);
            s.setSoLinger(true, 0);
            s.close();
        }
        try (Socket s = Net.connect(port)) {
            Net.send(s, "still here\n");
            assertThat(Net.readLine(s)).isEqualTo("still here\n");
        }
        Await.until("the flood to drain", WAIT,
                () -> server.stats().open() == 0 && server.stats().closedTotal() == server.stats().accepted());
        assertThat(server.stats().accepted()).isEqualTo(flood + 1);
        assertThat(server.stats().acceptErrors()).isZero();
        assertThat(server.stats().rejectedTotal()).isZero();
        assertThat(((EngineServer) server).trackedAddresses()).isZero();
        try (Socket s = Net.connect(port)) {
            Net.send(s, "and after\n");
            assertThat(Net.readLine(s)).isEqualTo("and after\n");
        }
    }

    @Test
    void connectionsAreListedWithTheirIdAndAddressAndCanBeKilled() throws Exception {
        BlockingQueue<Long> ids = new LinkedBlockingQueue<>();
        int port = start(Limits.DEFAULT, conn -> {
            ids.add(conn.id());
            Net.ECHO.handle(conn);
        });
        try (Socket victim = Net.connect(port)) {
            Net.send(victim, "x");
            assertThat(Net.read(victim, 1)).isEqualTo("x");
            long victimId = ids.poll(10, TimeUnit.SECONDS);
            killTheVictim(port, victim, victimId, ids);
        }
        assertThat(server.kill(-1)).isFalse();
    }

    private void killTheVictim(int port, Socket victim, long victimId, BlockingQueue<Long> ids) throws Exception {
        try (Socket bystander = Net.connect(port)) {
            Net.send(bystander, "y");
            assertThat(Net.read(bystander, 1)).isEqualTo("y");
            long bystanderId = ids.poll(10, TimeUnit.SECONDS);
            assertThat(victimId).isNotEqualTo(bystanderId);

            // The server counts a write after it returns, which may be after we read its bytes.
            Await.until("the echo to be counted", WAIT, () -> server.connections().stream()
                    .anyMatch(c -> c.id() == victimId && c.bytesOut() == 1));
            ConnectionInfo listed = server.connections().stream().filter(c -> c.id() == victimId).findFirst().orElseThrow();
            assertThat(listed.remoteAddress()).isEqualTo(new InetSocketAddress(victim.getLocalAddress(), victim.getLocalPort()));
            assertThat(listed.service()).isEqualTo("echo");
            assertThat(listed.bytesIn()).isEqualTo(1);
            assertThat(listed.bytesOut()).isEqualTo(1);
            assertThat(server.connections()).extracting(ConnectionInfo::id).containsExactlyInAnyOrder(victimId, bystanderId);

            assertThat(server.kill(victimId)).isTrue();
            assertThat(Net.closedByPeer(victim)).isTrue();
            Await.until("the killed connection to leave the registry", WAIT,
                    () -> server.connections().size() == 1);
            assertThat(server.connections().get(0).id()).isEqualTo(bystanderId);
            assertThat(server.kill(victimId)).as("already gone").isFalse();
            assertThat(Net.closed(server, CloseReason.KILLED)).isEqualTo(1);

            Net.send(bystander, "still served");
            assertThat(Net.read(bystander, 12)).isEqualTo("still served");
        }
    }
}
