package io.tcpkit.server.command;

import io.tcpkit.Limits;
import io.tcpkit.ServerStats;
import io.tcpkit.TcpServer;
import io.tcpkit.server.BuildInfo;
import io.tcpkit.server.hub.Glob;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * INFO: Redis 7's sections, in the shape redis_exporter and redis-cli read ({@code # Section}
 * headers, {@code key:value} lines, CRLF, a blank line between sections), with real figures for
 * the whole program: clients and traffic over every listener (echo, chat and command), memory
 * from the JVM's heap and the process's resident set, CPU time from the kernel. Fields tcpkit has
 * no counterpart for (persistence, replication) say what Redis says when it has none.
 */
final class Info {
    /** What INFO without arguments, "default", gives (as Redis 7: all but commandstats and latencystats). */
    static final List<String> SECTIONS = List.of("server", "clients", "memory", "persistence", "stats",
            "replication", "cpu", "modules", "errorstats", "cluster", "keyspace");
    private static final Set<String> ALL = Set.of("all", "default", "everything");
    /** Linux reports process CPU time in USER_HZ ticks, 100 a second on every architecture it runs on. */
    private static final double TICKS_PER_SECOND = 100.0;

    private Info() {
    }

    /** The INFO text for the sections asked for (lower-case names; none, all, default or everything: all). */
    static String text(CommandContext ctx, List<String> wanted) {
        boolean all = wanted.isEmpty() || wanted.stream().anyMatch(ALL::contains);
        StringBuilder sb = new StringBuilder();
        for (String name : SECTIONS) {
            if (!all && !wanted.contains(name)) {
                continue;
            }
            if (!sb.isEmpty()) {
                sb.append("\r\n");
            }
            sb.append("# ").append(title(name)).append("\r\n");
            section(ctx, name).forEach((k, v) -> sb.append(k).append(':').append(v).append("\r\n"));
        }
        return sb.toString();
    }

    private static String title(String name) {
        return switch (name) {
            case "cpu" -> "CPU";
            case "errorstats" -> "Errorstats";
            default -> Character.toUpperCase(name.charAt(0)) + name.substring(1);
        };
    }

