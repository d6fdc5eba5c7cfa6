package io.tcpkit.server.command;

import io.tcpkit.testing.RespClient;
import io.tcpkit.server.testing.Services;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Channel names, patterns and payloads are bytes from end to end, as in Redis: names that are not
 * UTF-8 stay apart, come back exactly as sent, and '?' takes one byte. Strings here are ISO-8859-1,
 * so "\u00ff" is the byte 0xff.
 */
@Timeout(30)
class ChannelBytesTest {
    private Services server;
    private RespClient sub;
    private RespClient pub;

    @BeforeEach
    void start() throws IOException {
        server = Services.withCommand();
        sub = server.commandClient();
        pub = server.commandClient();
    }

    @AfterEach
    void stop() throws IOException {
        sub.close();
        pub.close();
        server.close();
    }

    /** Sends a command and returns its first {@code n} replies, exactly as sent. */
    private static String replies(RespClient peer, int n, String... command) throws IOException {
        peer.command(command);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append(peer.reply());
        }
        return sb.toString();
    }

    private static String confirm(String kind, String name, int count) {
        return "*3\r\n$" + kind.length() + "\r\n" + kind + "\r\n$" + latin1(name).length + "\r\n" + name
                + "\r\n:" + count + "\r\n";
    }

    @Test
    void namesThatAreNotUtf8AreDifferentChannels() throws IOException {
        assertThat(sub.call("SUBSCRIBE", "\u00ff")).isEqualTo(confirm("subscribe", "\u00ff", 1));
        assertThat(pub.call("PUBLISH", "\u00fe", "secret")).isEqualTo(":0\r\n");
        assertThat(pub.call("PUBLISH", "\u00ff", "hi\u0000\u00ff")).isEqualTo(":1\r\n");
        assertThat(sub.reply()).isEqualTo("*3\r\n$7\r\nmessage\r\n$1\r\n\u00ff\r\n$4\r\nhi\u0000\u00ff\r\n");
        assertThat(pub.call("PUBSUB", "CHANNELS")).isEqualTo("*1\r\n$1\r\n\u00ff\r\n");
        assertThat(pub.call("PUBSUB", "NUMSUB", "\u00ff", "\u00fe"))
                .isEqualTo("*4\r\n$1\r\n\u00ff\r\n:1\r\n$1\r\n\u00fe\r\n:0\r\n");
        assertThat(replies(sub, 2, "UNSUBSCRIBE", "\u00fe", "\u00ff"))
                .isEqualTo(confirm("unsubscribe", "\u00fe", 1) + confirm("unsubscribe", "\u00ff", 0));
    }

    @Test
    void aQuestionMarkTakesOneByteAndPatternsComeBackAsSent() throws IOException {
        String cafe = "caf\u00c3\u00a9"; // "café" in UTF-8: five bytes
        assertThat(replies(sub, 3, "PSUBSCRIBE", "caf?", "caf??", "\u00e9*")).isEqualTo(confirm("psubscribe", "caf?", 1)
                + confirm("psubscribe", "caf??", 2) + confirm("psubscribe", "\u00e9*", 3));
        assertThat(pub.call("PUBLISH", cafe, "x")).isEqualTo(":1\r\n");
        assertThat(sub.reply()).isEqualTo("*4\r\n$8\r\npmessage\r\n$5\r\ncaf??\r\n$5\r\n" + cafe + "\r\n$1\r\nx\r\n");
        assertThat(pub.call("PUBLISH", "\u00e9t\u00e9", "y")).isEqualTo(":1\r\n");
        assertThat(sub.reply()).isEqualTo("*4\r\n$8\r\npmessage\r\n$2\r\n\u00e9*\r\n$3\r\n\u00e9t\u00e9\r\n$1\r\ny\r\n");
        assertThat(sub.call("PUNSUBSCRIBE", "\u00e9*")).isEqualTo(confirm("punsubscribe", "\u00e9*", 2));
    }

    @Test
    void pubsubChannelsMatchesBytes() throws IOException {
        replies(sub, 3, "SUBSCRIBE", "\u00fe", "\u00ff", "a");
        assertThat(pub.call("PUBSUB", "CHANNELS", "\u00ff")).isEqualTo("*1\r\n$1\r\n\u00ff\r\n");
        assertThat(pub.call("PUBSUB", "CHANNELS", "?")).isEqualTo("*3\r\n$1\r\na\r\n$1\r\n\u00fe\r\n$1\r\n\u00ff\r\n");
        assertThat(pub.call("PUBSUB", "CHANNELS", "[\u00fe]")).isEqualTo("*1\r\n$1\r\n\u00fe\r\n");
    }

    @Test
    void namesAndPatternsHaveALengthLimit() throws IOException {
        String longest = "c".repeat(1024);
        assertThat(pub.call("PUBLISH", longest, "x")).isEqualTo(":0\r\n");
        assertThat(pub.call("PUBLISH", longest + "c", "x")).isEqualTo("-ERR channel name longer than 1024 bytes\r\n");
        assertThat(sub.call("SUBSCRIBE", "a", longest + "c")).isEqualTo("-ERR channel name longer than 1024 bytes\r\n");
        assertThat(pub.call("PUBSUB", "NUMSUB", "a")).as("nothing was subscribed").isEqualTo("*2\r\n$1\r\na\r\n:0\r\n");
        String pattern = "?".repeat(256);
        assertThat(sub.call("PSUBSCRIBE", pattern)).isEqualTo(confirm("psubscribe", pattern, 1));
        assertThat(pub.call("PUBLISH", "x".repeat(256), "y")).isEqualTo(":1\r\n");
        assertThat(sub.call("PSUBSCRIBE", "?".repeat(50_000)).startsWith("*4\r\n$8\r\npmessage\r\n")).isTrue();
        assertThat(sub.reply()).isEqualTo("-ERR pattern longer than 256 bytes\r\n");
        assertThat(pub.call("PUBSUB", "CHANNELS", "*".repeat(257))).isEqualTo("-ERR pattern longer than 256 bytes\r\n");
    }

    private static byte[] latin1(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    private static String latin1(byte[] b) {
        return new String(b, java.nio.charset.StandardCharsets.ISO_8859_1);
    }
}
