package io.tcpkit.engine;

import io.tcpkit.CloseReason;
import io.tcpkit.Connection;
import io.tcpkit.RequestHandler;
import io.tcpkit.TcpServer;
import io.tcpkit.testing.Await;
import io.tcpkit.testing.Net;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.Socket;
import java.time.Duration;

/**
 * end() must return the permits "whatever happened". A handler whose closed() throws an Error
 * (an assert under -ea, a StackOverflowError, a NoClassDefFoundError in cleanup code) skips
 * server.connectionEnded: the connection stays registered, its permit and address slot are never
 * returned, stats().open() stays 1 and close() waits out its drain timeout for it.
 */
@Timeout(30)
class ClosedCallbackErrorTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    @AutoClose
    private TcpServer server;

    @Test
    void aHandlerWhoseClosedThrowsAnErrorStillReturnsItsPermit() throws Exception {
        RequestHandler handler = new RequestHandler() {
            @Override
            public boolean serve(Connection conn) {
                return false; // ends at its first request
            }

            @Override
            public void closed(Connection conn, CloseReason reason) {
                throw new AssertionError("a broken cleanup");
            }
        };
        server = TcpServer.builder().port(0).service("closed-error").requestHandler(handler)
                .drainTimeout(Duration.ofMillis(100)).start();
        EngineServer engine = (EngineServer) server;
        Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler((t, e) -> { }); // the Error is expected to escape; keep the log quiet
        try (Socket s = Net.connect(server.port())) {
            Net.send(s, "x");
            Net.readToEnd(s);
            Await.until("the connection's permit returned", WAIT,
                    () -> engine.stats().open() == 0 && engine.registry().all().isEmpty() && engine.trackedAddresses() == 0);
        } finally {
            Thread.setDefaultUncaughtExceptionHandler(previous);
        }
    }
}
