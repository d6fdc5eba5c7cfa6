package io.tcpkit;

import java.util.Map;

/**
 * Counters of one listener since it started, as a snapshot.
 *
 * @param accepted connections accepted by the kernel (including those then rejected)
 * @param rejected connections refused before their handler ran, by reason
 * @param open     connections whose handler is running now
 * @param closed   connections that have finished, by reason
 * @param acceptErrors failures of accept() itself (for example too many open files)
 */
public record ServerStats(
        long accepted,
        Map<RejectReason, Long> rejected,
        long open,
        Map<CloseReason, Long> closed,
        long acceptErrors,
        long bytesIn,
        long bytesOut) {

    public long rejectedTotal() {
        return rejected.values().stream().mapToLong(Long::longValue).sum();
    }

    public long closedTotal() {
        return closed.values().stream().mapToLong(Long::longValue).sum();
    }
}
