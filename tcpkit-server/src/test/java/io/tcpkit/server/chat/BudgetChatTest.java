package io.tcpkit.server.chat;

import io.tcpkit.server.hub.Channel;
import io.tcpkit.Limits;
import io.tcpkit.TcpServer;
import io.tcpkit.server.testing.Services;
import io.tcpkit.testing.Await;
import io.tcpkit.testing.LineClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static io.tcpkit.server.chat.ChatPeers.ILLEGAL_NAME;
import static io.tcpkit.server.chat.ChatPeers.LOBBY_PRESENCE;
import static io.tcpkit.server.chat.ChatPeers.PROMPT;
import static io.tcpkit.server.chat.ChatPeers.assertNothingPending;
import static io.tcpkit.server.chat.ChatPeers.join;
import static io.tcpkit.server.chat.ChatPeers.joinAll;
import static io.tcpkit.server.chat.ChatPeers.repeat;
import static org.assertj.core.api.Assertions.assertThat;

/** The Protohackers "Budget Chat" rules (docs/protocols.md, "Chat"), one by one, on real sockets. */
@Timeout(30)
class BudgetChatTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private Services servers;
    private TcpServer chat;

    @BeforeEach
    void start() throws Exception {
        servers = new Services();
        // One test has alice greet 150 newcomers in a row, faster than flood control lets a person talk.
        chat = servers.startChat(Limits.DEFAULT, ChatPeers.NO_FLOOD_CONTROL);
    }

    @AfterEach
    void stop() {
        servers.close();
    }

    @Test
    void promptsForANameOnConnectBeforeTheClientSaysAnything() throws Exception {
        try (LineClient p = servers.chatClient("p")) {
            p.expectLine(PROMPT);
        }
    }

    @Test
    void legalNamesAreOneToThirtyTwoLettersAndDigits() throws Exception {
        List<String> names = List.of("a", "Z", "7", "abc123", "MiXeD42", repeat('s', 16), repeat('x', 31) + "9");
        List<LineClient> joined = new ArrayList<>();
        for (String name : names) {
            joined.add(join(servers, name, List.copyOf(joined)));
        }
        assertThat(servers.hub.subscribers(Channel.of("lobby"))).isEqualTo(names.size());
    }

    @Test
    void anIllegalNameGetsAnErrorLineThenEndOfStreamAndNobodyHearsOfIt() throws Exception {
        List<LineClient> room = joinAll(servers, "alice", "bob");
        LineClient alice = room.get(0);
        LineClient bob = room.get(1);
        List<String> illegal = List.of("", " ", "al ice", "bob!", "a-b", "x.y", repeat('x', 33), "\u00fcber",
                "alice\u001b[2J");
        for (String name : illegal) {
            try (LineClient p = ChatPeers.connect(servers, "illegal")) {
                p.sendLine(name);
                p.expectLine(ILLEGAL_NAME);
                p.expectEof();
            }
        }
        assertNothingPending(alice, bob);
        assertNothingPending(bob, alice);
        assertThat(servers.hub.subscribers(Channel.of("lobby"))).isEqualTo(2);
    }

    @Test
    void theFirstPersonGetsAPresenceLineForTheEmptyRoom() throws Exception {
        try (LineClient p = ChatPeers.connect(servers, "solo")) {
            p.sendLine("solo");
            String presence = p.readLine();
            assertThat(presence).isEqualTo(LOBBY_PRESENCE).startsWith("*").doesNotContain("solo");
        }
    }

    @Test
    void thePresenceLineListsEveryoneElseButNotTheNewcomer() throws Exception {
        List<LineClient> room = joinAll(servers, "alice", "bob");
        try (LineClient carol = ChatPeers.connect(servers, "carol")) {
            carol.sendLine("carol");
            String presence = carol.readLine();
            assertThat(presence).startsWith("*").contains("alice").contains("bob").doesNotContain("carol");
            assertThat(presence).isEqualTo(LOBBY_PRESENCE + "alice, bob");
            for (LineClient p : room) {
                p.expectLine("* carol has entered the room");
            }
            // carol was not told about herself: the next thing she reads is what alice says.
            assertNothingPending(room.get(0), carol, room.get(1));
        }
    }

    @Test
    void chatLinesGoToEveryoneElseWhoJoinedButNeverBackToTheSender() throws Exception {
        List<LineClient> room = joinAll(servers, "alice", "bob", "carol");
        LineClient alice = room.get(0);
        LineClient bob = room.get(1);
        LineClient carol = room.get(2);
        alice.sendLine("hello there");
        bob.expectLine("[alice] hello there");
        carol.expectLine("[alice] hello there");
        // Nothing came back to alice: the next thing she reads is bob's marker.
        assertNothingPending(bob, alice, carol);
    }

    @Test
    void nothingReachesAClientThatConnectedButHasNotGivenItsName() throws Exception {
        List<LineClient> room = joinAll(servers, "alice", "bob");
        LineClient alice = room.get(0);
        LineClient bob = room.get(1);
        LineClient lurker = ChatPeers.connect(servers, "lurker");
        LineClient halfNamed = ChatPeers.connect(servers, "half");
        halfNamed.send("hal"); // a name still being typed
        alice.sendLine("secret 1");
        bob.expectLine("[alice] secret 1");
        bob.sendLine("secret 2");
        alice.expectLine("[bob] secret 2");
        assertNothingPending(alice, bob);
        assertNothingPending(bob, alice);
        // Once they join, the first thing after the prompt is their presence line: nothing was queued for them.
        lurker.sendLine("lurker");
        lurker.expectLine(LOBBY_PRESENCE + "alice, bob");
        alice.expectLine("* lurker has entered the room");
        bob.expectLine("* lurker has entered the room");
        halfNamed.sendLine("f");
        halfNamed.expectLine(LOBBY_PRESENCE + "alice, bob, lurker");
        for (LineClient p : List.of(alice, bob, lurker)) {
            p.expectLine("* half has entered the room");
        }
        assertNothingPending(alice, bob, lurker, halfNamed);
    }

    @Test
    void aNewcomerHearsWhateverIsSaidOnceTheOthersAreToldOfIt() throws Exception {
        LineClient alice = join(servers, "alice", List.of());
        for (int i = 0; i < 150; i++) {
            String name = "newcomer" + i;
            try (LineClient newcomer = ChatPeers.connect(servers, name)) {
                newcomer.sendLine(name);
                // Whoever has the notice may speak at once, and the newcomer must hear it.
                alice.expectLine("* " + name + " has entered the room");
                alice.sendLine("welcome " + i);
                newcomer.expectLine(LOBBY_PRESENCE + "alice");
                newcomer.expectLine("[alice] welcome " + i);
            }
            alice.expectLine("* " + name + " has left the room");
        }
    }

    @Test
    void messagesOfAThousandCharactersAndMoreArriveIntact() throws Exception {
        List<LineClient> room = joinAll(servers, "alice", "bob");
        StringBuilder text = new StringBuilder();
        for (int i = 0; text.length() < 1000; i++) {
            text.append((char) ('a' + i % 26));
        }
        String thousand = text.toString();
        String big = (thousand + " ").repeat(20).strip(); // about 20,000 characters
        room.get(0).sendLine(thousand);
        room.get(0).sendLine(big);
        room.get(1).expectLine("[alice] " + thousand);
        room.get(1).expectLine("[alice] " + big);
    }

    @Test
    void aCarriageReturnBeforeTheLineFeedIsStripped() throws Exception {
        LineClient alice = ChatPeers.connect(servers, "alice");
        alice.send("alice\r\n");
        alice.expectLine(LOBBY_PRESENCE);
        LineClient bob = ChatPeers.connect(servers, "bob");
        bob.send("bob\r\n");
        bob.expectLine(LOBBY_PRESENCE + "alice");
        alice.expectLine("* bob has entered the room");
        alice.send("how are you\r\n");
        bob.expectLine("[alice] how are you");
    }

    @Test
    void whenAJoinedUserLeavesTheOthersGetANoticeWithTheName() throws Exception {
        List<LineClient> room = joinAll(servers, "alice", "bob", "carol", "dave");
        room.get(1).close(); // bob: a clean close
        room.get(0).expectLine("* bob has left the room");
        room.get(2).expectLine("* bob has left the room");
        room.get(3).expectLine("* bob has left the room");
        room.get(2).abort(); // carol: a reset
        room.get(0).expectLine("* carol has left the room");
        room.get(3).expectLine("* carol has left the room");
        assertNothingPending(room.get(0), room.get(3));
    }

    @Test
    void aClientThatLeavesBeforeJoiningIsNeverMentioned() throws Exception {
        List<LineClient> room = joinAll(servers, "alice", "bob");
        long closedBefore = chat.stats().closedTotal();
        LineClient silent = ChatPeers.connect(servers, "silent");
        silent.close();
        LineClient typing = ChatPeers.connect(servers, "typing");
        typing.send("carol"); // no line feed yet
        typing.abort();
        LineClient illegal = ChatPeers.connect(servers, "illegal");
        illegal.sendLine("no way");
        illegal.expectLine(ILLEGAL_NAME);
        illegal.close();
        Await.until("three closes", WAIT, () -> chat.stats().closedTotal() == closedBefore + 3);
        assertNothingPending(room.get(0), room.get(1));
        assertNothingPending(room.get(1), room.get(0));
        assertThat(servers.sessions.size()).isEqualTo(2);
    }

    @Test
    void tenAndMoreSimultaneousClientsAllSeeEachOthersMessages() throws Exception {
        int n = 12;
        String[] names = new String[n];
        for (int i = 0; i < n; i++) {
            names[i] = "user" + i;
        }
        List<LineClient> room = joinAll(servers, names);
        int linesEach = 5;
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Set<String>>> received = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                LineClient me = room.get(i);
                received.add(pool.submit(() -> {
                    for (int k = 0; k < linesEach; k++) {
                        me.sendLine("line " + k + " from " + me.label());
                    }
                    Set<String> got = new HashSet<>();
                    List<String> order = new ArrayList<>();
                    for (int k = 0; k < (n - 1) * linesEach; k++) {
                        String line = me.readLine();
                        assertThat(got.add(line)).as("duplicate %s at %s", line, me).isTrue();
                        order.add(line);
                    }
                    // Each sender's lines arrive in the order it sent them.
                    for (LineClient other : room) {
                        List<String> fromOther = order.stream().filter(l -> l.startsWith("[" + other.label() + "]")).toList();
                        for (int k = 0; k < fromOther.size(); k++) {
                            assertThat(fromOther.get(k)).endsWith("line " + k + " from " + other.label());
                        }
                    }
                    return got;
                }));
            }
            for (int i = 0; i < n; i++) {
                Set<String> expected = new HashSet<>();
                for (int j = 0; j < n; j++) {
                    if (j != i) {
                        for (int k = 0; k < linesEach; k++) {
                            expected.add("[" + names[j] + "] line " + k + " from " + names[j]);
                        }
                    }
                }
                assertThat(received.get(i).get()).as(names[i]).isEqualTo(expected);
            }
        }
    }
}
