package io.tcpkit;

import com.sun.management.HotSpotDiagnosticMXBean;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What a server may hold on behalf of its clients, in total and per client address: partial
 * requests, replies and messages waiting to be written, and what services hold for a connection
 * (subscriptions). One budget may be shared by several listeners (the program shares one among
 * its services). At the limit the budget does not grow: it evicts the biggest holders first, as
 * Redis's {@code maxmemory-clients} does, until it is back under {@link #LOW_WATER_PERCENT} of
 * the limit; everyone else keeps working. An address may hold at most
 * {@link #DEFAULT_ADDRESS_SHARE_PERCENT} of the budget, so that one address cannot take it all:
 * past its share, its own biggest holders are evicted.
 *
 * <p>A connection has an {@link Account}, opened by the engine once the connection holds more than
 * the little every connection holds (the engine's allowance, 1 KiB: see the README's Memory
 * section). Thread-safe.
 *
 * <p><b>What a buffer costs.</b> A buffer is charged at what the heap gives it
 * ({@link #heapBytes}): its length, except on G1, where an array of more than half a region
 * (its 16-byte header counted) is a humongous object and takes whole regions. A 1 MB request's
 * read buffer (1 MiB after doubling) on a heap of under 2 GiB, whose regions are 1 MiB, takes two
 * regions and is charged 2 MiB, so that the budget, a share of the heap, stays one on small heaps.
 * The region size is read once, when the first budget is made, from the JVM
 * ({@code G1HeapRegionSize} through the {@link HotSpotDiagnosticMXBean}).
 *
 * <p>Over 300 lines with its {@link Account}s, their per-address shares and the eviction of the
 * biggest holder: one lock order (the budget, its list of accounts, then an account) that a
 * split would spread over several classes.
 */
public final class MemoryBudget {
    /** The program's default limit, as a share of the JVM's maximum heap. */
    public static final int DEFAULT_HEAP_PERCENT = 40;
    /** The share of the budget one client address may hold. */
    public static final int DEFAULT_ADDRESS_SHARE_PERCENT = 25;
    /** Eviction stops once use is back under this share of the limit (and of an address's share). */
    public static final int LOW_WATER_PERCENT = 90;
    /**
     * What a connection may hold before it is charged: a subscriber to a few rooms or a chat member
     * costs the budget nothing, as its socket and its objects (some 1.2 KiB) do not; what grows with
     * what a client does is charged from the first byte past this. At most this times the
     * connections allowed is left uncharged. An account costs some 50 bytes, a third of what a
     * subscription adds, so the many that hold little have none.
     */
    public static final int DEFAULT_UNCHARGED_BYTES = 1024;

    /** Told when its account is evicted; it closes the connection (any thread). */
    @FunctionalInterface
    public interface Evictee {
        /** Evicted while holding {@code heldBytes}; {@code why} says which limit was passed. */
        void evict(long heldBytes, String why);
    }

    /** An array's header on a 64-bit JVM (compressed class pointers, 8-byte alignment): 16 bytes at most. */
    static final int ARRAY_HEADER_BYTES = 16;

    private final long limit;
    private final long addressLimit;
    private final int addressSharePercent;
    private final int unchargedBytes;
    /** G1's region size, 0 if the collector is not G1. */
    private final long regionBytes;
    private final AtomicLong used = new AtomicLong();
    private final AtomicLong evictions = new AtomicLong();
    private final AtomicLong evictedBytes = new AtomicLong();
    /**
     * The open accounts, linked through themselves under {@link #links}: a link costs an account
     * two references, where a concurrent set's entry costs some 45 bytes per connection (a tenth of
     * what an idle connection of ours holds). Walked only to evict. A lock of its own, not the
     * budget's monitor: connections that end must not queue behind an eviction under way, or the
     * evicted keep their memory while the budget waits for them to let go of it.
     */
    private final Object links = new Object();
    private Account first;
    private final ConcurrentHashMap<InetAddress, Share> shares = new ConcurrentHashMap<>();

    private MemoryBudget(long limit, int addressSharePercent, int unchargedBytes) {
        if (limit < 1) {
            throw new IllegalArgumentException("a memory budget must be at least 1 byte, got " + limit);
        }
        if (addressSharePercent < 1 || addressSharePercent > 100) {
            throw new IllegalArgumentException("an address's share must be 1-100%, got " + addressSharePercent);
        }
        if (unchargedBytes < 0 || unchargedBytes > Short.MAX_VALUE) {
            throw new IllegalArgumentException("uncharged bytes per connection must be 0-32767, got " + unchargedBytes);
        }
        this.limit = limit;
        this.regionBytes = Heap.G1_REGION_BYTES; // read here, once, rather than on a connection's first large request
        this.addressLimit = Math.max(1, limit / 100 * addressSharePercent);
        this.addressSharePercent = addressSharePercent;
        this.unchargedBytes = unchargedBytes;
    }

    /** A budget of {@code bytes}, of which one address may hold {@link #DEFAULT_ADDRESS_SHARE_PERCENT}. */
    public static MemoryBudget of(long bytes) {
        return new MemoryBudget(bytes, DEFAULT_ADDRESS_SHARE_PERCENT, DEFAULT_UNCHARGED_BYTES);
    }

    /** A budget of {@code bytes}, of which one address may hold {@code addressSharePercent}. */
    public static MemoryBudget of(long bytes, int addressSharePercent) {
        return new MemoryBudget(bytes, addressSharePercent, DEFAULT_UNCHARGED_BYTES);
    }

    /** The same budget, but each connection is charged from its first byte past {@code bytes} (0: from the first). */
    public MemoryBudget withUnchargedBytes(int bytes) {
        return new MemoryBudget(limit, addressSharePercent, bytes);
    }

    /** What a connection may hold before it is charged ({@link #DEFAULT_UNCHARGED_BYTES} unless set). */
    public int unchargedBytes() {
        return unchargedBytes;
    }

    /** A budget of {@code percent} of the JVM's maximum heap ({@code -Xmx}). */
    public static MemoryBudget ofHeapPercent(int percent) {
        if (percent < 1 || percent > 100) {
            throw new IllegalArgumentException("a share of the heap must be 1-100%, got " + percent);
        }
        return of(Runtime.getRuntime().maxMemory() / 100 * percent);
    }

    public long limit() {
        return limit;
    }

    /**
     * What the heap gives an array of {@code length} bytes, and so what a buffer of that length is
     * charged: its length, or, on G1, whole regions for a humongous one (see the class comment).
     */
    public long heapBytes(long length) {
        return heapBytes(length, regionBytes);
    }

    /** {@link #heapBytes(long)} on a G1 heap of {@code regionBytes} regions (0: not G1). */
    static long heapBytes(long length, long regionBytes) {
        long size = (ARRAY_HEADER_BYTES + length + 7) & ~7L;
        if (regionBytes == 0 || size <= regionBytes / 2) {
            return length;
        }
        return (size + regionBytes - 1) / regionBytes * regionBytes;
    }

    /** The JVM's heap, as far as what it gives a large array goes; read once. */
    private static final class Heap {
        static final long G1_REGION_BYTES = g1RegionBytes();

        private static long g1RegionBytes() {
            try {
                HotSpotDiagnosticMXBean hotspot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
                if (hotspot == null || !Boolean.parseBoolean(hotspot.getVMOption("UseG1GC").getValue())) {
                    return 0;
                }
                return Long.parseLong(hotspot.getVMOption("G1HeapRegionSize").getValue());
            } catch (IllegalArgumentException e) {
                return 0; // not HotSpot (no such option): arrays are charged at their length
            }
        }
    }

    public long addressLimit() {
        return addressLimit;
    }

    /** Bytes held now, by all accounts. */
    public long used() {
        return used.get();
    }

    /** Connections evicted so far. */
    public long evictions() {
        return evictions.get();
    }

    /** Bytes the evicted connections held. */
    public long evictedBytes() {
        return evictedBytes.get();
    }

    /** Opens the account of a connection from {@code address}; {@link Account#close} it when the connection ends. */
    public Account open(InetAddress address, Evictee evictee) {
        Share share = shares.compute(address, (a, s) -> {
            Share t = s == null ? new Share(a) : s;
            t.accounts++;
            return t;
        });
        Account account = new Account(share, evictee);
        synchronized (links) {
            account.next = first;
            if (first != null) {
                first.prev = account;
            }
            first = account;
        }
        return account;
    }

    private void closed(Account account) {
        synchronized (links) {
            if (account.prev != null) {
                account.prev.next = account.next;
            } else if (first == account) {
                first = account.next;
            }
            if (account.next != null) {
                account.next.prev = account.prev;
            }
            account.prev = account.next = null;
        }
        shares.computeIfPresent(account.share.address, (a, s) -> --s.accounts == 0 ? null : s);
    }

    /** Use passed the limit, or {@code share} passed its own: evict the biggest holders first. */
    private synchronized void relieve(Share share) {
        long low = limit / 100 * LOW_WATER_PERCENT;
        long addressLow = addressLimit / 100 * LOW_WATER_PERCENT;
        boolean global = used.get() > limit;
        boolean local = share.bytes.get() > addressLimit;
        if (!global && !local) {
            return; // someone else relieved it meanwhile
        }
        List<Account> biggest = new ArrayList<>();
        synchronized (links) {
            for (Account a = first; a != null; a = a.next) {
                if (a.held() > 0 && (global || a.share == share)) {
                    biggest.add(a);
                }
            }
        }
        biggest.sort(Comparator.comparingLong(Account::held).reversed());
        for (Account a : biggest) {
            if (used.get() <= low && share.bytes.get() <= addressLow) {
                break;
            }
            if (global && used.get() > low || a.share == share && share.bytes.get() > addressLow) {
                a.evict(global && used.get() > low
                        ? "client memory budget of " + limit + " bytes reached (" + used.get() + " in use)"
                        : "its address's share of the client memory budget, " + addressLimit + " bytes, reached");
            }
        }
    }

    /** What the accounts of one client address hold. */
    private static final class Share {
        final InetAddress address;
        final AtomicLong bytes = new AtomicLong();
        /** Accounts open; changed under the map's lock for this address. */
        int accounts;

        Share(InetAddress address) {
            this.address = address;
        }
    }

    /** One connection's part of the budget. Thread-safe. */
    public final class Account {
        private final Share share;
        private final Evictee evictee;
        private long held;
        /** Evicted or closed: its memory is no longer counted, and it may charge nothing more. */
        private boolean closed;
        /** Taken off the budget's lists (once, at the connection's end). */
        private boolean removed;
        /** Its neighbours among the budget's open accounts; under the budget's {@code links}. */
        private Account prev;
        private Account next;

        private Account(Share share, Evictee evictee) {
            this.share = share;
            this.evictee = evictee;
        }

        /**
         * Counts {@code delta} bytes more (or fewer, if negative) held for the connection. A
         * charge that takes the budget or the address's share past its limit evicts the biggest
         * holders, maybe this one. Returns false if this account is evicted or closed (then
         * nothing is counted): the caller should not allocate.
         */
        public boolean charge(long delta) {
            synchronized (this) {
                if (closed) {
                    return delta <= 0;
                }
                held += delta;
            }
            long total = used.addAndGet(delta);
            long local = share.bytes.addAndGet(delta);
            if (delta > 0 && (total > limit || local > addressLimit)) {
                relieve(share);
                synchronized (this) {
                    return !closed;
                }
            }
            return true;
        }

        public synchronized long held() {
            return held;
        }

        /**
         * Closes the account if it holds at most {@code max} bytes, returning them to the budget:
         * a connection gives back its account while it is idle and holds no more than the
         * budget's uncharged bytes (a chat member's room, once the join notices that opened the
         * account are written), and keeps what it held as uncharged. Returns what it held, or -1
         * if it holds more or was closed already. A later charge is refused.
         */
        public long closeIfAtMost(long max) {
            long h;
            synchronized (this) {
                if (closed || held > max) {
                    return -1;
                }
                closed = true;
                removed = true;
                h = held;
                held = 0;
            }
            used.addAndGet(-h);
            share.bytes.addAndGet(-h);
            closed(this);
            return h;
        }

        /** The connection ended: what it held is returned to the budget. */
        public void close() {
            release();
            synchronized (this) {
                if (removed) {
                    return;
                }
                removed = true;
            }
            closed(this);
        }

        private void evict(String why) {
            long h = release();
            if (h >= 0) {
                evictions.incrementAndGet();
                evictedBytes.addAndGet(h);
                evictee.evict(h, why);
            }
        }

        /** Returns what it holds to the budget and closes the account: -1 if it was closed already. */
        private long release() {
            long h;
            synchronized (this) {
                if (closed) {
                    return -1;
                }
                closed = true;
                h = held;
                held = 0;
            }
            used.addAndGet(-h);
            share.bytes.addAndGet(-h);
            return h;
        }
    }
}
