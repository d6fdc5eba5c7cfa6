package io.tcpkit.engine;

import io.tcpkit.MemoryBudget;
import io.tcpkit.RequestHandler;
import io.tcpkit.TcpServer;
import io.tcpkit.testing.Await;
import io.tcpkit.testing.Net;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.Socket;
import java.nio.charset.StandardCharsets;

import static io.tcpkit.engine.EngineFixture.WAIT;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A connection's part of the budget: no account while it holds at most the budget's uncharged
 * bytes, an account past that, and the account given back when the connection goes idle holding
 * no more than the allowance again (what it holds then stays with it, uncharged). The handler
 * charges what the client names: {@code hold N} and {@code drop N}, each answered "ok".
 */
@Timeout(60)
class BudgetShareTest {
    @RegisterExtension
    final EngineFixture fixture = new EngineFixture();

    private final MemoryBudget budget = MemoryBudget.of(1 << 20, 100); // 1 KiB uncharged, the default

    private final RequestHandler handler = conn -> {
        String line = conn.lines().readLine();
        if (line == null) {
            return false;
        }
        long n = Long.parseLong(line.substring(5));
        boolean ok = conn.accountMemory(line.startsWith("hold") ? n : -n);
        conn.write((ok ? "ok\n" : "refused\n").getBytes(StandardCharsets.US_ASCII));
        return true;
    };

    private static String ask(Socket s, String request) throws java.io.IOException {
        Net.send(s, request + "\n");
        return Net.readLine(s).strip();
    }

    @Test
    void anAccountHoldingNoMoreThanTheAllowanceIsGivenBackWhenTheConnectionIdles() throws Exception {
        assertThat(budget.unchargedBytes()).isEqualTo(MemoryBudget.DEFAULT_UNCHARGED_BYTES).isEqualTo(1024);
        EngineServer server = fixture.start(TcpServer.builder().port(0).service("share").requestHandler(handler)
                .memoryBudget(budget));
        try (Socket s = Net.connect(server.port())) {
            assertThat(ask(s, "hold 600")).isEqualTo("ok");
            assertThat(budget.used()).as("within the allowance: no account").isZero();

            assertThat(ask(s, "hold 1400")).isEqualTo("ok");
            assertThat(budget.used()).as("past it: an account with all it holds").isEqualTo(2000);
            fixture.onlyConnection(io.tcpkit.ConnectionState.IDLE);
            assertThat(budget.used()).as("idle, but holding more than the allowance: kept").isEqualTo(2000);

            // 400 left: a chat member's room, say, once the notices that opened the account are written
            assertThat(ask(s, "drop 1600")).isEqualTo("ok");
            Await.until("the account given back at the next park (" + budget.used() + " in use)", WAIT,
                    () -> budget.used() == 0);

            assertThat(ask(s, "hold 700")).isEqualTo("ok");
            assertThat(budget.used()).as("the 400 it kept count: 1,100 is past the allowance").isEqualTo(1100);
            assertThat(ask(s, "drop 1100")).isEqualTo("ok");
            Await.until("given back again", WAIT, () -> budget.used() == 0);
        }
        Await.until("the connection ended", WAIT, () -> server.registry().all().isEmpty());
        assertThat(budget.used()).isZero();
    }
}
