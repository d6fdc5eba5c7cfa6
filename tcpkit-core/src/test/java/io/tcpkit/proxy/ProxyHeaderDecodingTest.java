package io.tcpkit.proxy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProtocolException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link ProxyProtocol#decode} against HAProxy's doc/proxy-protocol.txt, byte by byte: what is a
 * complete header, what needs more bytes (null), and what can never become one (an exception).
 */
@Timeout(30)
class ProxyHeaderDecodingTest {

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static ProxyHeader decode(byte[] b) throws ProtocolException {
        return ProxyProtocol.decode(b, b.length);
    }

    private static ProxyHeader decode(String s) throws ProtocolException {
        return decode(ascii(s));
    }

    private static InetSocketAddress at(String ip, int port) throws Exception {
        return new InetSocketAddress(InetAddress.getByName(ip), port);
    }

    // ---- v1 ----

    @Test
    void v1Tcp4GivesBothAddressesAndPorts() throws Exception {
        ProxyHeader h = decode("PROXY TCP4 203.0.113.7 127.0.0.1 40000 7000\r\n");
        assertThat(h.version()).isEqualTo(1);
        assertThat(h.source()).isEqualTo(at("203.0.113.7", 40000));
        assertThat(h.destination()).isEqualTo(at("127.0.0.1", 7000));
        assertThat(h.leftover()).isEmpty();
    }

    @Test
    void v1Tcp6GivesBothAddressesAndPorts() throws Exception {
        ProxyHeader h = decode("PROXY TCP6 2001:db8::7 2001:db8:0:0:0:0:0:1 0 65535\r\n");
        assertThat(h.source()).isEqualTo(at("2001:db8::7", 0));
        assertThat(h.destination()).isEqualTo(at("2001:db8::1", 65535));
    }

    @Test
    void v1Tcp6WithIpv4MappedAddressesAsHaproxySendsFromADualStackSocket() throws Exception {
        ProxyHeader h = decode("PROXY TCP6 ::ffff:198.51.100.20 ::ffff:127.0.0.1 50000 7000\r\n");
        assertThat(h.source()).isEqualTo(at("198.51.100.20", 50000));
        assertThat(h.destination()).isEqualTo(at("127.0.0.1", 7000));
    }

