package io.tcpkit.server.admin;

import io.tcpkit.server.testing.Tcpkit;
import io.tcpkit.testing.ChildProcess;
import io.tcpkit.testing.Net;
import io.tcpkit.testing.Require;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real Prometheus (Debian's {@code prometheus}), configured from the example in
 * {@code docs/prometheus/prometheus.yml}, scrapes a running {@code tcpkit serve}; a PromQL query
 * then returns the number of open connections.
 */
class PrometheusScrapeTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Path EXAMPLE = Path.of("../docs/prometheus/prometheus.yml");

    @Test
    void prometheusScrapesTheOpenConnections(@TempDir Path dir) throws Exception {
        Path prometheus = Require.tool("prometheus");
        int adminPort = ProgramAdmin.freePort();
        String config = Files.readString(EXAMPLE)
                .replace("scrape_interval: 15s", "scrape_interval: 1s")
                .replace("'127.0.0.1:7080'", "'127.0.0.1:" + adminPort + "'");
        assertThat(config).contains("127.0.0.1:" + adminPort).contains("scrape_interval: 1s");
        Files.writeString(dir.resolve("prometheus.yml"), config);
        int prometheusPort = ProgramAdmin.freePort();
        try (ChildProcess serve = ProgramAdmin.start(adminPort, "command", "serve", "--echo-port", "0", "--chat-port", "0",
                "--command-port", "0");
             Socket one = Net.connect(Tcpkit.awaitPort(serve, "echo"));
             Socket two = Net.connect(Tcpkit.awaitPort(serve, "echo"))) {
            assertThat(one.isConnected() && two.isConnected()).isTrue(); // held open while Prometheus scrapes
            ChildProcess server = ChildProcess.start(dir, List.of(prometheus.toString(),
                    "--config.file=" + dir.resolve("prometheus.yml"),
                    "--storage.tsdb.path=" + dir.resolve("data"),
                    "--web.listen-address=127.0.0.1:" + prometheusPort,
                    "--log.level=warn"));
            try (HttpClient http = HttpClient.newHttpClient()) {
                String query = "sum(tcpkit_connections_open{job=\"tcpkit\",service=\"echo\"})";
                String value = awaitValue(http, prometheusPort, query, "2", server);
                assertThat(value).isEqualTo("2");
                assertThat(awaitValue(http, prometheusPort, "up{job=\"tcpkit\"}", "1", server)).isEqualTo("1");
                assertThat(awaitValue(http, prometheusPort,
                        "count(tcpkit_build_info{version=\"" + io.tcpkit.server.BuildInfo.version() + "\"})", "1",
                        server)).isEqualTo("1");
                for (String dashboardQuery : Dashboard.queries()) {
                    assertThat(status(http, prometheusPort, dashboardQuery)).as(dashboardQuery).isEqualTo("success");
                }
            } finally {
                server.stop(Duration.ofSeconds(20));
            }
        }
    }

    /** The status of one query ("success", or "error" for one Prometheus cannot run). */
    private static String status(HttpClient http, int port, String query) throws Exception {
        URI uri = URI.create("http://127.0.0.1:" + port + "/api/v1/query?query="
                + URLEncoder.encode(query, StandardCharsets.UTF_8));
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        return (String) JsonTree.object(response.body()).get("status");
    }

    /** Queries until the single result is {@code expected}; returns the last value seen (or fails on the deadline). */
    @SuppressWarnings("unchecked")
    private static String awaitValue(HttpClient http, int port, String query, String expected, ChildProcess server)
            throws Exception {
        URI uri = URI.create("http://127.0.0.1:" + port + "/api/v1/query?query="
                + URLEncoder.encode(query, StandardCharsets.UTF_8));
        long deadline = System.nanoTime() + WAIT.toNanos();
        String last = "(no answer)";
        while (System.nanoTime() < deadline) {
            if (!server.isAlive()) {
                throw new AssertionError("prometheus exited " + server.exitValue() + ": " + server.output());
            }
            try {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
                        .build(), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    Map<String, Object> data = (Map<String, Object>) JsonTree.object(response.body()).get("data");
                    List<Map<String, Object>> result = (List<Map<String, Object>>) data.get("result");
                    if (result.size() == 1) {
                        last = (String) ((List<Object>) result.get(0).get("value")).get(1);
                        if (last.equals(expected)) {
                            return last;
                        }
                    }
                }
            } catch (java.net.ConnectException e) {
                last = "(prometheus not listening yet)";
            }
            Thread.sleep(200); // a poll interval: Prometheus scrapes once a second
        }
        throw new AssertionError(query + " never returned " + expected + "; last: " + last + "; log: " + server.output());
    }
}
