package io.tcpkit.engine;

import java.net.InetAddress;
import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The open connections of one listener, and the permits that bound them: a global count and a
 * count per client address. A connection holds its permits from admission until
 * {@link #remove}, which its {@link ConnectionImpl#end() end} calls exactly once.
 *
 * <p>A set of connections rather than a map by id: a map would box every id (24 bytes per idle
 * connection); looking one up by id (CLIENT KILL) is rare and may scan.
 */
final class ConnectionRegistry {
    /** Connection ids are unique across every listener in the process. */
    private static final AtomicLong NEXT_ID = new AtomicLong();

    private final int maxConnections;
    private final int maxPerAddress;
    private final Set<ConnectionImpl> open = ConcurrentHashMap.newKeySet();
    private final ConcurrentHashMap<InetAddress, Integer> perAddress = new ConcurrentHashMap<>();
    private final AtomicInteger permits = new AtomicInteger();
    private final ReentrantLock emptyLock = new ReentrantLock();
    private final Condition empty = emptyLock.newCondition();

    ConnectionRegistry(int maxConnections, int maxPerAddress) {
        this.maxConnections = maxConnections;
        this.maxPerAddress = maxPerAddress;
    }

    static long nextId() {
        return NEXT_ID.incrementAndGet();
    }

    /** Takes a global permit; false at {@code maxConnections}. */
    boolean tryAdmitGlobal() {
        if (permits.incrementAndGet() > maxConnections) {
            permits.decrementAndGet();
            return false;
        }
        return true;
    }

    /** Takes a per-address slot; false at {@code maxPerAddress}. */
    boolean tryAdmitAddress(InetAddress address) {
        boolean[] over = new boolean[1];
        perAddress.compute(address, (a, count) -> {
            int n = count == null ? 0 : count;
            if (n >= maxPerAddress) {
                over[0] = true;
                return count;
            }
            return n + 1;
        });
        return !over[0];
    }

    void releaseAddress(InetAddress address) {
        perAddress.computeIfPresent(address, (a, count) -> count <= 1 ? null : count - 1);
    }

    void add(ConnectionImpl conn) {
        open.add(conn);
    }

    /** Forgets the connection and returns its permits (its address slot, if it took one). */
    void remove(ConnectionImpl conn) {
        if (!open.remove(conn)) {
            return;
        }
        if (conn.admittedAddress() != null) {
            releaseAddress(conn.admittedAddress());
        }
        releaseGlobal();
    }

    /** Returns a global permit. */
    void releaseGlobal() {
        if (permits.decrementAndGet() == 0) {
            emptyLock.lock();
            try {
                empty.signalAll();
            } finally {
                emptyLock.unlock();
            }
        }
    }

    ConnectionImpl get(long id) {
        for (ConnectionImpl conn : open) {
            if (conn.id() == id) {
                return conn;
            }
        }
        return null;
    }

    Collection<ConnectionImpl> all() {
        return open;
    }

    /** Connections holding a permit: open ones, and those admitted but not yet registered. */
    int size() {
        return permits.get();
    }

    /** Addresses with at least one open connection. */
    int addressCount() {
        return perAddress.size();
    }

    /** Waits until no connection holds a permit, or the deadline passes; true if empty. */
    boolean awaitEmpty(long deadlineNanos) throws InterruptedException {
        emptyLock.lock();
        try {
            while (permits.get() > 0) {
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                empty.await(left, TimeUnit.NANOSECONDS);
            }
            return true;
        } finally {
            emptyLock.unlock();
        }
    }
}