    @Test
    void v1UnknownLeavesTheAddressesUnsaidWhateverFollows() throws Exception {
        ProxyHeader bare = decode("PROXY UNKNOWN\r\nhello");
        assertThat(bare.source()).isNull();
        assertThat(bare.destination()).isNull();
        assertThat(bare.leftover()).isEqualTo(ascii("hello"));
        // The longest header the spec allows: 107 bytes.
        String longest = "PROXY UNKNOWN ffff:f...f:ffff ffff:f...f:ffff 65535 65535\r\n"
                .replace("ffff:f...f:ffff", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
        assertThat(longest).hasSize(107);
        assertThat(decode(longest + "x").leftover()).isEqualTo(ascii("x"));
    }

    @Test
    void v1WorstCaseTcp6HeaderFits() throws Exception {
        String h = "PROXY TCP6 ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff 65535 65535\r\n";
        assertThat(h).hasSize(104);
        assertThat(decode(h).source().getPort()).isEqualTo(65535);
    }

    @Test
    void v1BytesAfterTheHeaderAreReturnedIntact() throws Exception {
        byte[] data = {0, 1, (byte) 0xff, '\r', '\n', 'P', 'R', 'O', 'X', 'Y'};
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(ascii("PROXY TCP4 192.0.2.1 192.0.2.2 1 2\r\n"));
        b.writeBytes(data);
        assertThat(decode(b.toByteArray()).leftover()).isEqualTo(data);
    }

    @Test
    void v1SplitAcrossReadsIsNullUntilTheFinalLineFeed() throws Exception {
        byte[] header = ascii("PROXY TCP4 203.0.113.7 127.0.0.1 40000 7000\r\n");
        byte[] withData = Arrays.copyOf(header, header.length + 3);
        System.arraycopy(ascii("abc"), 0, withData, header.length, 3);
        for (int n = 0; n < header.length; n++) {
            assertThat(ProxyProtocol.decode(withData, n)).as("first %d bytes", n).isNull();
        }
        assertThat(ProxyProtocol.decode(withData, header.length).leftover()).isEmpty();
        assertThat(ProxyProtocol.decode(withData, header.length + 2).leftover()).isEqualTo(ascii("ab"));
    }

    @Test
    void v1ALoneCrOrLfDoesNotEndTheHeader() throws Exception {
        assertThat(decode("PROXY TCP4 192.0.2.1 192.0.2.2 1 2\n")).as("bare LF").isNull();
        assertThat(decode("PROXY TCP4 192.0.2.1 192.0.2.2 1 2\r")).as("bare CR").isNull();
        assertThat(decode("PROXY TCP4 192.0.2.1 192.0.2.2 1 2\n\r")).as("LF CR").isNull();
        // ...and the line then goes past the limit.
        String bareLf = "PROXY TCP4 192.0.2.1 192.0.2.2 1 2\n" + "x".repeat(80);
        assertThatThrownBy(() -> decode(bareLf)).isInstanceOf(ProtocolException.class)
                .hasMessageContaining("longer than 107");
    }

    @Test
    void v1LongerThan107BytesIsRefusedAsSoonAsThe107thByteIsNotTheEnd() throws Exception {
        String start = "PROXY UNKNOWN " + "f".repeat(200);
        assertThat(ProxyProtocol.decode(ascii(start), 106)).isNull();
        assertThatThrownBy(() -> ProxyProtocol.decode(ascii(start), 107)).isInstanceOf(ProtocolException.class)
                .hasMessageContaining("longer than 107");
        // A CRLF at bytes 108-109 is too late.
        String tooLong = "PROXY UNKNOWN " + "f".repeat(93) + "\r\n";
        assertThat(tooLong).hasSize(109);
        assertThatThrownBy(() -> decode(tooLong)).isInstanceOf(ProtocolException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "PROXY TCP4 192.0.2.1 192.0.2.2 65536 2\r\n",
            "PROXY TCP4 192.0.2.1 192.0.2.2 1 99999\r\n",
            "PROXY TCP4 192.0.2.1 192.0.2.2 -1 2\r\n",
            "PROXY TCP4 192.0.2.1 192.0.2.2 +1 2\r\n",
            "PROXY TCP4 192.0.2.1 192.0.2.2 080 2\r\n",
            "PROXY TCP4 192.0.2.1 192.0.2.2 0x50 2\r\n",
            "PROXY TCP4 192.0.2.1 192.0.2.2 http 2\r\n",
            "PROXY TCP4 192.0.2.1 192.0.2.2  2\r\n",
            "PROXY TCP4 192.0.2.1 192.0.2.2 1 2 3\r\n",
            "PROXY TCP4 192.0.2.1 192.0.2.2 1\r\n"})
    void v1BadPortsAreRefused(String header) {
        assertThatThrownBy(() -> decode(header)).isInstanceOf(ProtocolException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "PROXY TCP4 localhost 127.0.0.1 1 2\r\n",
            "PROXY TCP4 example.com 127.0.0.1 1 2\r\n",
            "PROXY TCP4 127.0.0.1 host.invalid 1 2\r\n",
            "PROXY TCP6 ip6-localhost ::1 1 2\r\n",
            "PROXY TCP4 1.2.3.256 127.0.0.1 1 2\r\n",
            "PROXY TCP4 1.2.3 127.0.0.1 1 2\r\n",
            "PROXY TCP4 0x7f.0.0.1 127.0.0.1 1 2\r\n",
            "PROXY TCP6 fe80::1%lo ::1 1 2\r\n",
            "PROXY TCP6 ::1::2 ::1 1 2\r\n"})
    void v1HostNamesAndMalformedAddressesAreRefused(String header) {
        assertThatThrownBy(() -> decode(header)).isInstanceOf(ProtocolException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "PROXY TCP4 2001:db8::1 192.0.2.2 1 2\r\n",
            "PROXY TCP4 192.0.2.1 ::1 1 2\r\n",
            "PROXY TCP6 192.0.2.1 ::1 1 2\r\n",
            "PROXY TCP6 ::1 192.0.2.2 1 2\r\n"})
    void v1AddressesMustBeOfTheAnnouncedFamily(String header) {
        assertThatThrownBy(() -> decode(header)).isInstanceOf(ProtocolException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "PROXY UDP4 192.0.2.1 192.0.2.2 1 2\r\n",
            "PROXY tcp4 192.0.2.1 192.0.2.2 1 2\r\n",
            "PROXY  TCP4 192.0.2.1 192.0.2.2 1 2\r\n",
            "PROXY TCP4 192.0.2.1  192.0.2.2 1 2\r\n",
            "PROXY TCP4 192.0.2.1 192.0.2.2 1 2 \r\n",
            "PROXY\r\n",
            "proxy TCP4 192.0.2.1 192.0.2.2 1 2\r\n",
            "PROXY\tTCP4 192.0.2.1 192.0.2.2 1 2\r\n"})
    void v1MalformedLinesAreRefused(String header) {
        assertThatThrownBy(() -> decode(header)).isInstanceOf(ProtocolException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"GET / HTTP/1.1\r\n", "PING\r\n", "\u0016\u0003\u0001", "PROXX", "hello"})
    void whatCannotStartAHeaderIsRefusedFromItsFirstBytes(String start) {
        assertThatThrownBy(() -> decode(start)).isInstanceOf(ProtocolException.class);
    }

    @Test
    void nothingYetNeedsMore() throws Exception {
        assertThat(ProxyProtocol.decode(new byte[16], 0)).isNull();
    }

    // ---- v2 ----

    private static final byte[] SIGNATURE = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};

