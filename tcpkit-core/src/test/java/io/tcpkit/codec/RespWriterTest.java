package io.tcpkit.codec;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class RespWriterTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final RespWriter writer = new RespWriter(out::write);

    private String written() {
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    @Test
    void encodesEveryReplyType() throws Exception {
        writer.simple("OK");
        writer.error("ERR bad\r\nthing");
        writer.integer(0);
        writer.integer(-42);
        writer.integer(Long.MIN_VALUE);
        writer.integer(Long.MAX_VALUE);
        writer.bulk("h\u00e9");
        writer.bulk((String) null);
        writer.arrayHeader(2);
        writer.raw(RespWriter.PONG);
        assertThat(written()).isEqualTo("+OK\r\n-ERR bad  thing\r\n:0\r\n:-42\r\n:-9223372036854775808\r\n"
                + ":9223372036854775807\r\n$3\r\nh\u00c3\u00a9\r\n$-1\r\n*2\r\n+PONG\r\n");
    }
}
