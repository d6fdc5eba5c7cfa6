package io.tcpkit.server;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;

import static org.assertj.core.api.Assertions.assertThat;

/** RFC 5952's short form, which the JDK does not write. */
class HostPortTest {
    private static String format(String ip, int port) throws Exception {
        return HostPort.format(new InetSocketAddress(InetAddress.getByName(ip), port));
    }

    @Test
    void ipv6IsShortAndBracketed() throws Exception {
        assertThat(format("::1", 7000)).isEqualTo("[::1]:7000");
        assertThat(format("::", 7000)).isEqualTo("[::]:7000");
        assertThat(format("2001:DB8:0:0:0:0:2:1", 1)).isEqualTo("[2001:db8::2:1]:1");
        // One zero group stays "0"; of two equal runs the first is shortened.
        assertThat(format("2001:db8:0:1:1:1:1:1", 1)).isEqualTo("[2001:db8:0:1:1:1:1:1]:1");
        assertThat(format("2001:0:0:1:0:0:0:1", 1)).isEqualTo("[2001:0:0:1::1]:1");
        assertThat(format("2001:db8:0:0:1:0:0:1", 1)).isEqualTo("[2001:db8::1:0:0:1]:1");
        assertThat(format("fe80::0001:0:0:0", 1)).isEqualTo("[fe80::1:0:0:0]:1");
        assertThat(format("fe80:0:0:1:0:0:0:0", 1)).isEqualTo("[fe80:0:0:1::]:1");
    }

    @Test
    void ipv4AndUnresolvedAsGiven() throws Exception {
        assertThat(format("127.0.0.1", 7000)).isEqualTo("127.0.0.1:7000");
        assertThat(format("::ffff:10.0.0.1", 80)).as("the JDK makes a mapped address IPv4").isEqualTo("10.0.0.1:80");
        assertThat(HostPort.format(InetSocketAddress.createUnresolved("example.invalid", 7))).isEqualTo("example.invalid:7");
    }
}