    private static byte[] v2(int versionCommand, int family, byte[] body, byte[] after) {
        return ByteBuffer.allocate(16 + body.length + after.length).put(SIGNATURE).put((byte) versionCommand)
                .put((byte) family).putShort((short) body.length).put(body).put(after).array();
    }

    private static byte[] ipv4Body(String src, String dst, int sport, int dport, byte[] tlvs) throws Exception {
        return ByteBuffer.allocate(12 + tlvs.length).put(InetAddress.getByName(src).getAddress())
                .put(InetAddress.getByName(dst).getAddress()).putShort((short) sport).putShort((short) dport)
                .put(tlvs).array();
    }

    private static byte[] ipv6Body(String src, String dst, int sport, int dport) throws Exception {
        return ByteBuffer.allocate(36).put(InetAddress.getByName(src).getAddress())
                .put(InetAddress.getByName(dst).getAddress()).putShort((short) sport).putShort((short) dport).array();
    }

    @Test
    void v2Tcp4() throws Exception {
        ProxyHeader h = decode(v2(0x21, 0x11, ipv4Body("203.0.113.7", "127.0.0.1", 40000, 7000, new byte[0]), new byte[0]));
        assertThat(h.version()).isEqualTo(2);
        assertThat(h.source()).isEqualTo(at("203.0.113.7", 40000));
        assertThat(h.destination()).isEqualTo(at("127.0.0.1", 7000));
        assertThat(h.leftover()).isEmpty();
    }

    @Test
    void v2Tcp6() throws Exception {
        ProxyHeader h = decode(v2(0x21, 0x21, ipv6Body("2001:db8::7", "2001:db8::1", 65535, 443), ascii("GET")));
        assertThat(h.source()).isEqualTo(at("2001:db8::7", 65535));
        assertThat(h.destination()).isEqualTo(at("2001:db8::1", 443));
        assertThat(h.leftover()).isEqualTo(ascii("GET"));
    }

    @Test
    void v2LocalIsTheProxysOwnConnectionWithNoAddressEvenIfItCarriesSome() throws Exception {
        ProxyHeader empty = decode(v2(0x20, 0x00, new byte[0], ascii("ping")));
        assertThat(empty.source()).isNull();
        assertThat(empty.leftover()).isEqualTo(ascii("ping"));
        // LOCAL with an address block (allowed by the spec): the block is skipped, not used.
        ProxyHeader withBlock = decode(v2(0x20, 0x11, ipv4Body("203.0.113.7", "127.0.0.1", 1, 2, new byte[0]), ascii("x")));
        assertThat(withBlock.source()).isNull();
        assertThat(withBlock.leftover()).isEqualTo(ascii("x"));
    }

    @Test
    void v2UnspecifiedFamilyKeepsTheConnectionsOwnAddress() throws Exception {
        assertThat(decode(v2(0x21, 0x00, new byte[0], new byte[0])).source()).isNull();
    }

