package io.tcpkit.engine;

import io.tcpkit.Limits;
import io.tcpkit.TcpServer;
import io.tcpkit.testing.Await;
import io.tcpkit.testing.Net;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A thread the reactor starts is served among a thousand busy connections (see {@link Starts}),
 * on one core, as bench/run's 1,000 connections echo runs the server: plain echoes, one byte in
 * flight per connection, driven by one selector loop here. When busy connections waited for a
 * start by parking a nanosecond, their wake-ups went through the scheduler's timer into a shared
 * queue that with so many of them never ran empty, and the carrier, which keeps to the shared
 * queue it found while that holds anything, never got to the start's: a waiting connection
 * was often not answered in the 5 s the busy ones went on (and in bench runs, 56 to 314 connections
 * waited for the whole run). Now busy connections wait for the start itself to run, which takes
 * a pass or so of the busy connections.
 */
@Timeout(120)
class StartAmongManyBusyTest {
    private static final int BUSY_CLIENTS = 1000;
    /**
     * Connections that each wait in the reactor and then ask once, one after the other: the
     * carrier found the start's queue before the timer's now and then (one run in three for one).
     */
    private static final int WAITERS = 10;
    /** How long the busy clients keep on at most while a waiter waits. */
    private static final Duration BUSY_FOR = Duration.ofSeconds(5);
    /** Busy replies the waiter may see go by before its own: five passes of the busy connections. */
    private static final long MAX_REPLIES_BEFORE = 5L * BUSY_CLIENTS;

    @Test
    void aConnectionResumedByTheReactorIsServedAmongAThousandBusyOnes(@TempDir Path dir) throws Exception {
        try (OneCarrierServer.Started child = OneCarrierServer.start(dir, Server.class)) {
            int port = child.port();
            List<Socket> waiters = new ArrayList<>();
            try (EchoLoad load = new EchoLoad(port, BUSY_CLIENTS)) {
                for (int i = 0; i < WAITERS; i++) {
                    Socket waiter = Net.connect(port);
                    waiters.add(waiter);
                    // One request: the connection is not busy, and waits for its next in the reactor.
                    assertThat(Net.roundTrip(waiter, "w")).isEqualTo("w");
                }
                load.start();
                // Well past Input.BUSY_AFTER requests each: they keep their threads.
                Await.until("the busy clients' replies", Duration.ofSeconds(60),
                        () -> load.replies.get() >= 30L * BUSY_CLIENTS || load.failure() != null);
                assertThat(load.failure()).isNull();
                for (Socket waiter : waiters) { // one at a time: each is a start among the busy ones
                    waiter.setSoTimeout((int) BUSY_FOR.toMillis());
                    long before = load.replies.get();
                    String reply;
                    try {
                        reply = Net.roundTrip(waiter, "x");
                    } catch (SocketTimeoutException e) {
                        throw new AssertionError("a waiting connection was not served in " + BUSY_FOR
                                + " while the busy ones got " + (load.replies.get() - before) + " replies: starved", e);
                    }
                    assertThat(reply).isEqualTo("x");
                    assertThat(load.replies.get() - before).as("busy replies served before the waiter's").isLessThan(MAX_REPLIES_BEFORE);
                }
                assertThat(load.failure()).isNull();
            } finally {
                for (Socket waiter : waiters) {
                    waiter.close();
                }
            }
        }
    }

    /** Clients that echo back every byte the server sends them, one byte in flight each, on one selector thread. */
    private static final class EchoLoad implements AutoCloseable {
        final AtomicLong replies = new AtomicLong();
        private final AtomicBoolean stop = new AtomicBoolean();
        private final Selector selector;
        private final Thread thread;
        private volatile Throwable failure;

        EchoLoad(int port, int clients) throws IOException {
            selector = Selector.open();
            for (int i = 0; i < clients; i++) {
                SocketChannel ch = SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
                ch.configureBlocking(false);
                ch.register(selector, SelectionKey.OP_READ);
            }
            thread = Thread.ofPlatform().daemon().name("echo load").unstarted(this::run);
        }

        void start() {
            thread.start();
        }

        Throwable failure() {
            return failure;
        }

        private void run() {
            ByteBuffer buf = ByteBuffer.allocate(64);
            try {
                for (SelectionKey key : selector.keys()) {
                    ((SocketChannel) key.channel()).write(ByteBuffer.wrap(new byte[] {'b'}));
                }
                while (!stop.get()) {
                    selector.select(key -> {
                        SocketChannel ch = (SocketChannel) key.channel();
                        try {
                            buf.clear();
                            int n = ch.read(buf);
                            if (n < 0) {
                                throw new IOException("the server closed a busy connection");
                            }
                            replies.addAndGet(n);
                            buf.flip();
                            while (buf.hasRemaining()) {
                                ch.write(buf); // a byte or two into an empty socket buffer
                            }
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    }, 100);
                }
            } catch (IOException | RuntimeException e) {
                if (!stop.get()) {
                    failure = e;
                }
            }
        }

        @Override
        public void close() throws Exception {
            stop.set(true);
            selector.wakeup();
            thread.join(Duration.ofSeconds(10));
            for (SelectionKey key : selector.keys()) {
                key.channel().close();
            }
            selector.close();
        }
    }

    /** The child: a plain echo server that admits a thousand connections from one address. */
    public static final class Server {
        public static void main(String[] args) throws Exception {
            TcpServer server = TcpServer.builder().service("echo").requestHandler(EngineFixture.ECHO)
                    .limits(Limits.DEFAULT.withMaxConnectionsPerAddress(2 * BUSY_CLIENTS)).start();
            System.out.println("port " + server.port());
            System.out.flush();
            server.awaitTermination();
        }
    }
}
