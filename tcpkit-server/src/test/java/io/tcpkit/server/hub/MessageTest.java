package io.tcpkit.server.hub;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** One message, two encodings: the line people read and the RESP frames programs read. */
@Timeout(10)
class MessageTest {

    private static String utf8(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    @Test
    void aChatLineIsTheSameTextForPeopleAndPrograms() {
        Message m = Message.chat(Channel.of("lobby"), "alice", "hi there");
        assertThat(m.room()).isEqualTo(Channel.of("lobby"));
        assertThat(utf8(m.line())).isEqualTo("[alice] hi there\n");
        assertThat(utf8(m.payload())).isEqualTo("[alice] hi there");
        assertThat(utf8(m.resp())).isEqualTo("*3\r\n$7\r\nmessage\r\n$5\r\nlobby\r\n$16\r\n[alice] hi there\r\n");
        assertThat(utf8(m.resp(Glob.of("lob*"))))
                .isEqualTo("*4\r\n$8\r\npmessage\r\n$4\r\nlob*\r\n$5\r\nlobby\r\n$16\r\n[alice] hi there\r\n");
    }

    @Test
    void aChatLineIsSanitizedInBothEncodings() {
        Message m = Message.chat(Channel.of("lobby"), "alice", "evil\u001b[2J\r\n");
        assertThat(utf8(m.line())).isEqualTo("[alice] evil?[2J??\n");
        assertThat(utf8(m.resp())).isEqualTo("*3\r\n$7\r\nmessage\r\n$5\r\nlobby\r\n$18\r\n[alice] evil?[2J??\r\n");
    }

    @Test
    void noticesAndActions() {
        Message n = Message.notice(Channel.of("dev"), "bob has entered the room");
        assertThat(utf8(n.line())).isEqualTo("* bob has entered the room\n");
        assertThat(utf8(n.resp())).isEqualTo("*3\r\n$7\r\nmessage\r\n$3\r\ndev\r\n$26\r\n* bob has entered the room\r\n");
        Message a = Message.action(Channel.of("dev"), "bob", "waves\u0007");
        assertThat(utf8(a.line())).isEqualTo("* bob waves?\n");
        assertThat(utf8(a.payload())).isEqualTo("* bob waves?");
    }

    @Test
    void aPublishedPayloadIsVerbatimForProgramsAndASafeLineForPeople() {
        byte[] payload = {'o', 'k', '\r', '\n', 0, (byte) 0x9b, 0x1b, '[', 'm'};
        Message m = Message.published(Channel.of("lobby"), "client7", payload);
        assertThat(m.payload()).isEqualTo(payload);
        assertThat(utf8(m.line())).isEqualTo("[client7] ok???\ufffd?[m\n");
        byte[] head = "*3\r\n$7\r\nmessage\r\n$5\r\nlobby\r\n$9\r\n".getBytes(StandardCharsets.US_ASCII);
        byte[] expected = new byte[head.length + payload.length + 2];
        System.arraycopy(head, 0, expected, 0, head.length);
        System.arraycopy(payload, 0, expected, head.length, payload.length);
        expected[expected.length - 2] = '\r';
        expected[expected.length - 1] = '\n';
        assertThat(m.resp()).isEqualTo(expected);
    }

    @Test
    void lengthsCountBytesNotCharacters() {
        Message m = Message.published(Channel.of("caf\u00e9"), "p", "\u00e9\ud83d\ude00".getBytes(StandardCharsets.UTF_8));
        assertThat(utf8(m.resp())).isEqualTo("*3\r\n$7\r\nmessage\r\n$5\r\ncaf\u00e9\r\n$6\r\n\u00e9\ud83d\ude00\r\n");
        assertThat(utf8(m.resp(Glob.of("caf?"))))
                .isEqualTo("*4\r\n$8\r\npmessage\r\n$4\r\ncaf?\r\n$5\r\ncaf\u00e9\r\n$6\r\n\u00e9\ud83d\ude00\r\n");
        assertThat(utf8(m.line())).isEqualTo("[p] \u00e9\ud83d\ude00\n");
    }

    @Test
    void anEmptyPayloadIsAnEmptyBulkString() {
        Message m = Message.published(Channel.of("r"), "p", new byte[0]);
        assertThat(utf8(m.resp())).isEqualTo("*3\r\n$7\r\nmessage\r\n$1\r\nr\r\n$0\r\n\r\n");
        assertThat(utf8(m.line())).isEqualTo("[p] \n");
    }

    @Test
    void encodingsAreMadeOnceAndShared() {
        Message m = Message.chat(Channel.of("lobby"), "alice", "hi");
        assertThat(m.resp()).isSameAs(m.resp());
        assertThat(m.line()).isSameAs(m.line());
    }
}