    @Test
    void v2TlvsAreSkippedAndTheDataAfterThemKept() throws Exception {
        byte[] tlvs = ByteBuffer.allocate(3 + 2 + 3 + 9 + 3 + 4)
                .put((byte) 0x01).putShort((short) 2).put(ascii("h2"))                // PP2_TYPE_ALPN
                .put((byte) 0x02).putShort((short) 9).put(ascii("localhost"))         // PP2_TYPE_AUTHORITY
                .put((byte) 0x04).putShort((short) 4).put(new byte[] {0, 0, 0, 0})    // PP2_TYPE_NOOP
                .array();
        byte[] data = {'\r', '\n', 0x0D, 0x0A, 0x0D, 0x0A, 0x00};
        ProxyHeader h = decode(v2(0x21, 0x11, ipv4Body("198.51.100.9", "127.0.0.1", 1234, 7000, tlvs), data));
        assertThat(h.source()).isEqualTo(at("198.51.100.9", 1234));
        assertThat(h.leftover()).isEqualTo(data);
    }

    @Test
    void v2PartialHeadersAreNullUntilComplete() throws Exception {
        byte[] full = v2(0x21, 0x21, ipv6Body("2001:db8::7", "::1", 1, 2), ascii("z"));
        int headerLength = 16 + 36;
        for (int n = 0; n < headerLength; n++) {
            assertThat(ProxyProtocol.decode(full, n)).as("first %d bytes", n).isNull();
        }
        assertThat(ProxyProtocol.decode(full, headerLength).leftover()).isEmpty();
        assertThat(ProxyProtocol.decode(full, full.length).leftover()).isEqualTo(ascii("z"));
    }

    @Test
    void v2ABadSignatureIsRefusedAtTheFirstWrongByte() throws Exception {
        for (int i = 1; i < SIGNATURE.length; i++) {
            byte[] bad = v2(0x21, 0x11, new byte[12], new byte[0]);
            bad[i] ^= 0x20;
            int wrong = i;
            assertThatThrownBy(() -> ProxyProtocol.decode(bad, wrong + 1)).as("byte %d", i)
                    .isInstanceOf(ProtocolException.class);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0x11, 0x31, 0x01, 0xF1})
    void v2OtherVersionsAreRefused(int versionCommand) {
        assertThatThrownBy(() -> decode(v2(versionCommand, 0x11, new byte[12], new byte[0])))
                .isInstanceOf(ProtocolException.class).hasMessageContaining("version");
    }

    @Test
    void v2UnknownCommandsAndFamiliesAreRefused() {
        assertThatThrownBy(() -> decode(v2(0x22, 0x11, new byte[12], new byte[0])))
                .isInstanceOf(ProtocolException.class).hasMessageContaining("command");
        assertThatThrownBy(() -> decode(v2(0x21, 0x12, new byte[12], new byte[0]))).as("UDP over IPv4")
                .isInstanceOf(ProtocolException.class).hasMessageContaining("family");
        assertThatThrownBy(() -> decode(v2(0x21, 0x31, new byte[216], new byte[0]))).as("AF_UNIX")
                .isInstanceOf(ProtocolException.class).hasMessageContaining("family");
    }

    @Test
    void v2ALengthBeyondTheLimitIsRefusedBeforeWaitingForTheBytes() {
        byte[] header = v2(0x21, 0x11, new byte[0], new byte[0]);
        header[14] = (byte) 0xff;
        header[15] = (byte) 0xff;
        assertThatThrownBy(() -> ProxyProtocol.decode(header, 16)).isInstanceOf(ProtocolException.class)
                .hasMessageContaining("too long");
        header[14] = 0x10; // 4096: the limit itself is fine, it just needs more bytes
        header[15] = 0x00;
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> ProxyProtocol.decode(header, 16))).isNull();
        header[15] = 0x01; // 4097
        assertThatThrownBy(() -> ProxyProtocol.decode(header, 16)).hasMessageContaining("too long");
    }

    @Test
    void v2AddressBlocksShorterThanTheFamilyNeedsAreRefused() {
        assertThatThrownBy(() -> decode(v2(0x21, 0x11, new byte[11], new byte[0])))
                .isInstanceOf(ProtocolException.class).hasMessageContaining("truncated");
        assertThatThrownBy(() -> decode(v2(0x21, 0x21, new byte[12], new byte[0])))
                .isInstanceOf(ProtocolException.class).hasMessageContaining("truncated");
    }
}
