package io.tcpkit.server.auth;

import io.tcpkit.server.log.Audit;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Checks passwords against the {@link Users} file, slowly on purpose and fairly between client
 * addresses, so that a flood of wrong passwords from one address delays nobody else:
 * <ul>
 * <li>Each address takes its turn: its attempts run one at a time, in arrival order, and at most
 *     {@link #MAX_WAITING_PER_ADDRESS} may wait; more are refused at once, unhashed
 *     ({@link TooManyLoginsException}).</li>
 * <li>After {@link #FREE_FAILURES} failed logins from an address, each further attempt from it
 *     waits first, during its address's turn and before it is hashed, doubling from 250 ms to
 *     10 s; a success or {@link #FORGET_AFTER} without failures clears the count.</li>
 * <li>Hashing is CPU-bound and would pin a carrier thread: at most {@link #CONCURRENT_HASHES} run
 *     at once, and the others wait in arrival order. As an address has at most one attempt
 *     waiting for a hash (the one whose turn it is), the hashes go round the addresses: a correct
 *     login waits for at most one hash per other address that is trying, however many
 *     connections each of them has.</li>
 * </ul>
 * An address is an IPv4 address or an IPv6 /64 (what one subscriber is usually given).
 * Passwords are never logged; every attempt gets an audit line with the user name and address only.
 */
public final class Authenticator {
    static final int CONCURRENT_HASHES = 1;
    /** Attempts one address may have waiting for its turn; more are refused without hashing. */
    static final int MAX_WAITING_PER_ADDRESS = 4;
    static final int FREE_FAILURES = 3;
    static final Duration FIRST_DELAY = Duration.ofMillis(250);
    static final Duration MAX_DELAY = Duration.ofSeconds(10);
    static final Duration FORGET_AFTER = Duration.ofMinutes(15);
    private static final int MAX_TRACKED_ADDRESSES = 100_000;

    /** Refused before hashing: the address has too many attempts waiting already. */
    public static final class TooManyLoginsException extends Exception {
        private static final long serialVersionUID = 1L;

        TooManyLoginsException() {
            super("too many login attempts from one address at once", null, false, false);
        }
    }

    private record Failures(int count, long lastNanos) {
    }

    /** One address's turn: a fair lock its attempts take in arrival order, and how many hold or want it. */
    private static final class Turn {
        final ReentrantLock lock = new ReentrantLock(true);
        int attempts; // guarded by the map's compute
    }

    /** Swapped whole when the users file is reloaded: a login sees the old users or the new, never a mix. */
    private volatile Users users;
    private final Semaphore hashing = new Semaphore(CONCURRENT_HASHES, true);
    private final ConcurrentHashMap<Object, Failures> failures = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Object, Turn> turns = new ConcurrentHashMap<>();
    private final AtomicLong hashes = new AtomicLong();

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
     * failed repeatedly, and for the attempts from {@code from} that came before. Without a users
     * file only "default" exists and needs no password.
     *
     * @throws TooManyLoginsException if {@code from} has {@link #MAX_WAITING_PER_ADDRESS} attempts
     *                                waiting already; nothing was checked
     */
    public Optional<User> login(String name, char[] password, InetAddress from)
            throws InterruptedException, TooManyLoginsException {
        Users users = this.users;
        if (!users.required()) {
            boolean isDefault = name.equals(User.DEFAULT.name());
            Audit.login(name, from, "password", isDefault);
            return isDefault ? Optional.of(User.DEFAULT) : Optional.empty();
        }
        Object address = key(from);
        Turn turn;
        try {
            turn = enter(address);
        } catch (TooManyLoginsException e) {
            Audit.login(name, from, "password, not checked: too many attempts from there at once", false);
            throw e;
        }
        try {
            turn.lock.lockInterruptibly();
            try {
                return check(users, name, password, from, address);
            } finally {
                turn.lock.unlock();
            }
        } finally {
            leave(address, turn);
        }
    }

    /** One attempt, during its address's turn: the back-off, then a hash when hashing is free. */
    private Optional<User> check(Users users, String name, char[] password, InetAddress from, Object address)
            throws InterruptedException {
        Thread.sleep(penalty(address));
        Optional<User> user = users.find(name);
        boolean ok;
        hashing.acquire();
        try {
            hashes.incrementAndGet();
            ok = PasswordHasher.verify(password, user.map(User::passwordHash).orElse(null));
        } finally {
            hashing.release();
        }
        if (ok && user.isPresent()) {
            failures.remove(address);
            Audit.login(name, from, "password", true);
            return user;
        }
        recordFailure(address);
        Audit.login(name, from, "password", false);
        return Optional.empty();
    }

    private Turn enter(Object address) throws TooManyLoginsException {
        Turn[] entered = new Turn[1];
        turns.compute(address, (a, t) -> {
            Turn turn = t == null ? new Turn() : t;
            if (turn.attempts < MAX_WAITING_PER_ADDRESS + 1) { // the one whose turn it is, and those waiting
                turn.attempts++;
                entered[0] = turn;
            }
            return turn;
        });
        if (entered[0] == null) {
            throw new TooManyLoginsException();
        }
        return entered[0];
    }

    private void leave(Object address, Turn turn) {
        turns.computeIfPresent(address, (a, t) -> {
            if (t != turn) {
                return t;
            }
            t.attempts--;
            return t.attempts == 0 ? null : t;
        });
    }

    /** How long the next attempt from {@code from} must wait. */
    Duration penalty(InetAddress from) {
        return penalty(key(from));
    }

    private Duration penalty(Object address) {
        Failures f = failures.get(address);
        if (f == null || f.count() < FREE_FAILURES) {
            return Duration.ZERO;
        }
        if (System.nanoTime() - f.lastNanos() > FORGET_AFTER.toNanos()) {
            failures.remove(address, f);
            return Duration.ZERO;
        }
        int doublings = Math.min(f.count() - FREE_FAILURES, 10);
        Duration d = FIRST_DELAY.multipliedBy(1L << doublings);
        return d.compareTo(MAX_DELAY) > 0 ? MAX_DELAY : d;
    }

    /** Passwords hashed so far (refused attempts are not): a counter for tests and metrics. */
    public long hashes() {
        return hashes.get();
    }

    private void recordFailure(Object address) {
        if (failures.size() >= MAX_TRACKED_ADDRESSES) {
            long cutoff = System.nanoTime() - FORGET_AFTER.toNanos();
            failures.values().removeIf(f -> f.lastNanos() - cutoff < 0);
        }
        failures.merge(address, new Failures(1, System.nanoTime()),
                (old, one) -> new Failures(old.count() + 1, one.lastNanos()));
    }

    /** The unit of fairness and back-off: an IPv4 address, or an IPv6 address's /64. */
    static Object key(InetAddress address) {
        if (address instanceof Inet6Address) {
            return new Prefix64(Arrays.copyOf(address.getAddress(), 8));
        }
        return address;
    }

    private record Prefix64(byte[] bytes) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Prefix64 p && Arrays.equals(bytes, p.bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }
    }
}
