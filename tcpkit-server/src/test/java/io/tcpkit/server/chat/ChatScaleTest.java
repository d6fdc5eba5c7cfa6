package io.tcpkit.server.chat;

import io.tcpkit.server.hub.Channel;
import io.tcpkit.CloseReason;
import io.tcpkit.Limits;
import io.tcpkit.TcpServer;
import io.tcpkit.server.testing.Services;
import io.tcpkit.testing.Await;
import io.tcpkit.testing.LineClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static io.tcpkit.server.chat.ChatPeers.LOBBY_PRESENCE;
import static io.tcpkit.server.chat.ChatPeers.PROMPT;
import static org.assertj.core.api.Assertions.assertThat;

/** A thousand people in one room: everyone hears one message, and everyone can leave cleanly. */
@Timeout(60)
class ChatScaleTest {
    private static final int MEMBERS = 1_000;
    private final Services servers = new Services();

    @AfterEach
    void stop() {
        servers.close();
    }

    @Test
    void aThousandMembersInOneRoomAllHearOneMessageAndAllLeaveWithoutATrace() throws Exception {
        TcpServer chat = servers.startChat(Limits.DEFAULT.withMaxConnectionsPerAddress(MEMBERS));
        List<LineClient> members = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<LineClient>> joins = new ArrayList<>();
            for (int i = 0; i < MEMBERS; i++) {
                String name = "m" + i;
                joins.add(pool.submit(() -> {
                    LineClient p = servers.track(LineClient.connect(chat.port(), name));
                    p.expectLine(PROMPT);
                    p.sendLine(name);
                    String presence = p.readLine();
                    assertThat(presence).startsWith(LOBBY_PRESENCE).doesNotContain(" " + name + ",");
                    assertThat(presence).doesNotEndWith(" " + name);
                    return p;
                }));
            }
            for (Future<LineClient> f : joins) {
                members.add(f.get());
            }
            assertThat(servers.hub.subscribers(Channel.of("lobby"))).isEqualTo(MEMBERS);
            assertThat(servers.sessions.size()).isEqualTo(MEMBERS);

            // One message reaches the 999 others, after whatever join notices they have not read yet.
            LineClient speaker = members.get(0);
            speaker.sendLine("hello, all of you");
            List<Future<?>> heard = new ArrayList<>();
            for (LineClient p : members.subList(1, MEMBERS)) {
                heard.add(pool.submit(() -> {
                    p.readUntil(line -> {
                        if (!line.equals("[m0] hello, all of you")) {
                            assertThat(line).matches("\\* m\\d+ has entered the room");
                            return false;
                        }
                        return true;
                    }, MEMBERS + 1);
                    return null;
                }));
            }
            for (Future<?> f : heard) {
                f.get();
            }

            // Everybody leaves: /quit, then read to the end (leave notices, "* bye") and close.
            List<Future<List<String>>> left = new ArrayList<>();
            for (LineClient p : members) {
                left.add(pool.submit(() -> {
                    p.sendLine("/quit");
                    List<String> rest = p.readLinesToEnd(4 * MEMBERS);
                    p.close();
                    return rest;
                }));
            }
            for (int i = 0; i < MEMBERS; i++) {
                List<String> rest = left.get(i).get();
                assertThat(rest).as("m%d heard itself", i).doesNotContain("[m" + i + "] hello, all of you");
                assertThat(rest).as("m%d's goodbye", i).contains("* bye");
            }
        }
        Await.until("every connection to close", Duration.ofSeconds(20), () -> chat.stats().open() == 0);
        assertThat(chat.connections()).isEmpty();
        assertThat(servers.sessions.size()).isZero();
        assertThat(servers.hub.subscribers(Channel.of("lobby"))).isZero();
        assertThat(servers.hub.rooms(null)).isEmpty();
        assertThat(chat.stats().closed().getOrDefault(CloseReason.SERVER_CLOSED, 0L)).isEqualTo(MEMBERS);
        assertThat(chat.stats().closedTotal()).isEqualTo(MEMBERS);
    }
}
