package io.tcpkit.server.hub;

import io.tcpkit.CloseReason;
import io.tcpkit.Limits;
import io.tcpkit.TcpServer;
import io.tcpkit.server.testing.Services;
import io.tcpkit.testing.Await;
import io.tcpkit.testing.Net;
import io.tcpkit.testing.RespClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SUBSCRIBE, PSUBSCRIBE, UNSUBSCRIBE, PUNSUBSCRIBE, PUBLISH and PUBSUB on the command protocol,
 * byte for byte in Redis's RESP2 reply shapes.
 */
@Timeout(30)
class PubSubProtocolTest {
    private static final String NOT_IN_SUBSCRIBED_MODE = "-ERR Can't execute '%s': only (P|S)SUBSCRIBE / "
            + "(P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context\r\n";
    private Services servers;
    private TcpServer command;
    private RespClient sub;
    private RespClient pub;

    @BeforeEach
    void start() throws Exception {
        servers = new Services();
        command = servers.startCommand(Limits.DEFAULT);
        sub = servers.commandClient("sub");
        pub = servers.commandClient("pub");
    }

    @AfterEach
    void stop() {
        servers.close();
    }

    static String bulk(String s) {
        return RespClient.bulk(s);
    }

    static String confirm(String kind, String name, int count) {
        return "*3\r\n" + bulk(kind) + bulk(name) + ":" + count + "\r\n";
    }

    static String message(String room, String payload) {
        return "*3\r\n" + bulk("message") + bulk(room) + bulk(payload);
    }

    static String pmessage(String pattern, String room, String payload) {
        return "*4\r\n" + bulk("pmessage") + bulk(pattern) + bulk(room) + bulk(payload);
    }

    @Test
    void subscribeConfirmsEachRoomWithTheNumberOfSubscriptions() throws Exception {
        sub.command("SUBSCRIBE", "a", "b");
        sub.expectBytes("*3\r\n$9\r\nsubscribe\r\n$1\r\na\r\n:1\r\n");
        sub.expectBytes("*3\r\n$9\r\nsubscribe\r\n$1\r\nb\r\n:2\r\n");
        sub.command("SUBSCRIBE", "a", "c"); // again: no new subscription, the count stays
        sub.expectBytes(confirm("subscribe", "a", 2) + confirm("subscribe", "c", 3));
    }

    @Test
    void inlineSubscribeFromATerminalGetsTheSameReplies() throws Exception {
        sub.send("SUBSCRIBE a b\r\n");
        sub.expectBytes(confirm("subscribe", "a", 1) + confirm("subscribe", "b", 2));
    }

    @Test
    void publishRepliesWithTheReceiverCountAndSubscribersGetMessageFrames() throws Exception {
        RespClient sub2 = servers.commandClient("sub2");
        sub.command("SUBSCRIBE", "news");
        sub.expectBytes(confirm("subscribe", "news", 1));
        pub.command("PUBLISH", "news", "hello");
        pub.expectBytes(":1\r\n");
        sub.expectBytes("*3\r\n$7\r\nmessage\r\n$4\r\nnews\r\n$5\r\nhello\r\n");

        sub2.command("SUBSCRIBE", "news");
        sub2.expectBytes(confirm("subscribe", "news", 1));
        pub.command("PUBLISH", "news", "two");
        pub.expectBytes(":2\r\n");
        sub.expectBytes(message("news", "two"));
        sub2.expectBytes(message("news", "two"));

        pub.command("PUBLISH", "nobody-here", "x");
        pub.expectBytes(":0\r\n");
    }