    private static Map<String, Object> section(CommandContext ctx, String name) {
        CommandService service = ctx.service;
        Map<String, Object> m = new LinkedHashMap<>();
        switch (name) {
            case "server" -> {
                TcpServer server = service.server();
                long uptime = Duration.between(service.startedAt(), Instant.now()).toSeconds();
                m.put("redis_version", ServerCommands.REDIS_COMPATIBLE_VERSION);
                m.put("tcpkit_version", BuildInfo.version());
                m.put("redis_mode", "standalone");
                m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                        + System.getProperty("os.arch"));
                m.put("arch_bits", 64);
                m.put("multiplexing_api", "java-virtual-threads");
                m.put("java_version", Runtime.version());
                m.put("process_id", ProcessHandle.current().pid());
                m.put("run_id", service.figures().runId());
                m.put("tcp_port", server == null ? 0 : server.port());
                m.put("server_time_usec", nowMicros());
                m.put("uptime_in_seconds", uptime);
                m.put("uptime_in_days", uptime / 86_400);
                m.put("executable", ProcessHandle.current().info().command().orElse(""));
                m.put("config_file", "");
            }
            case "clients" -> {
                TcpServer server = service.server();
                m.put("connected_clients", sum(service, ServerStats::open));
                m.put("cluster_connections", 0);
                m.put("maxclients", server == null ? Limits.DEFAULT_MAX_CONNECTIONS : server.limits().maxConnections());
                m.put("blocked_clients", 0);
                m.put("tracking_clients", 0);
                m.put("pubsub_clients", service.hub() == null ? 0 : service.sessions().list().stream()
                        .filter(s -> s.subscribedRooms() + s.subscribedPatterns() > 0).count());
            }
            case "memory" -> {
                Runtime rt = Runtime.getRuntime();
                long used = rt.totalMemory() - rt.freeMemory();
                long rss = residentBytes();
                m.put("used_memory", used);
                m.put("used_memory_human", human(used));
                m.put("used_memory_rss", rss);
                m.put("used_memory_rss_human", human(rss));
                m.put("used_memory_heap_committed", rt.totalMemory());
                m.put("total_system_memory", 0);
                m.put("maxmemory", rt.maxMemory());
                m.put("maxmemory_human", human(rt.maxMemory()));
                m.put("maxmemory_policy", "noeviction");
                m.put("mem_fragmentation_ratio", used == 0 ? "0.00" : String.format(java.util.Locale.ROOT, "%.2f", (double) rss / used));
            }
            case "persistence" -> {
                m.put("loading", 0);
                m.put("async_loading", 0);
                m.put("rdb_changes_since_last_save", 0);
                m.put("rdb_bgsave_in_progress", 0);
                m.put("rdb_last_save_time", service.startedAt().getEpochSecond());
                m.put("rdb_last_bgsave_status", "ok");
                m.put("aof_enabled", 0);
                m.put("aof_rewrite_in_progress", 0);
                m.put("aof_last_bgrewrite_status", "ok");
                m.put("aof_last_write_status", "ok");
            }
            case "stats" -> {
                m.put("total_connections_received", sum(service, ServerStats::accepted));
                m.put("total_commands_processed", service.commandsProcessed());
                m.put("instantaneous_ops_per_sec", service.figures().opsPerSecond(service.commandsProcessed()));
                m.put("total_net_input_bytes", sum(service, ServerStats::bytesIn));
                m.put("total_net_output_bytes", sum(service, ServerStats::bytesOut));
                m.put("rejected_connections", sum(service, ServerStats::rejectedTotal));
                m.put("expired_keys", 0);
                m.put("evicted_keys", 0);
                m.put("keyspace_hits", 0);
                m.put("keyspace_misses", 0);
                m.put("pubsub_channels", service.hub() == null ? 0 : service.hub().rooms(Glob.of("*")).size());
                m.put("pubsub_patterns", service.hub() == null ? 0 : service.hub().patterns());
                m.put("total_error_replies", service.figures().errors().values().stream().mapToLong(Long::longValue).sum());
            }
            case "replication" -> {
                m.put("role", "master");
                m.put("connected_slaves", 0);
                m.put("master_failover_state", "no-failover");
                m.put("master_replid", "0".repeat(40));
                m.put("master_repl_offset", 0);
                m.put("repl_backlog_active", 0);
            }
            case "cpu" -> {
                double[] cpu = cpuSeconds();
                m.put("used_cpu_sys", String.format(java.util.Locale.ROOT, "%.6f", cpu[1]));
                m.put("used_cpu_user", String.format(java.util.Locale.ROOT, "%.6f", cpu[0]));
                m.put("used_cpu_sys_children", "0.000000");
                m.put("used_cpu_user_children", "0.000000");
            }
            case "errorstats" -> service.figures().errors().forEach((code, n) -> m.put("errorstat_" + code, "count=" + n));
            case "cluster" -> m.put("cluster_enabled", 0);
            default -> {
                // modules and keyspace: none.
            }
        }
        return m;
    }

    private static long sum(CommandService service, java.util.function.ToLongFunction<ServerStats> field) {
        long total = 0;
        for (TcpServer s : service.figures().listeners()) {
            total += field.applyAsLong(s.stats());
        }
        return total;
    }

    private static long nowMicros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000 + now.getNano() / 1_000;
    }

    /** As Redis writes sizes: 919.58K, 6.86M, 200B. */
    static String human(long bytes) {
        String[] units = {"B", "K", "M", "G", "T"};
        double v = bytes;
        int u = 0;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return u == 0 ? bytes + "B" : String.format(java.util.Locale.ROOT, "%.2f%s", v, units[u]);
    }

    /** VmRSS from /proc/self/status, in bytes; 0 where there is no /proc. */
    private static long residentBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    String kb = line.substring(6).trim().split("\\s+")[0];
                    return Long.parseLong(kb) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // No /proc here.
        }
        return 0;
    }

    /**
     * User and system CPU seconds of the process, from /proc/self/stat (fields 14 and 15, after
     * the parenthesised name, which may hold spaces); elsewhere, all of the JVM's CPU time as user.
     */
    private static double[] cpuSeconds() {
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // f[0] is field 3 (state): utime is field 14, stime field 15.
            return new double[] {Long.parseLong(f[11]) / TICKS_PER_SECOND, Long.parseLong(f[12]) / TICKS_PER_SECOND};
        } catch (IOException | NumberFormatException | IndexOutOfBoundsException e) {
            Duration total = ProcessHandle.current().info().totalCpuDuration().orElse(Duration.ZERO);
            return new double[] {total.toNanos() / 1e9, 0};
        }
    }
}
