package io.tcpkit.server.metrics;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

class CommandCountersTest {
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final CommandCounters counters = new CommandCounters(registry);

    @Test
    void countsEveryCommandAndTimesASample() throws IOException {
        int n = 80_000;
        for (int i = 0; i < n; i++) {
            boolean timed = counters.timeNext();
            counters.commandRan("ping", timed ? 20_000 : -1, i % 4 == 0);
        }
        String text = text();
        assertThat(text).contains("\ntcpkit_commands_total{command=\"ping\"} 80000.0\n",
                "\ntcpkit_command_errors_total{command=\"ping\"} 20000.0\n");
        long timed = sample(text, "tcpkit_command_duration_seconds_count\\{command=\"ping\"} (\\d+)");
        // One in 8 on average: 10,000, with a standard deviation of 94; the bounds are 10 of them away.
        assertThat(timed).isBetween(9_060L, 10_940L);
        assertThat(text).contains("tcpkit_command_duration_seconds_bucket{command=\"ping\",le=\"1.0E-5\"} 0\n",
                "tcpkit_command_duration_seconds_bucket{command=\"ping\",le=\"5.0E-5\"} " + timed + "\n");
    }

    @Test
    void unknownCommandsAndTooManyNamesAreOther() throws IOException {
        counters.commandRan(null, -1, true);
        for (int i = 0; i < CommandCounters.MAX_COMMANDS + 10; i++) {
            counters.commandRan("cmd" + i, -1, false);
        }
        String text = text();
        assertThat(text).contains("tcpkit_commands_total{command=\"cmd0\"} 1.0\n",
                "tcpkit_commands_total{command=\"other\"} 11.0\n", "tcpkit_command_errors_total{command=\"other\"} 1.0\n")
                .doesNotContain("command=\"cmd" + (CommandCounters.MAX_COMMANDS + 9) + "\"");
        assertThat(text.lines().filter(l -> l.startsWith("tcpkit_commands_total{"))).hasSize(CommandCounters.MAX_COMMANDS + 1); // and other
    }

    private String text() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(out, registry.scrape());
        return out.toString(StandardCharsets.UTF_8);
    }

    private static long sample(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertThat(m.find()).as(regex).isTrue();
        return Long.parseLong(m.group(1));
    }
}
