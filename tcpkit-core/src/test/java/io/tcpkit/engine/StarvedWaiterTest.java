package io.tcpkit.engine;

import io.tcpkit.Connection;
import io.tcpkit.RequestHandler;
import io.tcpkit.TcpServer;
import io.tcpkit.codec.ReadBuffer;
import io.tcpkit.testing.Await;
import io.tcpkit.testing.Net;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A connection that waits in the reactor is served while busy connections keep the scheduler's
 * carrier to themselves (see {@link Starts}). The server runs in a child JVM on one core, as
 * bench/run pins it: 16 clients send requests that each take 300 us of the handler's CPU and
 * then yield, as a publish to a thousand subscribers does, one request after the other; they keep
 * their threads (busy), and the JDK's poller wakes them through the carrier's own queue. A 17th
 * client made one request and waits in the reactor; its next request is read by the reactor,
 * whose new thread for it waits in the scheduler's shared queue, which the carrier reads only
 * when its own is empty. Before {@link Starts} it was served after 1,200 to 11,000 of the busy
 * clients' replies (0.4 to 3 s of the carrier), or not in the 10 s they went on; now, the busy
 * connections giving way ({@link Starts#giveWay}), within a pass of the carrier's queue, and they
 * keep their threads meanwhile (the child counts a busy connection served by a new thread; under
 * the rule before, busy connections gave their threads back while a start waited). Having a
 * virtual thread start the waiter's thread instead does not help (2,373 replies before it: a
 * virtual thread's start is submitted to the shared queue too).
 */
@Timeout(90)
class StarvedWaiterTest {
    private static final int BUSY_CLIENTS = 16;
    /** The handler's CPU per request in the child: a fan-out's publish to some thousand receivers. */
    private static final long TURN_NANOS = TimeUnit.MICROSECONDS.toNanos(300);
    /** How long the busy clients keep on at most while the waiter waits. */
    private static final Duration BUSY_FOR = Duration.ofSeconds(10);
    /**
     * Busy replies the waiter may see go by before its own: 90 ms of the carrier, some 20 passes
     * of the busy clients.
     */
    private static final int MAX_REPLIES_BEFORE = 300;

    @Test
    void aConnectionWaitingInTheReactorIsServedWhileBusyConnectionsKeepTheCarrier(@TempDir Path dir) throws Exception {
        try (OneCarrierServer.Started child = OneCarrierServer.start(dir, Server.class)) {
            int port = child.port();
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong replies = new AtomicLong();
            List<Thread> busy = new ArrayList<>();
            try (Socket waiter = Net.connect(port)) {
                // One request: the connection is not busy, and waits for its next in the reactor.
                assertThat(Net.roundTrip(waiter, "w")).isEqualTo("w");
                for (int i = 0; i < BUSY_CLIENTS; i++) {
                    Socket s = Net.connect(port);
                    busy.add(Thread.ofPlatform().daemon().start(() -> busyClient(s, stop, replies)));
                }
                // Well past Input.BUSY_AFTER requests each: they keep their threads.
                Await.until("the busy clients' replies", Duration.ofSeconds(30), () -> replies.get() >= 100L * BUSY_CLIENTS);
                waiter.setSoTimeout((int) BUSY_FOR.toMillis());
                long changesBefore = threadChanges(waiter);
                long before = replies.get();
                String reply;
                try {
                    reply = Net.roundTrip(waiter, "x");
                } catch (SocketTimeoutException e) {
                    throw new AssertionError("the waiting connection was not served in " + BUSY_FOR
                            + " while the busy ones got " + (replies.get() - before) + " replies: starved", e);
                }
                assertThat(reply).isEqualTo("x");
                assertThat(replies.get() - before).as("busy replies served before the waiter's").isLessThan(MAX_REPLIES_BEFORE);
                // And the busy connections kept their threads while the waiter was served: they
                // let its thread go first (Starts.giveWay) instead of giving their own back, as
                // they once did, after which each of their requests went through the reactor
                // and a new thread. Counted over the waiter's requests only (this one and the
                // count's own), not the whole run: a busy client's pause past the quiet time (a
                // GC in this JVM) rightly costs its thread, and once in a run of this test it did.
                assertThat(threadChanges(waiter) - changesBefore).as("busy connections served by a new thread").isZero();
            } finally {
                stop.set(true);
                for (Thread t : busy) {
                    t.join(TimeUnit.SECONDS.toMillis(10));
                }
            }
        }
    }

    /** Asks the child how often a busy connection has been served by a new thread so far. */
    private static long threadChanges(Socket waiter) throws IOException {
        waiter.getOutputStream().write('?');
        String line = Net.readLine(waiter);
        assertThat(line).endsWith("\n");
        return Long.parseLong(line.strip());
    }

    private static void busyClient(Socket s, AtomicBoolean stop, AtomicLong replies) {
        try (s) {
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            while (!stop.get()) {
                out.write('b');
                if (in.read() != 'b') {
                    return;
                }
                replies.incrementAndGet();
            }
        } catch (IOException e) {
            // The child went away at the end of the test.
        }
    }

    /**
     * The child: a server whose every request takes {@link #TURN_NANOS} of CPU, is echoed, and
     * yields; a {@code ?} is answered with how many times a busy connection (past its first
     * {@link #BUSY_REQUESTS} requests) was served by another thread than for its previous request.
     */
    public static final class Server {
        static final int BUSY_REQUESTS = 20;
        static final AtomicLong THREAD_CHANGES = new AtomicLong();

        public static void main(String[] args) throws Exception {
            TcpServer server = TcpServer.builder().service("turns").requestHandlers(conn -> new RequestHandler() {
                private Thread last;
                private int requests;

                @Override
                public boolean serve(Connection c) throws IOException {
                    ReadBuffer in = c.input();
                    if (in.readable() == 0 && in.fill() < 0) {
                        return false;
                    }
                    if (in.array()[in.readIndex()] == '?') {
                        in.skip(in.readable());
                        c.write(THREAD_CHANGES.get() + "\n");
                        return true;
                    }
                    if (++requests > BUSY_REQUESTS && last != Thread.currentThread()) {
                        THREAD_CHANGES.incrementAndGet();
                    }
                    last = Thread.currentThread();
                    long until = System.nanoTime() + TURN_NANOS;
                    while (System.nanoTime() - until < 0) {
                        Thread.onSpinWait();
                    }
                    c.write(in.array(), in.readIndex(), in.readable());
                    in.skip(in.readable());
                    Thread.yield(); // as the hub did after a publish before it parked instead (Hub.yieldToReceivers)
                    return true;
                }
            }).start();
            System.out.println("port " + server.port());
            System.out.flush();
            server.awaitTermination();
        }
    }
}
