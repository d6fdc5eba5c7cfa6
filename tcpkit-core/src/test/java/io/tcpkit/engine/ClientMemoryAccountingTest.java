package io.tcpkit.engine;

import io.tcpkit.CloseReason;
import io.tcpkit.Connection;
import io.tcpkit.MemoryBudget;
import io.tcpkit.RequestHandler;
import io.tcpkit.TcpServer;
import io.tcpkit.codec.ReadBuffer;
import io.tcpkit.testing.Await;
import io.tcpkit.testing.Net;
import io.tcpkit.testing.TestPki;
import io.tcpkit.testing.TlsClient;
import io.tcpkit.tls.ClientAuth;
import io.tcpkit.tls.TlsServerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLSocket;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 13's accounting holes: what a connection holds is charged to the client memory budget
 * while it holds it, and given back when it no longer does. Each budget here charges from the
 * first byte ({@code withUnchargedBytes(0)}), so what it counts is exact.
 *
 * <p>The protocol of the handler: {@code big N} (then N bytes) is a frame held whole in the read
 * buffer; {@code reply N} writes N bytes in pieces of 400 and then waits for the test before its
 * turn ends; {@code shut} writes "bye", shuts the output and keeps reading; anything else is
 * answered "ok".
 */
@Timeout(60)
class ClientMemoryAccountingTest {
    @RegisterExtension
    final EngineFixture fixture = new EngineFixture();

    private final MemoryBudget budget = MemoryBudget.of(256L << 20, 100).withUnchargedBytes(0);
    private final CountDownLatch replyWritten = new CountDownLatch(1);
    private final CountDownLatch replyMayGo = new CountDownLatch(1);
    private final CompletableFuture<Connection> shut = new CompletableFuture<>();
    private final LinkedBlockingQueue<String> afterShut = new LinkedBlockingQueue<>();