    @Test
    void payloadsReachProgramsVerbatimEvenBinary() throws Exception {
        sub.command("SUBSCRIBE", "bin");
        sub.expectBytes(confirm("subscribe", "bin", 1));
        String payload = "line1\r\nline2\u0000\u001b[2J caf\u00e9";
        pub.command("PUBLISH", "bin", payload);
        pub.expectBytes(":1\r\n");
        sub.expectBytes(message("bin", payload));
        // Invalid UTF-8 too: the bytes are passed through untouched.
        ByteArrayOutputStream request = new ByteArrayOutputStream();
        request.writeBytes("*3\r\n$7\r\nPUBLISH\r\n$3\r\nbin\r\n$3\r\n".getBytes(StandardCharsets.US_ASCII));
        request.writeBytes(new byte[] {(byte) 0x9b, (byte) 0xff, 0x00});
        request.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        pub.sendBytes(request.toByteArray());
        pub.expectBytes(":1\r\n");
        byte[] expected = new byte[] {'*', '3', '\r', '\n', '$', '7', '\r', '\n', 'm', 'e', 's', 's', 'a', 'g', 'e',
                '\r', '\n', '$', '3', '\r', '\n', 'b', 'i', 'n', '\r', '\n', '$', '3', '\r', '\n',
                (byte) 0x9b, (byte) 0xff, 0x00, '\r', '\n'};
        byte[] got = sub.readExactly(expected.length);
        assertThat(got).isEqualTo(expected);
    }

    @Test
    void psubscribeDeliversPmessageFramesForMatchingRooms() throws Exception {
        sub.command("PSUBSCRIBE", "news.*");
        sub.expectBytes("*3\r\n$10\r\npsubscribe\r\n$6\r\nnews.*\r\n:1\r\n");
        pub.command("PUBLISH", "news.tech", "hi");
        pub.expectBytes(":1\r\n");
        sub.expectBytes("*4\r\n$8\r\npmessage\r\n$6\r\nnews.*\r\n$9\r\nnews.tech\r\n$2\r\nhi\r\n");
        pub.command("PUBLISH", "sports", "no");
        pub.expectBytes(":0\r\n");

        // Subscribed to a room and to a pattern matching it: both frames, two receivers (as Redis).
        sub.command("SUBSCRIBE", "news.art");
        sub.expectBytes(confirm("subscribe", "news.art", 2));
        pub.command("PUBLISH", "news.art", "both");
        pub.expectBytes(":2\r\n");
        sub.expectBytes(message("news.art", "both") + pmessage("news.*", "news.art", "both"));

        sub.command("PSUBSCRIBE", "h?llo", "x[ab]y");
        sub.expectBytes(confirm("psubscribe", "h?llo", 3) + confirm("psubscribe", "x[ab]y", 4));
        pub.command("PUBLISH", "hallo", "1");
        pub.expectBytes(":1\r\n");
        pub.command("PUBLISH", "xcy", "2");
        pub.expectBytes(":0\r\n");
        pub.command("PUBLISH", "xby", "3");
        pub.expectBytes(":1\r\n");
        sub.expectBytes(pmessage("h?llo", "hallo", "1") + pmessage("x[ab]y", "xby", "3"));
    }

    @Test
    void unsubscribeWithoutArgumentsLeavesEveryRoomAndThenNormalCommandsWork() throws Exception {
        sub.command("SUBSCRIBE", "a", "b");
        sub.expectBytes(confirm("subscribe", "a", 1) + confirm("subscribe", "b", 2));
        sub.command("PSUBSCRIBE", "p*");
        sub.expectBytes(confirm("psubscribe", "p*", 3));
        sub.command("UNSUBSCRIBE");
        sub.expectBytes("*3\r\n$11\r\nunsubscribe\r\n$1\r\na\r\n:2\r\n*3\r\n$11\r\nunsubscribe\r\n$1\r\nb\r\n:1\r\n");
        // Still subscribed to a pattern: still in subscribed mode.
        sub.command("ECHO", "x");
        sub.expectBytes(String.format(NOT_IN_SUBSCRIBED_MODE, "echo"));
        sub.command("PUNSUBSCRIBE");
        sub.expectBytes("*3\r\n$12\r\npunsubscribe\r\n$2\r\np*\r\n:0\r\n");
        sub.command("ECHO", "back");
        sub.expectBytes("$4\r\nback\r\n");
        sub.command("PING");
        sub.expectBytes("+PONG\r\n");
        pub.command("PUBLISH", "a", "gone");
        pub.expectBytes(":0\r\n");

        // With nothing to leave: a null room and a count of zero, as Redis.
        sub.command("UNSUBSCRIBE");
        sub.expectBytes("*3\r\n$11\r\nunsubscribe\r\n$-1\r\n:0\r\n");
        sub.command("PUNSUBSCRIBE");
        sub.expectBytes("*3\r\n$12\r\npunsubscribe\r\n$-1\r\n:0\r\n");
        sub.command("ECHO", "still normal");
        sub.expectBytes(bulk("still normal"));
    }

