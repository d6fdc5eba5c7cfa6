package io.tcpkit.server.command;

import io.tcpkit.Limits;
import io.tcpkit.server.testing.RedisServer;
import io.tcpkit.server.testing.Services;
import io.tcpkit.testing.LineClient;
import io.tcpkit.testing.RespClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * INFO as redis_exporter and redis-cli read it: Redis 7's sections in Redis's order and shape
 * ({@code # Section} headers, {@code key:value} lines, CRLF, a blank line between sections), the
 * same section names as redis-server's, and real figures for the whole program: clients and
 * connections over echo, chat and command, pub/sub counts, memory, CPU and error counts.
 */
@Timeout(120)
class InfoTest {
    /** The INFO text as sections of fields, checking its shape line by line. */
    private static Map<String, Map<String, String>> parse(String info) {
        assertThat(info).endsWith("\r\n").doesNotContain("\r\n\r\n\r\n");
        Map<String, Map<String, String>> sections = new LinkedHashMap<>();
        Map<String, String> current = null;
        for (String line : info.split("\r\n", -1)) {
            if (line.startsWith("# ")) {
                current = new LinkedHashMap<>();
                sections.put(line.substring(2), current);
            } else if (!line.isEmpty()) {
                assertThat(line).as("a field line").matches("[A-Za-z_0-9]+:[^\r\n]*");
                assertThat(current).as("a field before any section: %s", line).isNotNull();
                int colon = line.indexOf(':');
                current.put(line.substring(0, colon), line.substring(colon + 1));
            }
        }
        return sections;
    }

    private static String bulkText(String reply) {
        return reply.substring(reply.indexOf("\r\n") + 2, reply.length() - 2);
    }

    @Test
    void sectionsAreRedissInRedissOrder() throws Exception {
        try (RedisServer redis = RedisServer.start(); Services tcpkit = Services.withCommand();
             RespClient r = RespClient.connect(redis.port()); RespClient t = RespClient.connect(tcpkit.command().port())) {
            List<String> redisSections = new ArrayList<>(parse(bulkText(r.call("INFO"))).keySet());
            assertThat(new ArrayList<>(parse(bulkText(t.call("INFO"))).keySet())).isEqualTo(redisSections);
            assertThat(new ArrayList<>(parse(bulkText(t.call("INFO", "everything"))).keySet())).isEqualTo(redisSections);
            // An empty keyspace, an unknown section and several sections: the same bytes as Redis.
            for (List<String> args : List.of(List.of("INFO", "keyspace"), List.of("INFO", "nosuch"),
                    List.of("INFO", "KEYSPACE", "modules"), List.of("INFO", "cluster"))) {
                assertThat(t.call(args.toArray(String[]::new))).as("%s", args)
                        .isEqualTo(r.call(args.toArray(String[]::new)));
            }
            assertThat(parse(bulkText(t.call("INFO", "clients", "cpu"))).keySet()).containsExactly("Clients", "CPU");
        }
    }

    @Test
    void figuresAreTheWholeServers() throws Exception {
        try (Services tcpkit = new Services()) {
            int echo = tcpkit.startEcho(Limits.DEFAULT).port();
            int chat = tcpkit.startChat(Limits.DEFAULT).port();
            int command = tcpkit.startCommand(Limits.DEFAULT).port();
            try (LineClient e = LineClient.connect(echo); LineClient person = LineClient.connect(chat);
                 RespClient c = RespClient.connect(command); RespClient sub = RespClient.connect(command)) {
                e.send("hi\n");
                assertThat(e.readLine()).isEqualTo("hi");
                person.readLine(); // the chat's greeting: the connection is open
                sub.call("SUBSCRIBE", "news");
                sub.call("PSUBSCRIBE", "n*");
                c.call("NOSUCH");
                c.call("ECHO");
                Map<String, Map<String, String>> info = parse(bulkText(c.call("INFO")));
                assertThat(info.get("Clients")).containsEntry("connected_clients", "4");
                assertThat(info.get("Clients")).containsEntry("pubsub_clients", "1");
                Map<String, String> stats = info.get("Stats");
                assertThat(stats).containsEntry("total_connections_received", "4")
                        .containsEntry("pubsub_channels", "1").containsEntry("pubsub_patterns", "1")
                        .containsEntry("rejected_connections", "0").containsEntry("total_error_replies", "2");
                // SUBSCRIBE, PSUBSCRIBE, NOSUCH, ECHO and this INFO.
                assertThat(stats).containsEntry("total_commands_processed", "5");
                assertThat(Long.parseLong(stats.get("total_net_input_bytes"))).isGreaterThan(0);
                assertThat(Long.parseLong(stats.get("total_net_output_bytes"))).isGreaterThan(0);
                assertThat(Long.parseLong(stats.get("instantaneous_ops_per_sec"))).isGreaterThanOrEqualTo(0);
                assertThat(info.get("Errorstats")).containsExactly(Map.entry("errorstat_ERR", "count=2"));
                Map<String, String> memory = info.get("Memory");
                long used = Long.parseLong(memory.get("used_memory"));
                assertThat(used).isPositive();
                assertThat(Long.parseLong(memory.get("used_memory_rss"))).isPositive();
                assertThat(Long.parseLong(memory.get("maxmemory"))).isEqualTo(Runtime.getRuntime().maxMemory());
                assertThat(Double.parseDouble(info.get("CPU").get("used_cpu_user"))
                        + Double.parseDouble(info.get("CPU").get("used_cpu_sys"))).isPositive();
                assertThat(info.get("Server")).containsEntry("redis_mode", "standalone")
                        .containsEntry("process_id", Long.toString(ProcessHandle.current().pid()))
                        .containsEntry("tcp_port", Integer.toString(command));
                assertThat(info.get("Server").get("run_id")).matches("[0-9a-f]{40}");
                assertThat(info.get("Keyspace")).isEmpty();
                assertThat(info.get("Replication")).containsEntry("role", "master");
            }
        }
    }

    @Test
    void opsPerSecondIsTheRateBetweenTheLastTwoSamples() {
        long s = 1_000_000_000L;
        OpsRate rate = new OpsRate(0);
        assertThat(rate.perSecond(500, s)).as("the first: since the start").isEqualTo(500);
        assertThat(rate.perSecond(900, s + OpsRate.MIN_INTERVAL_NANOS - 1)).as("too soon: the last rate")
                .isEqualTo(500);
        assertThat(rate.perSecond(2_500, 3 * s)).as("2,000 in 2 s").isEqualTo(1_000);
        assertThat(rate.perSecond(2_500, 4 * s)).as("idle").isZero();
    }

    @Test
    void humanSizesAreWrittenAsRedisWritesThem() {
        assertThat(Info.human(200)).isEqualTo("200B");
        assertThat(Info.human(941_648)).isEqualTo("919.58K");
        assertThat(Info.human(7_192_576)).isEqualTo("6.86M");
    }
}
