package io.tcpkit.server.admin;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The Grafana dashboard in docs/grafana/tcpkit.json: its PromQL queries and the metrics they name. */
final class Dashboard {
    static final Path FILE = Path.of("../docs/grafana/tcpkit.json");
    private static final Pattern METRIC = Pattern.compile("\\b((?:tcpkit|jvm|process)_[a-z_]+)");

    private Dashboard() {
    }

    /** Every query, with Grafana's variables given values Prometheus understands. */
    @SuppressWarnings("unchecked")
    static List<String> queries() throws IOException {
        Map<String, Object> dashboard = JsonTree.object(Files.readString(FILE));
        return ((List<Map<String, Object>>) dashboard.get("panels")).stream()
                .flatMap(panel -> ((List<Map<String, Object>>) panel.getOrDefault("targets", List.of())).stream())
                .map(target -> ((String) target.get("expr"))
                        .replace("$__rate_interval", "1m").replace("$instance", ".*"))
                .toList();
    }

    /** The metric names the queries use (tcpkit_*, jvm_*, process_*). */
    static Set<String> metrics() throws IOException {
        Set<String> names = new TreeSet<>();
        for (String query : queries()) {
            Matcher m = METRIC.matcher(query);
            while (m.find()) {
                names.add(m.group(1));
            }
        }
        return names;
    }
}
