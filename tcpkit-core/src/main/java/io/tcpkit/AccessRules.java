package io.tcpkit;

import java.net.InetAddress;
import java.util.List;

/**
 * Who may connect, checked against the client's real address (after a PROXY header, if any):
 * an address in {@code deny} is refused; if {@code allow} is not empty, only addresses in it are
 * served. The rate limit is a token bucket per address: {@code connectsPerSecond} on average,
 * bursts up to {@code connectBurst}; 0 turns it off.
 */
public record AccessRules(List<Cidr> allow, List<Cidr> deny, double connectsPerSecond, int connectBurst) {
    /** Everyone may connect, as often as they like (connection caps still apply). */
    public static final AccessRules OPEN = new AccessRules(List.of(), List.of(), 0, 0);

    public AccessRules {
        allow = List.copyOf(allow);
        deny = List.copyOf(deny);
        if (connectsPerSecond < 0 || connectBurst < 0 || (connectsPerSecond > 0 && connectBurst < 1)) {
            throw new IllegalArgumentException("connect rate needs a positive rate and burst, or both 0");
        }
    }

    public boolean permits(InetAddress address) {
        return !Cidr.anyMatches(deny, address) && (allow.isEmpty() || Cidr.anyMatches(allow, address));
    }

    public boolean rateLimited() {
        return connectsPerSecond > 0;
    }
}
