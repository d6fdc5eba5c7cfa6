package io.tcpkit.server.command;

import io.tcpkit.TcpServer;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * What INFO needs beyond the service's own counters: every listener of the program (for
 * whole-server clients and traffic), error replies by code (errorstats), the ops-per-second
 * sampler and the run id. Counted on connections' threads, read by INFO on any.
 */
final class InfoFigures {
    /** How many kinds of error errorstats counts, as Redis. */
    static final int MAX_ERROR_CODES = 128;

    private final ConcurrentHashMap<String, LongAdder> errors = new ConcurrentHashMap<>();
    private final OpsRate opsRate = new OpsRate(System.nanoTime());
    private final String runId;
    private volatile Supplier<List<TcpServer>> listeners;

    InfoFigures(Supplier<List<TcpServer>> ownListener) {
        this.listeners = ownListener;
        byte[] id = new byte[20];
        new SecureRandom().nextBytes(id);
        this.runId = HexFormat.of().formatHex(id);
    }

    void listeners(Supplier<List<TcpServer>> all) {
        this.listeners = all;
    }

    List<TcpServer> listeners() {
        return listeners.get();
    }

    /** Counts an error reply by its code; past 128 kinds new ones are not counted, as in Redis (ours are a handful). */
    void errorReplied(String code) {
        if (errors.size() < MAX_ERROR_CODES || errors.containsKey(code)) {
            errors.computeIfAbsent(code, k -> new LongAdder()).increment();
        }
    }

    /** Error replies so far by code, sorted. */
    SortedMap<String, Long> errors() {
        SortedMap<String, Long> counts = new TreeMap<>();
        errors.forEach((k, v) -> counts.put(k, v.sum()));
        return counts;
    }

    long opsPerSecond(long commandsProcessed) {
        return opsRate.perSecond(commandsProcessed, System.nanoTime());
    }

    String runId() {
        return runId;
    }
}
