package io.tcpkit.engine;

import io.tcpkit.AccessRules;
import io.tcpkit.ConnectionObserver;
import io.tcpkit.ConnectionState;
import io.tcpkit.Limits;
import io.tcpkit.RequestHandler;
import io.tcpkit.TcpServer;
import io.tcpkit.codec.ReadBuffer;
import io.tcpkit.testing.Await;
import io.tcpkit.testing.Net;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The server of an engine test, closed after each test: register it as a field with
 * {@code @RegisterExtension final EngineFixture fixture = new EngineFixture();}. It starts
 * through the public builder, or through {@link Engine.Spec} on the test's own clock, so that
 * hour-long timeouts fire when the test moves the clock and sweeps ({@link #passes}), and never
 * by waiting.
 */
final class EngineFixture implements AfterEachCallback {
    static final Duration HOUR = Duration.ofHours(1);
    /** How long a test awaits a condition that a working engine meets at once. */
    static final Duration WAIT = Duration.ofSeconds(10);
    /** Idle, read and write timeouts of an hour: with the test's clock, none fires by itself. */
    static final Limits HOUR_LONG = Limits.DEFAULT.withIdleTimeout(HOUR).withReadTimeout(HOUR).withWriteTimeout(HOUR);

    /** Echoes what each turn finds buffered (reading once if nothing is); ends at end of stream. */
    static final RequestHandler ECHO = conn -> {
        ReadBuffer in = conn.input();
        if (in.readable() == 0 && in.fill() < 0) {
            return false;
        }
        conn.write(in.array(), in.readIndex(), in.readable());
        in.skip(in.readable());
        return true;
    };

    private final AtomicLong clock = new AtomicLong(System.nanoTime());
    /** Holds the handlers of {@link #startBusy} until the test ends. */
    private final CountDownLatch busyHandlersMayReturn = new CountDownLatch(1);
    /** Counted down when a handler of {@link #startBusy} runs. */
    private final CountDownLatch busyHandlerRuns = new CountDownLatch(1);
    private EngineServer server;

    /** Starts the built server (port 0 and the rest as the test sets them). */
    EngineServer start(TcpServer.Builder builder) throws IOException {
        server = (EngineServer) builder.start();
        return server;
    }

    /** A request handler's server on a free port, with the default limits. */
    EngineServer start(String service, RequestHandler handler) throws IOException {
        return start(TcpServer.builder().port(0).service(service).requestHandler(handler));
    }

    /**
     * A server whose handler, once a request comes, stays busy until the test ends: its
     * connection is ACTIVE and its serving thread takes no part in writing, so what other
     * threads send it is queued and written by writer threads. See {@link #busyConnection}.
     */
    EngineServer startBusy(String service) throws IOException {
        return start(service, conn -> {
            busyHandlerRuns.countDown();
            busyHandlersMayReturn.await();
            return false;
        });
    }

    /**
     * Sends {@code client}'s one request to a {@link #startBusy} server; returns its connection
     * once the handler runs (ACTIVE and busy for good: before the request came, the connection
     * may have been ACTIVE a moment and then waited in the reactor).
     */
    ConnectionImpl busyConnection(Socket client) throws IOException, InterruptedException {
        client.getOutputStream().write('x');
        assertThat(busyHandlerRuns.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).as("the busy handler runs").isTrue();
        return onlyConnection(ConnectionState.ACTIVE);
    }

    /** A request handler's server on 127.0.0.1, port 0, whose clock is the test's. */
    EngineServer startClocked(String service, RequestHandler handler, Duration quietAfter, Limits limits,
                              Duration drainTimeout) throws IOException {
        server = (EngineServer) Engine.start(new Engine.Spec("127.0.0.1", 0, 50, service, null, handler, null,
                quietAfter, limits, drainTimeout, reason -> Optional.empty(), AccessRules.OPEN, null, null,
                ConnectionObserver.NONE, clock::get));
        return server;
    }

    /** Moves the server's clock by {@code d} and sweeps, as the reactor would at its next period. */
    void passes(Duration d) {
        clock.addAndGet(d.toNanos());
        server.reactor().deadlines().sweep(clock.get());
    }

    /**
     * A client that then stops reading: it connects with a 4 KiB receive buffer, so that what the
     * server sends it soon fills the socket, says "hi" and reads the reply, which must be "ok".
     */
    Socket clientThatStopsReading() throws IOException {
        Socket s = new Socket();
        boolean ready = false;
        try {
            s.setReceiveBufferSize(4096);
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port()));
            Net.send(s, "hi\n");
            assertThat(Net.readLine(s)).isEqualTo("ok\n");
            ready = true;
            return s;
        } finally {
            if (!ready) {
                s.close();
            }
        }
    }

    /** Awaits the server's one connection, in {@code state}, and returns it. */
    ConnectionImpl onlyConnection(ConnectionState state) {
        Await.until("one connection " + state + " (" + server.connections() + ")", WAIT,
                () -> server.registry().all().size() == 1
                        && server.registry().all().iterator().next().state() == state);
        return server.registry().all().iterator().next();
    }

    /** Awaits the server's one connection, in whatever state, and returns it. */
    ConnectionImpl onlyConnection() {
        Await.until("one connection (" + server.connections() + ")", WAIT, () -> server.registry().all().size() == 1);
        return server.registry().all().iterator().next();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        busyHandlersMayReturn.countDown();
        if (server != null) {
            server.close();
        }
    }
}
