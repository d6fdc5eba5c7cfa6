package io.tcpkit.proxy;

import io.tcpkit.Cidr;
import io.tcpkit.LogText;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProtocolException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;

/**
 * Decodes HAProxy's PROXY protocol header (doc/proxy-protocol.txt), version 1 (text) and 2
 * (binary), sent by a load balancer before anything else, before a TLS ClientHello too.
 *
 * <p>The header is mandatory when the listener enables it: nothing is guessed, the service does
 * not start before a complete valid header, and a peer that does not send one within the timeout
 * is dropped. v1 is at most 107 bytes and ends with CRLF (a lone CR or LF does not end it); v2's
 * length is bounded by {@link #MAX_V2_LENGTH}. Only address literals are accepted (never a host
 * name to resolve).
 */
public final class ProxyProtocol {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
    static final int MAX_V1_BYTES = 107;
    /** Addresses plus TLVs; the spec allows 64 KiB, real senders stay far below. */
    static final int MAX_V2_LENGTH = 4096;
    /** The longest header accepted: a reader needs no more than this before {@link #decode} decides. */
    public static final int MAX_HEADER_BYTES = 16 + MAX_V2_LENGTH;
    static final byte[] V2_SIGNATURE = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};
    private static final byte[] V1_PREFIX = "PROXY ".getBytes(StandardCharsets.US_ASCII);

    private ProxyProtocol() {
    }

    /**
     * Decodes a header from the first {@code n} bytes of {@code buf}.
     *
     * @return the header, or null if more bytes are needed
     * @throws ProtocolException if the bytes cannot be the start of a valid header
     */
    public static ProxyHeader decode(byte[] buf, int n) throws ProtocolException {
        if (n == 0) {
            return null;
        }
        if (buf[0] == V2_SIGNATURE[0]) {
            return decodeV2(buf, n);
        }
        if (buf[0] == 'P') {
            return decodeV1(buf, n);
        }
        throw new ProtocolException("not a PROXY protocol header");
    }

    private static ProxyHeader decodeV1(byte[] buf, int n) throws ProtocolException {
        int prefix = Math.min(n, V1_PREFIX.length);
        if (!Arrays.equals(buf, 0, prefix, V1_PREFIX, 0, prefix)) {
            throw new ProtocolException("not a PROXY protocol header");
        }
        int end = -1;
        for (int i = 0; i + 1 < Math.min(n, MAX_V1_BYTES); i++) {
            if (buf[i] == '\r' && buf[i + 1] == '\n') {
                end = i;
                break;
            }
        }
        if (end < 0) {
            if (n >= MAX_V1_BYTES) {
                throw new ProtocolException("PROXY v1 header longer than " + MAX_V1_BYTES + " bytes");
            }
            return null;
        }
        String line = new String(buf, 0, end, StandardCharsets.US_ASCII);
        String[] f = line.split(" ", -1);
        byte[] leftover = Arrays.copyOfRange(buf, end + 2, n);
        if (f.length >= 2 && f[1].equals("UNKNOWN")) {
            return new ProxyHeader(null, null, 1, leftover);
        }
        if (f.length != 6 || !(f[1].equals("TCP4") || f[1].equals("TCP6"))) {
            throw new ProtocolException("malformed PROXY v1 header");
        }
        try {
            InetAddress src = Cidr.literal(f[2]);
            InetAddress dst = Cidr.literal(f[3]);
            boolean v4 = f[1].equals("TCP4");
            // By the text, not the parsed length: an IPv4-mapped IPv6 literal (::ffff:192.0.2.1,
            // sent by proxies listening on dual-stack sockets) parses to an IPv4 address.
            if ((f[2].indexOf(':') < 0) != v4 || (f[3].indexOf(':') < 0) != v4) {
                throw new ProtocolException("PROXY v1 addresses do not match " + f[1]);
            }
            return new ProxyHeader(new InetSocketAddress(src, port(f[4])), new InetSocketAddress(dst, port(f[5])), 1, leftover);
        } catch (IllegalArgumentException e) {
            throw new ProtocolException("malformed PROXY v1 header: " + e.getMessage());
        }
    }

    private static int port(String s) {
        if (!s.matches("0|[1-9][0-9]{0,4}")) {
            throw new IllegalArgumentException("bad port '" + LogText.of(s) + "'");
        }
        int p = Integer.parseInt(s);
        if (p > 65535) {
            throw new IllegalArgumentException("bad port '" + LogText.of(s) + "'");
        }
        return p;
    }

    private static ProxyHeader decodeV2(byte[] buf, int n) throws ProtocolException {
        int sig = Math.min(n, V2_SIGNATURE.length);
        if (!Arrays.equals(buf, 0, sig, V2_SIGNATURE, 0, sig)) {
            throw new ProtocolException("not a PROXY protocol header");
        }
        if (n < 16) {
            return null;
        }
        int versionCommand = buf[12] & 0xff;
        if ((versionCommand >> 4) != 2) {
            throw new ProtocolException("unsupported PROXY protocol version " + (versionCommand >> 4));
        }
        int command = versionCommand & 0x0f;
        if (command > 1) {
            throw new ProtocolException("unknown PROXY v2 command " + command);
        }
        int family = buf[13] & 0xff;
        int length = ((buf[14] & 0xff) << 8) | (buf[15] & 0xff);
        if (length > MAX_V2_LENGTH) {
            throw new ProtocolException("PROXY v2 header too long (" + length + " bytes)");
        }
        if (n < 16 + length) {
            return null;
        }
        byte[] leftover = Arrays.copyOfRange(buf, 16 + length, n);
        if (command == 0) {
            return new ProxyHeader(null, null, 2, leftover); // LOCAL: the proxy's own health check
        }
        try {
            return switch (family) {
                case 0x11 -> {
                    require(length, 12);
                    yield new ProxyHeader(address(buf, 16, 4, 24), address(buf, 20, 4, 26), 2, leftover);
                }
                case 0x21 -> {
                    require(length, 36);
                    yield new ProxyHeader(address(buf, 16, 16, 48), address(buf, 32, 16, 50), 2, leftover);
                }
                case 0x00 -> new ProxyHeader(null, null, 2, leftover);
                default -> throw new ProtocolException("unsupported PROXY v2 address family 0x"
                        + Integer.toHexString(family));
            };
        } catch (java.net.UnknownHostException e) {
            throw new ProtocolException("malformed PROXY v2 address");
        }
    }

    private static void require(int length, int needed) throws ProtocolException {
        if (length < needed) {
            throw new ProtocolException("PROXY v2 addresses truncated");
        }
    }

    private static InetSocketAddress address(byte[] buf, int at, int len, int portAt) throws java.net.UnknownHostException {
        InetAddress ip = InetAddress.getByAddress(Arrays.copyOfRange(buf, at, at + len));
        return new InetSocketAddress(ip, ((buf[portAt] & 0xff) << 8) | (buf[portAt + 1] & 0xff));
    }
}