    private final RequestHandler handler = conn -> {
        String line = conn.lines().readLine();
        if (line == null) {
            return false;
        }
        if (shut.isDone()) {
            afterShut.add(line);
            return true;
        }
        if (line.startsWith("big ")) {
            int n = Integer.parseInt(line.substring(4));
            ReadBuffer in = conn.input();
            in.ensureCapacity(n);
            while (in.readable() < n) {
                if (in.fill() < 0) {
                    return false;
                }
            }
            in.skip(n);
        } else if (line.startsWith("reply ")) {
            byte[] piece = new byte[400];
            Arrays.fill(piece, (byte) 'r');
            for (int left = Integer.parseInt(line.substring(6)); left > 0; left -= piece.length) {
                conn.write(piece, 0, Math.min(piece.length, left));
            }
            replyWritten.countDown();
            try {
                replyMayGo.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            return true;
        } else if (line.equals("shut")) {
            conn.write("bye\n".getBytes(StandardCharsets.US_ASCII));
            conn.shutdownOutput();
            shut.complete(conn);
            return true;
        }
        conn.write("ok\n".getBytes(StandardCharsets.US_ASCII));
        return true;
    };

    /** A server whose connections count as busy from their 8th request on (they keep their thread then). */
    private EngineServer busyServer() throws IOException {
        return fixture.start(TcpServer.builder().port(0).service("accounting").requestHandler(handler)
                .memoryBudget(budget).quietAfter(Duration.ofHours(1)));
    }

    private static void becomeBusy(Socket s) throws IOException {
        for (int i = 0; i <= Input.BUSY_AFTER; i++) {
            assertThat(Net.roundTrip(s, "ok\n")).isEqualTo("ok\n");
        }
    }

    /**
     * A busy connection (it never waits without a thread, which would drop its buffer) sends one
     * 1 MB frame and then small requests: the 1 MB buffer goes, and its charge with it, before the
     * next read; it used to stay until a run of small reads had halved it again and again.
     */
    @Test
    void aReadBufferGrownForOneLargeFrameIsGivenBackOnceTheFrameIsConsumed() throws Exception {
        EngineServer engine = busyServer();
        try (Socket s = Net.connect(engine.port())) {
            becomeBusy(s);
            ConnectionImpl conn = fixture.onlyConnection();
            assertThat(conn.in().busy()).as("the connection keeps its thread and its buffer").isTrue();
            OutputStream out = s.getOutputStream();
            out.write("big 1000000\n".getBytes(StandardCharsets.US_ASCII));
            out.write(new byte[1_000_000]);
            out.write("ok\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertThat(Net.readLine(s)).isEqualTo("ok\n");
            assertThat(Net.roundTrip(s, "ok\n")).as("a small request after it").isEqualTo("ok\n");
            assertThat(budget.used()).as("charged for the connection after the large frame and a small request")
                    .isZero();
            assertThat(conn.in().busy()).as("it still waits on its thread, which keeps its buffer").isTrue();
        }
    }

    /**
     * The serving thread's batch of replies is charged once it grows past its first 512 bytes, up to
     * 64 KiB, and given back once it is written and the connection waits for its next request.
     */
    @Test
    void theUnsettledOutputBatchIsChargedWhileItIsHeld() throws Exception {
        EngineServer engine = busyServer();
        try (Socket s = Net.connect(engine.port())) {
            becomeBusy(s);
            Net.send(s, "reply 40000\n");
            assertThat(replyWritten.await(10, TimeUnit.SECONDS)).isTrue();
            // 40,000 bytes in pieces of 400: the batch doubled from 512 to 65,536 bytes.
            assertThat(budget.used()).as("the batch, past its uncharged 512 bytes").isEqualTo(65_536 - 512);
            replyMayGo.countDown();
            assertThat(Net.read(s, 40_000)).isEqualTo("r".repeat(40_000));
            assertThat(Net.roundTrip(s, "ok\n")).isEqualTo("ok\n");
            assertThat(budget.used()).as("written, and the connection waited for a request since").isZero();
        }
    }

    /**
     * The batch is subject to the budget: with 32 KiB for clients, a reply that grows the batch to
     * 64 KiB evicts its connection at that growth, before the array is allocated.
     */
    @Test
    void aBatchGrowingPastTheBudgetEvictsItsConnection() throws Exception {
        MemoryBudget small = MemoryBudget.of(32 * 1024, 100).withUnchargedBytes(0);
        EngineServer engine = fixture.start(TcpServer.builder().port(0).service("accounting").requestHandler(handler)
                .memoryBudget(small));
        try (Socket s = Net.connect(engine.port())) {
            Net.send(s, "reply 40000\n");
            byte[] got = Net.readUntilClosed(s);
            assertThat(got.length).as("what was written before the eviction, at most the 32 KiB batch flushed on the way")
                    .isLessThanOrEqualTo(32 * 1024);
        }
        Await.until("the connection gone", () -> engine.registry().all().isEmpty());
        assertThat(replyWritten.getCount()).as("the handler never got past its writes").isEqualTo(1);
        assertThat(Net.closed(engine, CloseReason.MEMORY_EVICTED)).isEqualTo(1);
        assertThat(small.evictions()).isEqualTo(1);
        assertThat(small.evictedBytes()).as("evicted holding the 64 KiB it asked for, past its free 512 bytes (never allocated)")
                .isEqualTo(64 * 1024 - 512);
        assertThat(small.used()).isZero();
    }

    /**
     * After the handler shut the output, a message sent from another thread is refused: nothing is
     * written, and the connection is not aborted (it used to be, with io_error, when the write to
     * the shut socket failed). The client reads what came before the shutdown and the end of
     * stream, and the server goes on reading it.
     */
    @Test
    void aSendAfterShutdownOutputIsRefusedAndTheConnectionLivesOn() throws Exception {
        EngineServer engine = fixture.start(TcpServer.builder().port(0).service("accounting").requestHandler(handler)
                .memoryBudget(budget));
        sendAfterShutdown(engine, Net.connect(engine.port()));
    }

    /** The same through TLS: the handler's shutdown sends close_notify, and a write after it fails in the TLS layer. */
    @Test
    void aSendAfterShutdownOutputIsRefusedOverTls(@TempDir Path dir) throws Exception {
        TestPki pki = TestPki.copyTo(dir);
        TestPki.Pair cert = pki.serverEc();
        EngineServer engine = fixture.start(TcpServer.builder().port(0).service("accounting").requestHandler(handler)
                .memoryBudget(budget).tls(new TlsServerConfig(cert.cert(), cert.key(), null, ClientAuth.NONE,
                        TlsServerConfig.DEFAULT_HANDSHAKE_TIMEOUT)));
        SSLSocket s = TlsClient.connect(TlsClient.context(pki.ca(), null), engine.port());
        s.setSoTimeout(10_000);
        sendAfterShutdown(engine, s);
    }

    private void sendAfterShutdown(EngineServer engine, Socket socket) throws Exception {
        try (Socket s = socket) {
            Net.send(s, "shut\n");
            Connection conn = shut.get(10, TimeUnit.SECONDS);
            byte[] late = "late\n".getBytes(StandardCharsets.US_ASCII);
            assertThat(conn.send(late)).as("the first send after the shutdown is refused").isFalse();
            assertThat(conn.send(late)).as("and every one after it").isFalse();
            assertThat(Net.readToEnd(s)).as("what came before the shutdown, then end of stream").isEqualTo("bye\n");
            assertThat(conn.isOpen()).as("not aborted").isTrue();
            Net.send(s, "still here\n");
            assertThat(afterShut.poll(10, TimeUnit.SECONDS)).as("it reads on").isEqualTo("still here");
            assertThat(conn.isOpen()).isTrue();
        }
        Await.until("the connection closed", () -> engine.registry().all().isEmpty());
        assertThat(Net.closed(engine, CloseReason.IO_ERROR)).isZero();
        assertThat(Net.closed(engine, CloseReason.PEER_CLOSED)).isEqualTo(1);
        assertThat(budget.used()).isZero();
    }
}
