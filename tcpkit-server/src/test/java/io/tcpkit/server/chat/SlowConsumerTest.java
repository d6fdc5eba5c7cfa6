package io.tcpkit.server.chat;

import io.tcpkit.server.hub.Channel;
import io.tcpkit.CloseReason;
import io.tcpkit.Limits;
import io.tcpkit.TcpServer;
import io.tcpkit.server.hub.HubServers;
import io.tcpkit.server.hub.Peer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
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
    private final HubServers servers = new HubServers();

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
            if (stopAt == MAX_BATCHES && HubServers.closed(server, CloseReason.SLOW_CONSUMER) > 0) {
                stopAt = batches + 5;
            }
        }
        assertThat(stopAt).as("a slow consumer closed within %d batches", MAX_BATCHES).isLessThan(MAX_BATCHES);
        return batches;
    }

    @Test
    void aChatMemberThatStopsReadingIsDisconnectedAndTheOthersMissNothing() throws Exception {
        // A talker the flood control would slow down long before any queue filled: no limit here.
        TcpServer chat = servers.startChat(Limits.DEFAULT.withMaxOutboundBytes(MAX_OUTBOUND),
                new ChatLimits(1_000_000, 1_000_000_000, 1));
        Peer slow = join(servers.track(Peer.connect(chat.port(), SLOW_RECEIVE_BUFFER, "slow")), List.of());
        Peer talker = join(servers, "talker", List.of(slow));
        Peer listener1 = join(servers, "listener1", List.of(slow, talker));
        Peer listener2 = join(servers, "listener2", List.of(slow, talker, listener1));
        // From here on, slow reads nothing.
        List<Peer> listeners = List.of(listener1, listener2);
        List<String> otherLines = new ArrayList<>();
        keepTalking(chat, first -> {
            for (int i = first; i < first + BATCH; i++) {
                talker.sendLine("message " + i + " " + FILLER);
            }
            for (Peer listener : listeners) {
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
        assertThat(HubServers.closed(chat, CloseReason.SLOW_CONSUMER)).isEqualTo(1);
        assertThat(HubServers.closed(chat, CloseReason.HANDLER_ERROR)).isZero();
        assertThat(slow.awaitClosedByServer()).isTrue();
        assertThat(servers.hub.subscribers(Channel.of("lobby"))).isEqualTo(3);
    }

    /** The next line from the talker; any other line read on the way is added to {@code others}. */
    private static String nextTalkerLine(Peer listener, List<String> others) throws Exception {
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
        Peer slow = servers.track(Peer.connect(command.port(), SLOW_RECEIVE_BUFFER, "slow"));
        Peer fast = servers.commandPeer("fast");
        Peer publisher = servers.commandPeer("publisher");
        for (Peer p : List.of(slow, fast)) {
            p.sendCommand("SUBSCRIBE", "firehose");
            p.expectBytes("*3\r\n$9\r\nsubscribe\r\n$8\r\nfirehose\r\n:1\r\n");
        }
        List<Integer> receivers = new ArrayList<>();
        keepTalking(command, first -> {
            ByteArrayOutputStream pipeline = new ByteArrayOutputStream();
            for (int i = first; i < first + BATCH; i++) {
                pipeline.writeBytes(Peer.resp("PUBLISH", "firehose", "message " + i + " " + FILLER));
            }
            publisher.sendBytes(pipeline.toByteArray());
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
        assertThat(HubServers.closed(command, CloseReason.SLOW_CONSUMER)).isEqualTo(1);
        assertThat(HubServers.closed(command, CloseReason.HANDLER_ERROR)).isZero();
        assertThat(slow.awaitClosedByServer()).isTrue();
        HubServers.await("the slow subscription to be gone", Duration.ofSeconds(10),
                () -> servers.hub.subscribers(Channel.of("firehose")) == 1);
    }
}
