package io.tcpkit.proxy;

import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.ProtocolException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProxyProtocolTest {

    private static ProxyHeader decode(byte[] b) throws ProtocolException {
        return ProxyProtocol.decode(b, b.length);
    }

    private static ProxyHeader decode(String s) throws ProtocolException {
        return decode(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void v1Tcp4AndTcp6WithTheClientsFirstBytesKept() throws Exception {
        ProxyHeader h = decode("PROXY TCP4 203.0.113.7 192.0.2.1 40000 7000\r\nPING\r\n");
        assertThat(h.version()).isEqualTo(1);
        assertThat(h.source()).isEqualTo(new InetSocketAddress("203.0.113.7", 40000));
        assertThat(h.destination()).isEqualTo(new InetSocketAddress("192.0.2.1", 7000));
        assertThat(new String(h.leftover(), StandardCharsets.US_ASCII)).isEqualTo("PING\r\n");
        ProxyHeader v6 = decode("PROXY TCP6 2001:db8::1 ::1 1 65535\r\n");
        assertThat(v6.source()).isEqualTo(new InetSocketAddress("2001:db8::1", 1));
        assertThat(decode("PROXY UNKNOWN whatever\r\n").source()).isNull();
    }

    @Test
    void v1NeedsMoreBytesUntilCrlfAndALoneCrOrLfDoesNotEndIt() throws Exception {
        assertThat(decode("PROXY TCP4 203.0.113.7 192.0.2.1 40000 70")).isNull();
        assertThat(decode("PROX")).isNull();
        assertThat(decode("PROXY TCP4 1.2.3.4 5.6.7.8 1 2\n")).isNull();
        assertThatThrownBy(() -> decode("PROXY TCP4 1.2.3.4 5.6.7.8 1 2\nmore junk that goes on and on and on and on and on and on and on and on and on"))
                .isInstanceOf(ProtocolException.class).hasMessageContaining("longer than 107");
    }

    @Test
    void v1RejectsWhatIsNotAValidHeader() {
        for (String bad : new String[] {"GET / HTTP/1.1\r\n", "PROXY TCP4 example.com 1.2.3.4 1 2\r\n",
                "PROXY TCP4 1.2.3.4 5.6.7.8 99999 2\r\n", "PROXY TCP4 1.2.3.4 5.6.7.8 01 2\r\n",
                "PROXY TCP4 ::1 5.6.7.8 1 2\r\n", "PROXY TCP5 1.2.3.4 5.6.7.8 1 2\r\n", "PROXY TCP4 1.2.3.4\r\n"}) {
            assertThatThrownBy(() -> decode(bad)).as(bad).isInstanceOf(ProtocolException.class);
        }
    }

    private static byte[] v2(int command, int family, byte[] addresses, byte[] after) {
        ByteBuffer b = ByteBuffer.allocate(16 + addresses.length + after.length);
        b.put(ProxyProtocol.V2_SIGNATURE).put((byte) (0x20 | command)).put((byte) family)
                .putShort((short) addresses.length).put(addresses).put(after);
        return b.array();
    }

    @Test
    void v2Tcp4Tcp6LocalAndTlvs() throws Exception {
        byte[] four = ByteBuffer.allocate(12 + 7).put(new byte[] {(byte) 203, 0, 113, 7}).put(new byte[] {127, 0, 0, 1})
                .putShort((short) 40000).putShort((short) 7000).put(new byte[] {0x04, 0, 4, 1, 2, 3, 4}).array();
        ProxyHeader h = decode(v2(1, 0x11, four, "hi".getBytes()));
        assertThat(h.version()).isEqualTo(2);
        assertThat(h.source()).isEqualTo(new InetSocketAddress("203.0.113.7", 40000));
        assertThat(new String(h.leftover())).isEqualTo("hi");

        byte[] six = ByteBuffer.allocate(36).put(java.net.InetAddress.getByName("2001:db8::7").getAddress())
                .put(new byte[16]).putShort((short) 1234).putShort((short) 80).array();
        assertThat(decode(v2(1, 0x21, six, new byte[0])).source()).isEqualTo(new InetSocketAddress("2001:db8::7", 1234));
        assertThat(decode(v2(0, 0x00, new byte[0], new byte[0])).source()).as("LOCAL").isNull();
    }

    @Test
    void v2PartialHeadersWaitAndBadOnesFail() {
        byte[] full = v2(1, 0x11, new byte[12], new byte[0]);
        for (int n = 1; n < full.length; n++) {
            int cut = n;
            assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> assertThat(ProxyProtocol.decode(full, cut)).isNull()))
                    .as("prefix of %d bytes", n).isNull();
        }
        byte[] badVersion = full.clone();
        badVersion[12] = 0x11;
        assertThatThrownBy(() -> decode(badVersion)).hasMessageContaining("version");
        byte[] badSignature = full.clone();
        badSignature[5] = 0x00;
        assertThatThrownBy(() -> decode(badSignature)).isInstanceOf(ProtocolException.class);
        byte[] tooLong = full.clone();
        tooLong[14] = (byte) 0xff;
        assertThatThrownBy(() -> decode(tooLong)).hasMessageContaining("too long");
        assertThatThrownBy(() -> decode(v2(1, 0x11, new byte[4], new byte[0]))).hasMessageContaining("truncated");
    }
}
