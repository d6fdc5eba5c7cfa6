package io.tcpkit.engine;

import io.tcpkit.CloseReason;
import io.tcpkit.RejectReason;
import io.tcpkit.ServerStats;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/** A listener's counters: lock-free, updated from every connection thread, read as snapshots. */
final class Counters {
    private final LongAdder accepted = new LongAdder();
    private final LongAdder acceptErrors = new LongAdder();
    private final LongAdder bytesIn = new LongAdder();
    private final LongAdder bytesOut = new LongAdder();
    private final AtomicLongArray rejected = new AtomicLongArray(RejectReason.values().length);
    private final AtomicLongArray closed = new AtomicLongArray(CloseReason.values().length);

    void accepted() {
        accepted.increment();
    }

    void acceptError() {
        acceptErrors.increment();
    }

    void rejected(RejectReason reason) {
        rejected.incrementAndGet(reason.ordinal());
    }

    void closed(CloseReason reason) {
        closed.incrementAndGet(reason.ordinal());
    }

    void bytesIn(long n) {
        bytesIn.add(n);
    }

    void bytesOut(long n) {
        bytesOut.add(n);
    }

    ServerStats snapshot(long open) {
        Map<RejectReason, Long> r = new EnumMap<>(RejectReason.class);
        for (RejectReason reason : RejectReason.values()) {
            r.put(reason, rejected.get(reason.ordinal()));
        }
        Map<CloseReason, Long> c = new EnumMap<>(CloseReason.class);
        for (CloseReason reason : CloseReason.values()) {
            c.put(reason, closed.get(reason.ordinal()));
        }
        return new ServerStats(accepted.sum(), Collections.unmodifiableMap(r), open,
                Collections.unmodifiableMap(c), acceptErrors.sum(), bytesIn.sum(), bytesOut.sum());
    }
}
