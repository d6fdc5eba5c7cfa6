package io.tcpkit.server.chat;

import io.tcpkit.CloseReason;
import io.tcpkit.Limits;
import io.tcpkit.TcpServer;
import io.tcpkit.server.hub.Channel;
import io.tcpkit.server.testing.Services;
import io.tcpkit.testing.Await;
import io.tcpkit.testing.LineClient;
import io.tcpkit.testing.Net;
import io.tcpkit.testing.RespClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.tcpkit.server.chat.ChatPeers.join;
import static io.tcpkit.server.chat.ChatPeers.repeat;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A receiver that stops reading while others keep talking is closed as a slow consumer once its
 * outbound queue overflows; the talkers never wait for it and everyone else gets everything.
 *
 * <p>The others read each batch before the next is sent, as people keeping up with a busy room
 * do; so only the receiver that stopped reading can fall {@link #MAX_OUTBOUND} behind.
 */
@Timeout(60)
class SlowConsumerTest {
    private static final int MAX_OUTBOUND = 64 * 1024;
    /** Small, so that the kernel buffers fill quickly when the client stops reading. */
    private static final int SLOW_RECEIVE_BUFFER = 4 * 1024;
    /** Messages of about 1 KiB per batch: well under {@link #MAX_OUTBOUND}. */
    private static final int BATCH = 16;
    /** Bounds the test: the slow consumer must be closed well before this many batches. */
    private static final int MAX_BATCHES = 2_000;
    private static final String FILLER = repeat('f', 1000);
    private final Services servers = new Services();

    @AfterEach
    void stop() {
        servers.close();
    }

    interface Batch {
        /** Sends messages [first, first + BATCH) and checks that everyone who reads got them. */
        void run(int first) throws Exception;
    }

    /** Runs batches until the server has closed a slow consumer, then a few more; returns how many. */
    private static int keepTalking(TcpServer server, Batch batch) throws Exception {
        int batches = 0;
        int stopAt = MAX_BATCHES;
        while (batches < stopAt) {
            batch.run(batches * BATCH);
            batches++;
            if (stopAt == MAX_BATCHES && Net.closed(server, CloseReason.SLOW_CONSUMER) > 0) {
                stopAt = batches + 5;
            }
        }
        assertThat(stopAt).as("a slow consumer closed within %d batches", MAX_BATCHES).isLessThan(MAX_BATCHES);
        return batches;
    }

    @Test
    void aChatMemberThatStopsReadingIsDisconnectedAndTheOthersMissNothing() throws Exception {
        // A talker the flood control would slow down long before any queue filled: no limit here.
        TcpServer chat = servers.startChat(Limits.DEFAULT.withMaxOutboundBytes(MAX_OUTBOUND), ChatPeers.NO_FLOOD_CONTROL);
        LineClient slow = join(servers.track(LineClient.connect(chat.port(), SLOW_RECEIVE_BUFFER, "slow")), List.of());
        LineClient talker = join(servers, "talker", List.of(slow));
        LineClient listener1 = join(servers, "listener1", List.of(slow, talker));
        LineClient listener2 = join(servers, "listener2", List.of(slow, talker, listener1));
        // From here on, slow reads nothing.
        List<LineClient> listeners = List.of(listener1, listener2);
        List<String> otherLines = new ArrayList<>();
        keepTalking(chat, first -> {
            for (int i = first; i < first + BATCH; i++) {
                talker.sendLine("message " + i + " " + FILLER);
            }
            for (LineClient listener : listeners) {
                for (int i = first; i < first + BATCH; i++) {
                    assertThat(nextTalkerLine(listener, otherLines)).isEqualTo("[talker] message " + i + " " + FILLER);
                }
            }
        });
        // The only other thing the listeners heard: slow left (maybe still on its way).
        while (otherLines.size() < listeners.size()) {
            otherLines.add(listeners.get(otherLines.size() % 2 == 0 ? 0 : 1).readLine());
        }
        assertThat(otherLines).containsExactly("* slow has left the room", "* slow has left the room");
        assertThat(Net.closed(chat, CloseReason.SLOW_CONSUMER)).isEqualTo(1);
        assertThat(Net.closed(chat, CloseReason.HANDLER_ERROR)).isZero();
        assertThat(slow.awaitClosedByServer()).isTrue();
        assertThat(servers.hub.subscribers(Channel.of("lobby"))).isEqualTo(3);
    }

    /** The next line from the talker; any other line read on the way is added to {@code others}. */
    private static String nextTalkerLine(LineClient listener, List<String> others) throws Exception {
        for (int skipped = 0; skipped < 3; skipped++) {
            String line = listener.readLine();
            assertThat(line).as("%s: a line, not end of stream", listener).isNotNull();
            if (line.startsWith("[talker] ")) {
                return line;
            }
            others.add(line);
        }
        throw new AssertionError(listener + ": nothing from the talker; other lines " + others);
    }

    @Test
    void aSubscriberThatStopsReadingIsDisconnectedAndPublishersNeverWait() throws Exception {
        TcpServer command = servers.startCommand(Limits.DEFAULT.withMaxOutboundBytes(MAX_OUTBOUND));
        RespClient slow = servers.track(RespClient.connect(command.port(), SLOW_RECEIVE_BUFFER, "slow"));
        RespClient fast = servers.commandClient("fast");
        RespClient publisher = servers.commandClient("publisher");
        for (RespClient p : List.of(slow, fast)) {
            p.command("SUBSCRIBE", "firehose");
            p.expectBytes("*3\r\n$9\r\nsubscribe\r\n$8\r\nfirehose\r\n:1\r\n");
        }
        List<Integer> receivers = new ArrayList<>();
        keepTalking(command, first -> {
            StringBuilder pipeline = new StringBuilder();
            for (int i = first; i < first + BATCH; i++) {
                pipeline.append(RespClient.encode("PUBLISH", "firehose", "message " + i + " " + FILLER));
            }
            publisher.send(pipeline.toString());
            for (int i = first; i < first + BATCH; i++) {
                String reply = publisher.readLine();
                assertThat(reply).isIn(":2\r", ":1\r");
                receivers.add(reply.charAt(1) - '0');
            }
            for (int i = first; i < first + BATCH; i++) {
                String payload = "message " + i + " " + FILLER;
                fast.expectBytes("*3\r\n$7\r\nmessage\r\n$8\r\nfirehose\r\n$" + payload.length() + "\r\n" + payload + "\r\n");
            }
        });
        // Two receivers until the slow one was dropped, one after; never back to two.
        int firstOne = receivers.indexOf(1);
        assertThat(firstOne).isPositive();
        assertThat(receivers.subList(firstOne, receivers.size())).containsOnly(1);
        assertThat(Net.closed(command, CloseReason.SLOW_CONSUMER)).isEqualTo(1);
        assertThat(Net.closed(command, CloseReason.HANDLER_ERROR)).isZero();
        assertThat(slow.awaitClosedByServer()).isTrue();
        Await.until("the slow subscription to be gone", Duration.ofSeconds(10),
                () -> servers.hub.subscribers(Channel.of("firehose")) == 1);
    }
}
