package io.tcpkit.proxy;

import io.tcpkit.Cidr;

import java.time.Duration;
import java.util.List;

/**
 * PROXY protocol on a listener: every connection must start with a header, and only from a
 * trusted proxy; connections from anywhere else are closed.
 *
 * @param trustedProxies where headers are accepted from (default: loopback only)
 * @param timeout        time to receive the complete header (default 5 s)
 */
public record ProxyProtocolConfig(List<Cidr> trustedProxies, Duration timeout) {
    public static final List<Cidr> LOOPBACK = List.of(Cidr.parse("127.0.0.0/8"), Cidr.parse("::1"));

    public ProxyProtocolConfig {
        trustedProxies = List.copyOf(trustedProxies);
        if (trustedProxies.isEmpty()) {
            throw new IllegalArgumentException("PROXY protocol needs at least one trusted proxy address");
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive");
        }
    }

    public static ProxyProtocolConfig trusting(List<Cidr> trustedProxies) {
        return new ProxyProtocolConfig(trustedProxies, ProxyProtocol.DEFAULT_TIMEOUT);
    }
}
