package io.tcpkit.engine;

import io.tcpkit.AccessRules;
import io.tcpkit.ConnectionObserver;
import io.tcpkit.ConnectionState;
import io.tcpkit.TcpServer;
import io.tcpkit.testing.Await;
import io.tcpkit.testing.Net;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import java.net.Socket;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

import static io.tcpkit.engine.EngineFixture.ECHO;
import static io.tcpkit.engine.EngineFixture.HOUR_LONG;
import static io.tcpkit.engine.EngineFixture.WAIT;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The reactor is where every quiet connection waits: an Error thrown on it (a broken invariant, a
 * class that failed to load) is logged and the reactor carries on, instead of ending and taking
 * every waiting connection with it (it did: they were closed as forced, and those that parked
 * later were never resumed).
 */
class ReactorFailureTest {
    private final AtomicBoolean armed = new AtomicBoolean();
    private final AtomicBoolean fired = new AtomicBoolean();
    @AutoClose
    private EngineServer server;

    /** System.nanoTime(), except once, on the reactor's thread, while armed: an AssertionError. */
    private long clock() {
        if (armed.get() && Thread.currentThread().getName().startsWith("tcpkit-reactor") && armed.compareAndSet(true, false)) {
            fired.set(true);
            throw new AssertionError("a broken invariant, for the test");
        }
        return System.nanoTime();
    }

    @Test
    void anErrorOnTheReactorLeavesWaitingConnectionsServed() throws Exception {
        server = (EngineServer) Engine.start(new Engine.Spec("127.0.0.1", 0, 50, "reactor-error", null, ECHO, null,
                TcpServer.DEFAULT_QUIET_AFTER, HOUR_LONG, WAIT, reason -> Optional.empty(), AccessRules.OPEN, null,
                null, ConnectionObserver.NONE, this::clock));
        try (Socket waiting = Net.connect(server.port())) {
            Net.send(waiting, "a\n");
            assertThat(Net.readLine(waiting)).isEqualTo("a\n");
            Await.until("the connection waits in the reactor", WAIT, () -> server.registry().all().size() == 1
                    && server.registry().all().iterator().next().state() == ConnectionState.IDLE);

            armed.set(true); // the reactor reads the clock at least once per sweep period
            Await.until("the reactor met the error", WAIT, fired::get);

            Net.send(waiting, "b\n");
            assertThat(Net.readLine(waiting)).as("the waiting connection is still served").isEqualTo("b\n");
            try (Socket later = Net.connect(server.port())) { // parks after the error
                Net.send(later, "c\n");
                assertThat(Net.readLine(later)).isEqualTo("c\n");
                Await.until("the later connection waits in the reactor too", WAIT,
                        () -> server.registry().all().stream().filter(c -> c.state() == ConnectionState.IDLE).count() == 2);
                Net.send(later, "d\n");
                assertThat(Net.readLine(later)).isEqualTo("d\n");
            }
        }
    }
}
