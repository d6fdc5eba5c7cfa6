package io.tcpkit.server.hub;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** What instances send each other through Redis: read back exactly, and anything else dropped. */
class RelayedTest {
    @Test
    void aMessageComesBackWithTheSameFramesForPeopleAndPrograms() {
        Message sent = Message.published(Channel.of(new byte[] {'r', (byte) 0xff}), "client#7",
                "hi\u001b[2J".getBytes(StandardCharsets.UTF_8));
        Relayed r = Relayed.parse(Relayed.message("0123456789abcdef", sent));
        assertThat(r.kind()).isEqualTo(Relayed.MESSAGE);
        assertThat(r.origin()).isEqualTo("0123456789abcdef");
        assertThat(r.message().room()).isEqualTo(sent.room());
        assertThat(r.message().payload()).isEqualTo(sent.payload());
        assertThat(r.message().line()).isEqualTo(sent.line());
        assertThat(r.message().resp()).isEqualTo(sent.resp());
        assertThat(r.message().resp(Glob.of("r*"))).isEqualTo(sent.resp(Glob.of("r*")));
    }

    @Test
    void aPingCarriesItsSequence() {
        Relayed r = Relayed.parse(Relayed.ping("id", 42));
        assertThat(r.kind()).isEqualTo(Relayed.PING);
        assertThat(r.origin()).isEqualTo("id");
        assertThat(r.ping()).isEqualTo(42);
    }

    @Test
    void whatIsNotOursIsDropped() {
        byte[] good = Relayed.message("id", Message.notice(Channel.of("lobby"), "x"));
        assertThat(Relayed.parse(new byte[0])).isNull();
        assertThat(Relayed.parse("hello".getBytes(StandardCharsets.US_ASCII))).isNull();
        assertThat(Relayed.parse(java.util.Arrays.copyOf(good, good.length - 1))).isNull();
        byte[] huge = good.clone();
        huge[1] = 0x7f; // origin length 2 GB
        assertThat(Relayed.parse(huge)).isNull();
        byte[] negative = good.clone();
        negative[1] = (byte) 0xff;
        assertThat(Relayed.parse(negative)).isNull();
    }
}
