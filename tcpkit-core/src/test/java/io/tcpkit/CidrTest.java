package io.tcpkit;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CidrTest {
    @Test
    void matchesBlocksOfBothFamilies() throws Exception {
        Cidr ten = Cidr.parse("10.0.0.0/8");
        assertThat(ten.matches(InetAddress.getByName("10.200.3.4"))).isTrue();
        assertThat(ten.matches(InetAddress.getByName("11.0.0.1"))).isFalse();
        assertThat(ten.matches(InetAddress.getByName("::ffff:10.1.1.1"))).as("IPv4-mapped").isTrue();
        assertThat(Cidr.parse("2001:db8::/32").matches(InetAddress.getByName("2001:db8:1::5"))).isTrue();
        assertThat(Cidr.parse("127.0.0.1").matches(InetAddress.getByName("127.0.0.2"))).isFalse();
        assertThat(Cidr.parse("10.1.2.3/8")).isEqualTo(Cidr.parse("10.0.0.0/8"));
        assertThat(Cidr.parseList("127.0.0.0/8, ::1")).hasSize(2);
    }

    @Test
    void rejectsHostNamesAndBadPrefixes() {
        assertThatThrownBy(() -> Cidr.parse("localhost")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Cidr.parse("10.0.0.0/33")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Cidr.parse("1.2.3/8")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void accessRulesDenyFirstThenAllow() throws Exception {
        AccessRules rules = new AccessRules(Cidr.parseList("10.0.0.0/8"), Cidr.parseList("10.9.0.0/16"), 0, 0);
        assertThat(rules.permits(InetAddress.getByName("10.1.1.1"))).isTrue();
        assertThat(rules.permits(InetAddress.getByName("10.9.1.1"))).isFalse();
        assertThat(rules.permits(InetAddress.getByName("192.0.2.1"))).isFalse();
        assertThat(AccessRules.OPEN.permits(InetAddress.getByName("192.0.2.1"))).isTrue();
    }
}