    @Test
    void unsubscribeFromSomeRoomsKeepsTheOthers() throws Exception {
        sub.command("SUBSCRIBE", "a", "b", "c");
        sub.expectBytes(confirm("subscribe", "a", 1) + confirm("subscribe", "b", 2) + confirm("subscribe", "c", 3));
        sub.command("UNSUBSCRIBE", "b", "zz");
        sub.expectBytes(confirm("unsubscribe", "b", 2) + confirm("unsubscribe", "zz", 2));
        pub.command("PUBLISH", "b", "no");
        pub.expectBytes(":0\r\n");
        pub.command("PUBLISH", "c", "yes");
        pub.expectBytes(":1\r\n");
        sub.expectBytes(message("c", "yes"));
    }

    @Test
    void whileSubscribedOnlyPubSubPingAndQuitAreAllowed() throws Exception {
        sub.command("SUBSCRIBE", "a");
        sub.expectBytes(confirm("subscribe", "a", 1));
        sub.command("ECHO", "hi");
        sub.expectBytes(String.format(NOT_IN_SUBSCRIBED_MODE, "echo"));
        sub.command("PUBLISH", "a", "self");
        sub.expectBytes(String.format(NOT_IN_SUBSCRIBED_MODE, "publish"));
        sub.send("ECHO inline\r\n");
        sub.expectBytes(String.format(NOT_IN_SUBSCRIBED_MODE, "echo"));
        sub.command("PING");
        sub.expectBytes("*2\r\n$4\r\npong\r\n$0\r\n\r\n");
        sub.command("PING", "are you there");
        sub.expectBytes("*2\r\n$4\r\npong\r\n$13\r\nare you there\r\n");
        // Replies and messages share one ordered stream.
        pub.command("PUBLISH", "a", "m1");
        pub.expectBytes(":1\r\n");
        sub.expectBytes(message("a", "m1"));
        sub.command("PING");
        sub.expectBytes("*2\r\n$4\r\npong\r\n$0\r\n\r\n");
        sub.command("QUIT");
        sub.expectBytes("+OK\r\n");
        sub.expectEof();
        Await.until("the subscription to end with the connection", Duration.ofSeconds(10),
                () -> servers.hub.subscribers(Channel.of("a")) == 0);
        pub.command("PUBLISH", "a", "m2");
        pub.expectBytes(":0\r\n");
    }

