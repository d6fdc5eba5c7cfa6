package io.tcpkit.codec;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** RESP2 and RESP3 reply encodings, byte for byte. */
@Timeout(10)
class RespWriterTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final RespWriter writer = new RespWriter(out::write);

    private String written() {
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    @Test
    void simpleStrings() throws Exception {
        writer.simple("OK");
        writer.simple("");
        writer.simple("two\r\nlines\nand\rmore");
        assertThat(written()).isEqualTo("+OK\r\n+\r\n+two  lines and more\r\n");
    }

    @Test
    void errorsCannotBreakTheLine() throws Exception {
        writer.error("ERR bad\r\nthing");
        writer.error("WRONGTYPE x\ny");
        assertThat(written()).isEqualTo("-ERR bad  thing\r\n-WRONGTYPE x y\r\n");
    }

    @Test
    void integers() throws Exception {
        writer.integer(0);
        writer.integer(7);
        writer.integer(-1);
        writer.integer(-42);
        writer.integer(1_000_000_007L);
        writer.integer(Long.MIN_VALUE);
        writer.integer(Long.MAX_VALUE);
        assertThat(written()).isEqualTo(":0\r\n:7\r\n:-1\r\n:-42\r\n:1000000007\r\n"
                + ":-9223372036854775808\r\n:9223372036854775807\r\n");
    }

    @Test
    void bulkStringsAreLengthPrefixedAndBinarySafe() throws Exception {
        writer.bulk("hello");
        writer.bulk("");
        writer.bulk("h\u00e9"); // UTF-8: the length counts bytes, not characters
        writer.bulk(new byte[] {'\r', '\n', 0, (byte) 0xff});
        writer.bulk(new byte[] {'x', 'a', 'b', 'c', 'y'}, 1, 3);
        assertThat(written()).isEqualTo("$5\r\nhello\r\n$0\r\n\r\n$3\r\nh\u00c3\u00a9\r\n$4\r\n\r\n\0\u00ff\r\n$3\r\nabc\r\n");
    }

    @Test
    void nullBulkStrings() throws Exception {
        writer.nullBulk();
        writer.bulk((String) null);
        assertThat(written()).isEqualTo("$-1\r\n$-1\r\n");
    }

    @Test
    void arrayHeadersAndRawConstants() throws Exception {
        writer.arrayHeader(2);
        writer.raw(RespWriter.PONG);
        writer.raw(RespWriter.OK);
        writer.arrayHeader(0);
        writer.arrayHeader(1_000_000);
        writer.raw(RespWriter.NULL_ARRAY);
        writer.raw(RespWriter.EMPTY_ARRAY);
        writer.raw(RespWriter.NULL_BULK);
        assertThat(written()).isEqualTo("*2\r\n+PONG\r\n+OK\r\n*0\r\n*1000000\r\n*-1\r\n*0\r\n$-1\r\n");
    }

    @Test
    void aWriterIsReusableAfterLongNumbers() throws Exception {
        // The scratch array is shared: a short number after a long one must not carry digits over.
        writer.integer(Long.MIN_VALUE);
        writer.integer(5);
        writer.bulk("x");
        assertThat(written()).isEqualTo(":-9223372036854775808\r\n:5\r\n$1\r\nx\r\n");
    }

    /** Each RESP3 type, then the same calls in RESP2, where they write what Redis writes to a RESP2 client. */
    private void everyResp3Type() throws Exception {
        writer.mapHeader(2);
        writer.setHeader(3);
        writer.pushHeader(3);
        writer.nullBulk();
        writer.nullArray();
        writer.bulk((String) null);
        writer.bool(true);
        writer.bool(false);
        writer.doubleValue(1.5);
        writer.doubleValue(3);
        writer.doubleValue(Double.NEGATIVE_INFINITY);
        writer.verbatim("id=1 name=x\n");
    }

    @Test
    void resp3TypesInResp3() throws Exception {
        writer.protocol(3);
        everyResp3Type();
        assertThat(written()).isEqualTo("%2\r\n~3\r\n>3\r\n_\r\n_\r\n_\r\n#t\r\n#f\r\n,1.5\r\n,3\r\n,-inf\r\n"
                + "=16\r\ntxt:id=1 name=x\n\r\n");
        assertThat(writer.protocol()).isEqualTo(3);
    }

    @Test
    void resp3TypesInResp2AreWhatRedisWritesToAResp2Client() throws Exception {
        everyResp3Type();
        assertThat(written()).isEqualTo("*4\r\n*3\r\n*3\r\n$-1\r\n*-1\r\n$-1\r\n:1\r\n:0\r\n$3\r\n1.5\r\n$1\r\n3\r\n"
                + "$4\r\n-inf\r\n$12\r\nid=1 name=x\n\r\n");
        assertThat(writer.protocol()).isEqualTo(2);
    }

    @Test
    void onlyVersionsTwoAndThreeExist() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> writer.protocol(1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void doublesAreWrittenAsRedisWritesThem() {
        assertThat(RespWriter.formatDouble(1.5)).isEqualTo("1.5");
        assertThat(RespWriter.formatDouble(0.1)).isEqualTo("0.1");
        assertThat(RespWriter.formatDouble(-3)).isEqualTo("-3");
        assertThat(RespWriter.formatDouble(1e20)).isEqualTo("1e+20");
        assertThat(RespWriter.formatDouble(-1.25e-5)).isEqualTo("-1.25e-5");
        assertThat(RespWriter.formatDouble(1e-5)).isEqualTo("0.00001");
        assertThat(RespWriter.formatDouble(-1.25e-7)).isEqualTo("-1.25e-7");
        assertThat(RespWriter.formatDouble(1e18)).isEqualTo("1000000000000000000");
        assertThat(RespWriter.formatDouble(1.5e300)).isEqualTo("1.5e+300");
        assertThat(RespWriter.formatDouble(-0.0)).isEqualTo("-0");
        assertThat(RespWriter.formatDouble(123456.789)).isEqualTo("123456.789");
        assertThat(RespWriter.formatDouble(Double.NaN)).isEqualTo("nan");
    }
}
