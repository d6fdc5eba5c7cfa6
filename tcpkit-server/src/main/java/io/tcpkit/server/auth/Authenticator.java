package io.tcpkit.server.auth;

import io.tcpkit.server.log.Audit;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

/**
 * Checks passwords against the {@link Users} file, slowly on purpose and fairly:
 * <ul>
 * <li>Hashing is CPU-bound and would pin a carrier thread; at most {@link #CONCURRENT_HASHES}
 *     run at once, and other logins wait (parked, not pinning) for their turn.</li>
 * <li>After {@link #FREE_FAILURES} failed logins from one address, each further attempt from it
 *     waits before being answered, doubling from 250 ms up to 10 s; a success or
 *     {@link #FORGET_AFTER} without failures clears the count.</li>
 * </ul>
 * Passwords are never logged; every attempt gets an audit line with the user name and address only.
 */
public final class Authenticator {
    static final int CONCURRENT_HASHES = 1;
    static final int FREE_FAILURES = 3;
    static final Duration FIRST_DELAY = Duration.ofMillis(250);
    static final Duration MAX_DELAY = Duration.ofSeconds(10);
    static final Duration FORGET_AFTER = Duration.ofMinutes(15);
    private static final int MAX_TRACKED_ADDRESSES = 100_000;

    private record Failures(int count, long lastNanos) {
    }

    /** Swapped whole when the users file is reloaded: a login sees the old users or the new, never a mix. */
    private volatile Users users;
    private final Semaphore hashing = new Semaphore(CONCURRENT_HASHES, true);
    private final ConcurrentHashMap<InetAddress, Failures> failures = new ConcurrentHashMap<>();

    public Authenticator(Users users) {
        this.users = users;
    }

    public Users users() {
        return users;
    }

    /** Replaces the users (the users file was reloaded): logins from now on use them; sessions keep their user. */
    public void users(Users reloaded) {
        this.users = reloaded;
    }

    /**
     * The user if {@code password} is right, else empty; may wait first if {@code from} has
     * failed repeatedly. Without a users file only "default" exists and needs no password.
     */
    public Optional<User> login(String name, char[] password, InetAddress from) throws InterruptedException {
        Users users = this.users;
        if (!users.required()) {
            boolean isDefault = name.equals(User.DEFAULT.name());
            Audit.login(name, from, "password", isDefault);
            return isDefault ? Optional.of(User.DEFAULT) : Optional.empty();
        }
        Thread.sleep(penalty(from));
        Optional<User> user = users.find(name);
        boolean ok;
        hashing.acquire();
        try {
            ok = PasswordHasher.verify(password, user.map(User::passwordHash).orElse(null));
        } finally {
            hashing.release();
        }
        if (ok && user.isPresent()) {
            failures.remove(from);
            Audit.login(name, from, "password", true);
            return user;
        }
        recordFailure(from);
        Audit.login(name, from, "password", false);
        return Optional.empty();
    }

    /** How long the next attempt from {@code from} must wait. */
    Duration penalty(InetAddress from) {
        Failures f = failures.get(from);
        if (f == null || f.count() < FREE_FAILURES) {
            return Duration.ZERO;
        }
        if (System.nanoTime() - f.lastNanos() > FORGET_AFTER.toNanos()) {
            failures.remove(from, f);
            return Duration.ZERO;
        }
        int doublings = Math.min(f.count() - FREE_FAILURES, 10);
        Duration d = FIRST_DELAY.multipliedBy(1L << doublings);
        return d.compareTo(MAX_DELAY) > 0 ? MAX_DELAY : d;
    }

    private void recordFailure(InetAddress from) {
        if (failures.size() >= MAX_TRACKED_ADDRESSES) {
            long cutoff = System.nanoTime() - FORGET_AFTER.toNanos();
            failures.values().removeIf(f -> f.lastNanos() - cutoff < 0);
        }
        failures.merge(from, new Failures(1, System.nanoTime()),
                (old, one) -> new Failures(old.count() + 1, one.lastNanos()));
    }
}