    @Test
    void pubsubDescribesRoomsAndSubscriptions() throws Exception {
        RespClient sub2 = servers.commandClient("sub2");
        sub.command("SUBSCRIBE", "a", "news.tech");
        sub.expectBytes(confirm("subscribe", "a", 1) + confirm("subscribe", "news.tech", 2));
        sub2.command("SUBSCRIBE", "a", "b");
        sub2.expectBytes(confirm("subscribe", "a", 1) + confirm("subscribe", "b", 2));
        sub2.command("PSUBSCRIBE", "x*");
        sub2.expectBytes(confirm("psubscribe", "x*", 3));

        pub.command("PUBSUB", "CHANNELS");
        pub.expectBytes("*3\r\n$1\r\na\r\n$1\r\nb\r\n$9\r\nnews.tech\r\n");
        pub.command("PUBSUB", "channels", "news.*");
        pub.expectBytes("*1\r\n$9\r\nnews.tech\r\n");
        pub.command("PUBSUB", "CHANNELS", "nothing*");
        pub.expectBytes("*0\r\n");
        pub.command("PUBSUB", "NUMSUB", "a", "b", "zz");
        pub.expectBytes("*6\r\n$1\r\na\r\n:2\r\n$1\r\nb\r\n:1\r\n$2\r\nzz\r\n:0\r\n");
        pub.command("PUBSUB", "NUMSUB");
        pub.expectBytes("*0\r\n");
        pub.command("PUBSUB", "NUMPAT");
        pub.expectBytes(":1\r\n");

        sub2.close();
        Await.until("sub2's subscriptions to go", Duration.ofSeconds(10), () -> servers.hub.patterns() == 0
                && servers.hub.subscribers(Channel.of("b")) == 0 && servers.hub.subscribers(Channel.of("a")) == 1);
        pub.command("PUBSUB", "CHANNELS");
        pub.expectBytes("*2\r\n$1\r\na\r\n$9\r\nnews.tech\r\n");
        pub.command("PUBSUB", "NUMPAT");
        pub.expectBytes(":0\r\n");
    }

    @Test
    void aSubscriptionIsInForceOnceItsConfirmationArrives() throws Exception {
        // Redis order: a client that has read "subscribe" may have the room published to at once.
        for (int i = 0; i < 200; i++) {
            String room = "room" + i;
            sub.command("SUBSCRIBE", room);
            sub.expectBytes(confirm("subscribe", room, 1));
            pub.command("PUBLISH", room, "m" + i);
            pub.expectBytes(":1\r\n");
            sub.expectBytes(message(room, "m" + i));
            sub.command("UNSUBSCRIBE", room);
            sub.expectBytes(confirm("unsubscribe", room, 0));
        }
    }

    @Test
    void thousandsOfMessagesArriveInOrder() throws Exception {
        sub.command("SUBSCRIBE", "firehose");
        sub.expectBytes(confirm("subscribe", "firehose", 1));
        int n = 3000;
        StringBuilder pipeline = new StringBuilder();
        StringBuilder expectedReplies = new StringBuilder();
        StringBuilder expectedMessages = new StringBuilder();
        for (int i = 0; i < n; i++) {
            pipeline.append(RespClient.encode("PUBLISH", "firehose", "message number " + i));
            expectedReplies.append(":1\r\n");
            expectedMessages.append(message("firehose", "message number " + i));
        }
        pub.send(pipeline.toString());
        pub.expectBytes(expectedReplies.toString());
        sub.expectBytes(expectedMessages.toString());
    }

    @Test
    void aBadGlobIsNotAHandlerError() throws Exception {
        // Redis: "[]" matches nothing, "[^]" any one character, "[z-a]" is the range a to z.
        sub.command("PSUBSCRIBE", "[]", "[^]", "[z-a]");
        sub.expectBytes(confirm("psubscribe", "[]", 1) + confirm("psubscribe", "[^]", 2)
                + confirm("psubscribe", "[z-a]", 3));
        pub.command("PUBLISH", "q", "hi");
        pub.expectBytes(":2\r\n");
        // One pmessage per matching pattern, in no particular order (Redis 7 keeps patterns in a dict).
        String one = pmessage("[^]", "q", "hi");
        String other = pmessage("[z-a]", "q", "hi");
        String got = new String(sub.readExactly(one.length() + other.length()), StandardCharsets.ISO_8859_1);
        assertThat(got).isIn(one + other, other + one);
        pub.command("PUBSUB", "CHANNELS", "[]");
        pub.expectBytes("*0\r\n");
        pub.command("PUBSUB", "CHANNELS", "[z-a");
        pub.expectBytes("*0\r\n");
        assertThat(Net.closed(command, CloseReason.HANDLER_ERROR)).isZero();
    }
}
