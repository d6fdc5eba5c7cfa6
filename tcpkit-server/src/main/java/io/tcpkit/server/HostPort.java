package io.tcpkit.server;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * Addresses as people write them: {@code 127.0.0.1:7000}, and IPv6 in RFC 5952's short form in
 * brackets, {@code [::1]:7000}, which {@code tcpkit connect} and browsers accept back (the JDK
 * writes {@code 0:0:0:0:0:0:0:1}).
 */
public final class HostPort {
    private HostPort() {
    }

    /** {@code 127.0.0.1:7000} or {@code [::1]:7000}; an unresolved address as it was given. */
    public static String format(InetSocketAddress address) {
        InetAddress ip = address.getAddress();
        if (ip == null) {
            return address.getHostString() + ":" + address.getPort();
        }
        String host = host(ip);
        return (ip instanceof Inet6Address ? "[" + host + "]" : host) + ":" + address.getPort();
    }

    /** The address alone, IPv6 shortened: lower-case hex, no leading zeros, the longest run of zero groups as "::". */
    public static String host(InetAddress ip) {
        if (!(ip instanceof Inet6Address v6)) {
            return ip.getHostAddress();
        }
        byte[] b = v6.getAddress();
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = (b[2 * i] & 0xff) << 8 | b[2 * i + 1] & 0xff;
        }
        // The longest run of two or more zero groups (the first of equals) becomes "::".
        int runStart = -1;
        int runLength = 1;
        for (int i = 0; i < 8; ) {
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > runLength) {
                runStart = i;
                runLength = j - i;
            }
            i = j == i ? i + 1 : j;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == runStart) {
                sb.append("::");
                i += runLength - 1;
                continue;
            }
            if (!sb.isEmpty() && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(groups[i]));
        }
        String full = v6.getHostAddress();
        int scope = full.indexOf('%');
        return scope < 0 ? sb.toString() : sb + full.substring(scope);
    }
}
