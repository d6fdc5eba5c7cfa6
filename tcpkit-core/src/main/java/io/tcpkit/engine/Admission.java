package io.tcpkit.engine;

import io.tcpkit.AccessRules;
import io.tcpkit.RejectReason;

import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Decides whether a client address may open one more connection: the access rules (allow and
 * deny lists), its connection-rate token bucket, then its per-address connection cap. Thread-safe.
 */
final class Admission {
    /** Past this many tracked addresses, full (idle) buckets are forgotten. */
    private static final int MAX_BUCKETS = 100_000;

    private final AccessRules rules;
    private final ConnectionRegistry registry;
    private final ConcurrentHashMap<InetAddress, Bucket> buckets = new ConcurrentHashMap<>();

    Admission(AccessRules rules, ConnectionRegistry registry) {
        this.rules = rules;
        this.registry = registry;
    }

    /** Null if admitted (a per-address slot is then held), else why not. */
    RejectReason admit(InetAddress address) {
        if (!rules.permits(address)) {
            return RejectReason.DENIED;
        }
        if (rules.rateLimited() && !bucket(address).take()) {
            return RejectReason.RATE_LIMITED;
        }
        return registry.tryAdmitAddress(address) ? null : RejectReason.MAX_CONNECTIONS_PER_ADDRESS;
    }

    private Bucket bucket(InetAddress address) {
        if (buckets.size() > MAX_BUCKETS) {
            buckets.values().removeIf(Bucket::full);
        }
        return buckets.computeIfAbsent(address, a -> new Bucket(rules.connectsPerSecond(), rules.connectBurst()));
    }

    /** A token bucket: {@code rate} tokens per second, holding at most {@code burst}. */
    private static final class Bucket {
        private final double rate;
        private final double burst;
        private double tokens;
        private long lastNanos = System.nanoTime();

        Bucket(double rate, int burst) {
            this.rate = rate;
            this.burst = burst;
            this.tokens = burst;
        }

        synchronized boolean take() {
            refill();
            if (tokens >= 1) {
                tokens -= 1;
                return true;
            }
            return false;
        }

        synchronized boolean full() {
            refill();
            return tokens >= burst;
        }

        private void refill() {
            long now = System.nanoTime();
            tokens = Math.min(burst, tokens + (now - lastNanos) / 1e9 * rate);
            lastNanos = now;
        }
    }
}
