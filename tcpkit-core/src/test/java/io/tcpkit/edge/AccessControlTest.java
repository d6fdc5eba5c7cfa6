package io.tcpkit.edge;

import io.tcpkit.AccessRules;
import io.tcpkit.Cidr;
import io.tcpkit.CloseReason;
import io.tcpkit.RejectReason;
import io.tcpkit.TcpServer;
import io.tcpkit.testing.Await;
import io.tcpkit.testing.Net;
import io.tcpkit.testing.Require;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Allow and deny lists and the per-address connect-rate token bucket, on a plain echo listener:
 * a refused client reads one line saying why, then end of stream; the handler never runs for it.
 */
@Timeout(60)
class AccessControlTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    static final String DENIED = "ERR access denied\r\n";
    static final String RATE_LIMITED = "ERR too many connections per second from your address\r\n";

    @AutoClose
    private TcpServer server;

    private int start(String host, AccessRules rules) throws IOException {
        server = TcpServer.builder().host(host).port(0).service("guarded").handler(Net.ECHO).access(rules).start();
        return server.port();
    }

    private int start(AccessRules rules) throws IOException {
        return start("127.0.0.1", rules);
    }

    private static AccessRules rules(String allow, String deny) {
        return new AccessRules(Cidr.parseList(allow), Cidr.parseList(deny), 0, 0);
    }

    private void assertRefusedWith(String message, int port) throws IOException {
        try (Socket s = Net.connect(port)) {
            assertThat(Net.readToEnd(s)).isEqualTo(message);
        }
    }

    @Test
    void aDeniedAddressIsToldAndClosed() throws Exception {
        int port = start(rules("", "127.0.0.1/32"));
        assertRefusedWith(DENIED, port);
        Await.until("the refusal to be counted", WAIT, () -> server.stats().rejected().get(RejectReason.DENIED) == 1);
        assertThat(server.stats().closedTotal()).as("no handler ran").isZero();
        // Another loopback address is not in the list.
        try (Socket other = Net.connectFrom("127.0.0.2", port)) {
            assertThat(Net.roundTrip(other, "not me")).isEqualTo("not me");
        }
    }

    @Test
    void anAllowListServesOnlyItsAddresses() throws Exception {
        int port = start(rules("10.0.0.0/8", ""));
        assertRefusedWith(DENIED, port);
        Await.until("the refusal to be counted", WAIT, () -> server.stats().rejected().get(RejectReason.DENIED) == 1);
        server.close();
        port = start(rules("10.0.0.0/8,127.0.0.0/30", ""));
        try (Socket s = Net.connect(port)) {
            assertThat(Net.roundTrip(s, "listed")).isEqualTo("listed");
        }
        try (Socket s = Net.connectFrom("127.0.0.5", port)) {
            assertThat(Net.readToEnd(s)).isEqualTo(DENIED);
        }
    }

    @Test
    void denyWinsOverAllow() throws Exception {
        int port = start(rules("127.0.0.0/8", "127.0.0.1"));
        assertRefusedWith(DENIED, port);
        try (Socket s = Net.connectFrom("127.0.0.3", port)) {
            assertThat(Net.roundTrip(s, "allowed")).isEqualTo("allowed");
        }
    }

    @Test
    void anIpv6AllowListDoesNotLetIpv4In() throws Exception {
        int port = start(rules("::1", ""));
        assertRefusedWith(DENIED, port);
    }

    @Test
    void anIpv6ClientIsMatchedByIpv6Blocks() throws Exception {
        Require.that(ipv6Loopback(), "an IPv6 loopback address (::1)");
        int port = start("::1", rules("::1", ""));
        try (Socket s = new Socket(InetAddress.getByName("::1"), port)) {
            s.setSoTimeout(10_000);
            assertThat(Net.roundTrip(s, "six")).isEqualTo("six");
        }
        server.close();
        port = start("::1", rules("", "::/0"));
        try (Socket s = new Socket(InetAddress.getByName("::1"), port)) {
            s.setSoTimeout(10_000);
            assertThat(Net.readToEnd(s)).isEqualTo(DENIED);
        }
    }

    @Test
    void theConnectRateBucketRefusesTheConnectionAfterTheBurstUntilItRefills() throws Exception {
        // 1 per second on average, 5 at once: the 6th immediate connect is over; a second refills one.
        int port = start(new AccessRules(List.of(), List.of(), 1, 5));
        List<Socket> served = new ArrayList<>();
        try {
            for (int i = 0; i < 5; i++) {
                served.add(Net.connect(port));
            }
            try (Socket sixth = Net.connect(port)) {
                assertThat(Net.readToEnd(sixth)).isEqualTo(RATE_LIMITED);
            }
            for (int i = 0; i < served.size(); i++) {
                assertThat(Net.roundTrip(served.get(i), "n" + i)).isEqualTo("n" + i);
            }
            assertThat(server.stats().rejected().get(RejectReason.RATE_LIMITED)).isEqualTo(1);
            // The bucket is per address: another one is not limited.
            try (Socket other = Net.connectFrom("127.0.0.2", port)) {
                assertThat(Net.roundTrip(other, "other address")).isEqualTo("other address");
            }
            // Refilled after a while: poll, each try 100 ms apart, for at most 6 s.
            boolean servedAgain = false;
            for (int attempt = 0; attempt < 60 && !servedAgain; attempt++) {
                try (Socket again = Net.connect(port)) {
                    Net.send(again, "x");
                    String first = Net.read(again, 1);
                    if (first.equals("x")) {
                        servedAgain = true;
                    } else {
                        assertThat(first + Net.readToEnd(again)).isEqualTo(RATE_LIMITED);
                        waitQuietly(Duration.ofMillis(100));
                    }
                }
            }
            assertThat(servedAgain).as("served again once the bucket refilled").isTrue();
        } finally {
            for (Socket s : served) {
                s.close();
            }
        }
    }

    /** Paces the refill poll (not a synchronisation: the condition is re-checked by connecting). */
    private static void waitQuietly(Duration d) throws InterruptedException {
        Thread.sleep(d.toMillis());
    }

    @Test
    void rulesRejectBadBlocksAndBadRates() {
        assertThatThrownBy(() -> Cidr.parse("example.com")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Cidr.parse("127.0.0.1/33")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new AccessRules(List.of(), List.of(), 5, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new AccessRules(List.of(), List.of(), -1, 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anOutOfRangeDottedQuadIsRefusedWithoutAskingTheResolver() {
        // The JDK would treat "1.2.3.256" as a host name and resolve it; the refusal must come first
        // (an UnknownHostException cause would show that a lookup was made).
        for (String bad : new String[] {"1.2.3.256", "256.0.0.1", "999.999.999.999"}) {
            assertThatThrownBy(() -> Cidr.literal(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("not an IP address").hasNoCause();
        }
        assertThat(Cidr.literal("255.255.255.255").getHostAddress()).isEqualTo("255.255.255.255");
    }

    @Test
    void refusedConnectionsDoNotCountAsServed() throws Exception {
        int port = start(rules("", "127.0.0.1"));
        for (int i = 0; i < 20; i++) {
            assertRefusedWith(DENIED, port);
        }
        Await.until("20 refusals", WAIT, () -> server.stats().rejected().get(RejectReason.DENIED) == 20);
        assertThat(server.stats().closed().get(CloseReason.PEER_CLOSED)).isZero();
        assertThat(server.stats().open()).isZero();
    }

    private static boolean ipv6Loopback() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("::1"))) {
            return s.isBound();
        } catch (IOException e) {
            return false;
        }
    }
}
