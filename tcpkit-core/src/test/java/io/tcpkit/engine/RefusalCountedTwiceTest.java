package io.tcpkit.engine;

import io.tcpkit.CloseReason;
import io.tcpkit.ServerStats;
import io.tcpkit.TcpServer;
import io.tcpkit.proxy.ProxyProtocolConfig;
import io.tcpkit.testing.Await;
import io.tcpkit.testing.Net;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.Socket;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * accepted = rejected + closed + open must hold at rest. A connection killed (or force-closed by
 * the shutdown) while it waits for its PROXY header is counted twice: the kill records KILLED and
 * closes the socket, the header read fails, Prelude.refuse counts a BAD_PROXY_HEADER refusal
 * (its recordReason(REJECTED) loses to KILLED), and end() then counts a close for KILLED, since
 * connectionEnded skips the count only when the reason is REJECTED.
 */
@Timeout(30)
class RefusalCountedTwiceTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    @AutoClose
    private TcpServer server;

    private EngineServer start(Duration drainTimeout) throws Exception {
        server = TcpServer.builder().port(0).service("proxied").handler(Net.ECHO)
                .proxyProtocol(new ProxyProtocolConfig(ProxyProtocolConfig.LOOPBACK, Duration.ofMinutes(5)))
                .drainTimeout(drainTimeout).start();
        return (EngineServer) server;
    }

    private static ConnectionImpl waitingForItsHeader(EngineServer engine) {
        Await.until("a connection waiting for its PROXY header", WAIT, () -> engine.registry().all().size() == 1
                && engine.registry().all().iterator().next().in().isArmed()
                && engine.registry().all().iterator().next().in().reason() == CloseReason.REJECTED);
        return engine.registry().all().iterator().next();
    }

    private static String counts(ServerStats st) {
        return "accepted " + st.accepted() + ", rejected " + st.rejected() + ", closed " + st.closed() + ", open " + st.open();
    }

    @Test
    void aConnectionKilledWhileItWaitsForItsProxyHeaderIsCountedOnce() throws Exception {
        EngineServer engine = start(Duration.ofSeconds(1));
        try (Socket s = Net.connect(engine.port())) {
            ConnectionImpl conn = waitingForItsHeader(engine);
            assertThat(engine.kill(conn.id())).isTrue();
            Await.until("the connection ended", WAIT, () -> engine.stats().open() == 0 && engine.registry().all().isEmpty());
            ServerStats st = engine.stats();
            assertThat(st.rejectedTotal() + st.closedTotal() + st.open()).as(counts(st)).isEqualTo(st.accepted());
        }
    }

    @Test
    void aConnectionForceClosedAtShutdownWhileItWaitsForItsProxyHeaderIsCountedOnce() throws Exception {
        EngineServer engine = start(Duration.ofMillis(200));
        try (Socket s = Net.connect(engine.port())) {
            waitingForItsHeader(engine);
            engine.close(); // the drain does not wake a connection still in its prelude: it is forced after 200 ms
            ServerStats st = engine.stats();
            assertThat(st.rejectedTotal() + st.closedTotal() + st.open()).as(counts(st)).isEqualTo(st.accepted());
        }
    }
}
