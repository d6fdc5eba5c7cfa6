package io.tcpkit.server.chat;

import io.tcpkit.CloseReason;
import io.tcpkit.Limits;
import io.tcpkit.TcpServer;
import io.tcpkit.server.hub.Channel;
import io.tcpkit.server.testing.Services;
import io.tcpkit.testing.Await;
import io.tcpkit.testing.LineClient;
import io.tcpkit.testing.Net;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static io.tcpkit.server.chat.ChatPeers.join;
import static org.assertj.core.api.Assertions.assertThat;

/** People leave, abruptly or not, while someone floods the room: the others miss nothing. */
@Timeout(60)
class LeaveDuringBroadcastTest {
    private static final int STAYERS = 10;
    private static final int LEAVERS = 10;
    private static final int BURST = 5_000;
    private final Services servers = new Services();
    private TcpServer chat;
    private LineClient talker;
    private final List<LineClient> stayers = new ArrayList<>();
    private final List<LineClient> leavers = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        chat = servers.startChat(Limits.DEFAULT, ChatPeers.NO_FLOOD_CONTROL); // the talker floods on purpose
        List<LineClient> joined = new ArrayList<>();
        talker = join(servers, "talker", List.copyOf(joined));
        joined.add(talker);
        for (int i = 0; i < STAYERS + LEAVERS; i++) {
            LineClient p = join(servers, (i % 2 == 0 ? "stayer" : "leaver") + i, List.copyOf(joined));
            joined.add(p);
            (i % 2 == 0 ? stayers : leavers).add(p);
        }
    }

    @AfterEach
    void stop() {
        servers.close();
    }

    interface Leave {
        void leave(LineClient p) throws Exception;
    }

    /**
     * The talker sends a burst, one write per line; leaver j leaves once it has read message
     * 100 * (j + 1); every stayer must read the whole burst in order, and the leave notices.
     */
    private void burstWhileLeaving(Leave how) throws Exception {
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Integer>> stayed = new ArrayList<>();
            for (LineClient s : stayers) {
                stayed.add(pool.submit(() -> {
                    int notices = 0;
                    int next = 0;
                    while (next < BURST || notices < LEAVERS) {
                        String line = s.readLine();
                        assertThat(line).as("%s: end of stream", s).isNotNull();
                        if (line.startsWith("* ")) {
                            assertThat(line).matches("\\* leaver\\d+ has left the room");
                            notices++;
                        } else {
                            assertThat(line).isEqualTo("[talker] burst " + next);
                            next++;
                        }
                    }
                    return next;
                }));
            }
            List<Future<?>> left = new ArrayList<>();
            for (int j = 0; j < LEAVERS; j++) {
                LineClient l = leavers.get(j);
                String cue = "[talker] burst " + 100 * (j + 1);
                left.add(pool.submit(() -> {
                    l.readUntil(cue::equals, BURST + LEAVERS);
                    how.leave(l);
                    return null;
                }));
            }
            for (int i = 0; i < BURST; i++) {
                talker.sendLine("burst " + i);
            }
            for (Future<?> f : left) {
                f.get();
            }
            for (Future<Integer> f : stayed) {
                assertThat(f.get()).isEqualTo(BURST);
            }
        }
        Await.until("the leavers' connections to end", Duration.ofSeconds(5),
                () -> chat.stats().open() == 1 + STAYERS);
        assertThat(servers.hub.subscribers(Channel.of("lobby"))).isEqualTo(1 + STAYERS);
        assertThat(Net.closed(chat, CloseReason.HANDLER_ERROR)).isZero();
        ChatPeers.assertNothingPending(talker, stayers.toArray(LineClient[]::new));
    }

    @Test
    void membersResettingTheirConnectionsMidBurstDisturbNobody() throws Exception {
        burstWhileLeaving(LineClient::abort);
        // The kernel reports a reset once, to whichever asks first: the reader (IO_ERROR) or the
        // fan-out writer, whose failed write also closes with IO_ERROR unless the reader, now
        // seeing only end of stream, got there first (PEER_CLOSED). Which one is a race, so only
        // the sum is certain; that no other reason appears is what this test is for.
        assertThat(Net.closed(chat, CloseReason.IO_ERROR) + Net.closed(chat, CloseReason.PEER_CLOSED))
                .as(chat.stats().closed().toString()).isEqualTo(LEAVERS);
        assertThat(chat.stats().closedTotal()).as(chat.stats().closed().toString()).isEqualTo(LEAVERS);
    }

    @Test
    void membersQuittingMidBurstDisturbNobody() throws Exception {
        burstWhileLeaving(p -> {
            p.sendLine("/quit");
            p.readUntil("* bye"::equals, BURST + LEAVERS);
            p.readLinesToEnd(BURST + LEAVERS); // what was on its way as it left
            p.close();
        });
    }

    @Test
    void membersClosingCleanlyMidBurstAreGoneAtOnce() throws Exception {
        burstWhileLeaving(LineClient::close);
    }
}
