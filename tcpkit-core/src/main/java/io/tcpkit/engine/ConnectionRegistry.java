package io.tcpkit.engine;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
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
 * <p>The open connections are linked through themselves ({@link ConnectionImpl#prev},
 * {@link ConnectionImpl#next}) under this registry's monitor: two references per connection,
 * where a concurrent set's entry costs some 45 bytes and a map by id more (every id boxed); an
 * idle connection is all we hold for it, so it shows. Those who walk them (the sweep, once a
 * second; the drain; the admin views; a lookup by id, which is rare) take a snapshot.
 */
final class ConnectionRegistry {
    /** Connection ids are unique across every listener in the process. */
    private static final AtomicLong NEXT_ID = new AtomicLong();

    private final int maxConnections;
    private final int maxPerAddress;
    private ConnectionImpl first;
    private int linked;
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
        synchronized (this) {
            conn.next = first;
            if (first != null) {
                first.prev = conn;
            }
            first = conn;
            linked++;
        }
    }

    /** Forgets the connection and returns its permits (its address slot, if it took one). */
    void remove(ConnectionImpl conn) {
        synchronized (this) {
            if (conn.prev == null && first != conn) {
                return; // not linked (removed already)
            }
            if (conn.prev != null) {
                conn.prev.next = conn.next;
            } else {
                first = conn.next;
            }
            if (conn.next != null) {
                conn.next.prev = conn.prev;
            }
            conn.prev = conn.next = null;
            linked--;
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
        synchronized (this) {
            for (ConnectionImpl conn = first; conn != null; conn = conn.next) {
                if (conn.id() == id) {
                    return conn;
                }
            }
        }
        return null;
    }

    /** A snapshot of the open connections: some may end while the caller walks it. */
    List<ConnectionImpl> all() {
        synchronized (this) {
            List<ConnectionImpl> all = new ArrayList<>(linked);
            for (ConnectionImpl conn = first; conn != null; conn = conn.next) {
                all.add(conn);
            }
            return all;
        }
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
