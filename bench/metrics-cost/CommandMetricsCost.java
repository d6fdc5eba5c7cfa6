package io.tcpkit.server.metrics;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * What metrics add to each command of the command protocol, in thread CPU time (which a loaded
 * machine disturbs far less than wall time): two clock reads, every command timed, and the sample
 * of one in {@link CommandCounters#LATENCY_SAMPLE} that the program uses. Run with bench/metrics-cost/run.
 */
public class CommandMetricsCost {
    static long sink;

    public static void main(String[] args) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        CommandCounters counters = new CommandCounters(new PrometheusRegistry());
        int n = 20_000_000;
        for (int round = 0; round < 4; round++) {
            long c0 = threads.getCurrentThreadCpuTime();
            for (int i = 0; i < n; i++) {
                sink += i;
            }
            long c1 = threads.getCurrentThreadCpuTime();
            for (int i = 0; i < n; i++) {
                long t = System.nanoTime();
                sink += System.nanoTime() - t;
            }
            long c2 = threads.getCurrentThreadCpuTime();
            for (int i = 0; i < n; i++) {
                long t = System.nanoTime();
                counters.commandRan("ping", System.nanoTime() - t, false);
            }
            long c3 = threads.getCurrentThreadCpuTime();
            for (int i = 0; i < n; i++) {
                boolean timed = counters.timeNext();
                long t = timed ? System.nanoTime() : 0;
                counters.commandRan("ping", timed ? System.nanoTime() - t : -1, false);
            }
            long c4 = threads.getCurrentThreadCpuTime();
            System.out.printf("round %d: loop %.1f ns, two nanoTime %.1f ns, every command timed %.1f ns, sampled %.1f ns per command%n",
                    round, (c1 - c0) / (double) n, (c2 - c1) / (double) n, (c3 - c2) / (double) n, (c4 - c3) / (double) n);
        }
    }
}
