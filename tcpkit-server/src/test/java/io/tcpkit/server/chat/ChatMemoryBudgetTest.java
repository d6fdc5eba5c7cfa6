package io.tcpkit.server.chat;

import io.tcpkit.CloseReason;
import io.tcpkit.Limits;
import io.tcpkit.MemoryBudget;
import io.tcpkit.TcpServer;
import io.tcpkit.server.testing.Services;
import io.tcpkit.testing.Await;
import io.tcpkit.testing.LineClient;
import io.tcpkit.testing.Net;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.util.List;

import static io.tcpkit.server.chat.ChatPeers.join;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A chat member's room membership is charged to the client memory budget as a command
 * connection's subscription is (the room's name and {@link 160}),
 * moved with {@code /join}, returned on leaving; and a budget that members pass evicts one of them.
 */
@Timeout(60)
class ChatMemoryBudgetTest {
    private static final long LOBBY = 160 + "lobby".length();
    private final Services servers = new Services();

    @AfterEach
    void stop() {
        servers.close();
    }

    private TcpServer chat(MemoryBudget budget) throws IOException {
        return servers.startChat(Limits.DEFAULT, b -> b.memoryBudget(budget));
    }

    @Test
    void membershipIsChargedMovedAndReturned() throws Exception {
        MemoryBudget budget = MemoryBudget.of(1024 * 1024).withUnchargedBytes(0); // every byte charged, as exact figures need
        chat(budget);
        LineClient alice = join(servers, "alice", List.of());
        // What a member holds besides this is below the free first bytes of its buffers.
        assertThat(budget.used()).as("alice in the lobby").isEqualTo(LOBBY);
        LineClient bob = join(servers, "bob", List.of(alice));
        assertThat(budget.used()).as("alice and bob in the lobby").isEqualTo(2 * LOBBY);

        bob.sendLine("/join dev-team");
        bob.expectLine("* The room dev-team contains: ");
        alice.expectLine("* bob has left the room");
        assertThat(budget.used()).as("bob moved to dev-team")
                .isEqualTo(LOBBY + 160 + "dev-team".length());

        bob.sendLine("/quit");
        bob.expectLine("* bye");
        bob.expectEof();
        Await.until("bob's membership returned", () -> budget.used() == LOBBY);
        alice.sendLine("/quit");
        alice.expectLine("* bye");
        alice.expectEof();
        Await.until("everything returned", () -> budget.used() == 0);
    }

    /**
     * Three memberships in a budget that holds two: the third join passes it and the biggest
     * holder is evicted (alice, whose room has the longest name); the two others keep talking.
     */
    @Test
    void theBiggestMemberPastTheBudgetIsEvicted() throws Exception {
        String longRoom = "r".repeat(32);
        long inLongRoom = 160 + longRoom.length();
        MemoryBudget budget = MemoryBudget.of(500, 100).withUnchargedBytes(0);
        assertThat(inLongRoom + LOBBY).isLessThan(budget.limit());
        assertThat(inLongRoom + 2 * LOBBY).isGreaterThan(budget.limit());
        TcpServer chat = chat(budget);
        LineClient alice = join(servers, "alice", List.of());
        alice.sendLine("/join " + longRoom);
        alice.expectLine("* The room " + longRoom + " contains: ");
        LineClient bob = join(servers, "bob", List.of());
        assertThat(budget.used()).isEqualTo(inLongRoom + LOBBY);
        assertThat(budget.evictions()).isZero();

        LineClient carol = join(servers, "carol", List.of(bob));
        alice.expectEof();
        Await.until("alice's close counted", () -> Net.closed(chat, CloseReason.MEMORY_EVICTED) == 1);
        assertThat(budget.evictions()).isEqualTo(1);
        Await.until("alice's membership returned", () -> budget.used() == 2 * LOBBY);
        carol.sendLine("hi bob");
        bob.expectLine("[carol] hi bob");
    }
}
