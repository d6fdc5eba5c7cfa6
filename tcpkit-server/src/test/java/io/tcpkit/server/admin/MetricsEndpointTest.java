package io.tcpkit.server.admin;

import io.tcpkit.testing.Await;
import io.tcpkit.testing.ChildProcess;
import io.tcpkit.testing.Net;
import io.tcpkit.testing.Require;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

import static io.tcpkit.server.admin.AdminFixture.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

/** /metrics after real traffic: exact samples, bounded labels, and promtool's lint. */
class MetricsEndpointTest {
    private AdminFixture admin;

    @BeforeEach
    void start() throws IOException {
        admin = new AdminFixture(null);
    }

    @AfterEach
    void stop() {
        admin.close();
    }

    @Test
    void countsConnectionsBytesCommandsAndPubSub() throws Exception {
        try (Socket alice = Net.connect(admin.chat.port()); Socket program = Net.connect(admin.command.port())) {
            Net.readLine(alice);
            Net.send(alice, "alice\n");
            Net.readLine(alice);
            try (Socket echo = Net.connect(admin.echo.port())) {
                Net.send(echo, "hello");
                assertThat(Net.read(echo, 5)).isEqualTo("hello");
            }
            Await.until("the echo connection closed", TIMEOUT, () -> admin.echo.stats().closedTotal() == 1);
            Net.send(program, "PING\r\nPING\r\nNOSUCH alice\r\nSUBSCRIBE\r\nPUBLISH lobby hi\r\n");
            assertThat(Net.readLine(program)).isEqualTo("+PONG\r\n");
            assertThat(Net.readLine(program)).isEqualTo("+PONG\r\n");
            assertThat(Net.readLine(program)).startsWith("-ERR unknown command 'NOSUCH'");
            assertThat(Net.readLine(program)).startsWith("-ERR wrong number of arguments for 'subscribe'");
            assertThat(Net.readLine(program)).isEqualTo(":1\r\n");
            assertThat(Net.readLine(alice)).isEqualTo("[client#" + admin.command.connections().get(0).id() + "] hi\n");

            HttpResponse<String> response = admin.get("/metrics");
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
            String metrics = response.body();
            assertThat(metrics.lines()).contains(
                    "tcpkit_connections_open{service=\"chat\"} 1.0",
                    "tcpkit_connections_open{service=\"echo\"} 0.0",
                    "tcpkit_connections_accepted_total{service=\"echo\"} 1.0",
                    "tcpkit_connections_closed_total{reason=\"peer_closed\",service=\"echo\"} 1.0",
                    "tcpkit_connections_closed_total{reason=\"slow_consumer\",service=\"chat\"} 0.0",
                    "tcpkit_connections_closed_total{reason=\"tls_handshake_failed\",service=\"echo\"} 0.0",
                    "tcpkit_connections_refused_total{reason=\"max_connections\",service=\"command\"} 0.0",
                    "tcpkit_received_bytes_total{service=\"echo\"} 5.0",
                    "tcpkit_sent_bytes_total{service=\"echo\"} 5.0",
                    "tcpkit_connection_duration_seconds_count{service=\"echo\"} 1",
                    "tcpkit_commands_total{command=\"ping\"} 2.0",
                    "tcpkit_command_errors_total{command=\"ping\"} 0.0",
                    "tcpkit_commands_total{command=\"other\"} 1.0",
                    "tcpkit_command_errors_total{command=\"other\"} 1.0",
                    "tcpkit_command_errors_total{command=\"subscribe\"} 1.0",
                    "tcpkit_commands_total{command=\"publish\"} 1.0",
                    "tcpkit_pubsub_messages_published_total{service=\"command\"} 1.0",
                    "tcpkit_pubsub_messages_delivered_total{service=\"command\"} 1.0",
                    "tcpkit_pubsub_messages_published_total{service=\"chat\"} 1.0", // alice has entered the room
                    "tcpkit_pubsub_messages_delivered_total{service=\"chat\"} 0.0",
                    "tcpkit_chat_members 1.0",
                    "tcpkit_chat_rooms 1.0",
                    "tcpkit_pubsub_channels 1.0",
                    "tcpkit_queued_bytes{service=\"chat\"} 0.0",
                    "tcpkit_build_info{java_version=\"" + Runtime.version() + "\",version=\""
                            + io.tcpkit.server.BuildInfo.version() + "\"} 1");
            assertThat(metrics).contains("\njvm_memory_used_bytes{area=\"heap\"} ", "\njvm_threads_current ",
                    "\n# TYPE tcpkit_connections_closed_total counter\n",
                    "\n# TYPE tcpkit_command_duration_seconds histogram\n",
                    "\ntcpkit_command_duration_seconds_bucket{command=\"ping\",le=\"1.0E-5\"} ");
            if (Runtime.version().feature() >= 24) {
                assertThat(metrics).contains("\njvm_virtual_thread_scheduler_parallelism ", "\njvm_virtual_threads_mounted ");
            }
            // Never labelled by who: no address, user, chat name or unknown command name.
            assertThat(metrics).doesNotContain("alice", "127.0.0.1", "nosuch", "lobby", "default");
        }
    }

    @Test
    void everyMetricTheGrafanaDashboardUsesIsExported() throws Exception {
        try (Socket program = Net.connect(admin.command.port())) {
            Net.send(program, "PING\r\n");
            Net.readLine(program); // so that the command histogram has a series
            String metrics = admin.get("/metrics").body();
            assertThat(Dashboard.metrics()).hasSizeGreaterThan(20).allSatisfy(name ->
                    assertThat(metrics).as("the dashboard's " + name).containsPattern("(?m)^" + name + "[{ ]"));
        }
    }

    @Test
    void askedForOpenMetricsItAnswersInOpenMetrics() throws Exception {
        HttpResponse<String> response = admin.get("/metrics",
                "Accept", "application/openmetrics-text; version=1.0.0; charset=utf-8");
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/openmetrics-text"));
        assertThat(response.body()).contains("\ntcpkit_connections_accepted_total{service=\"echo\"} 0.0\n")
                .endsWith("# EOF\n");
    }

    @Test
    void promtoolFindsNothingToCorrect() throws Exception {
        Path promtool = Require.tool("promtool");
        try (Socket program = Net.connect(admin.command.port())) {
            Net.send(program, "PING\r\nNOSUCH\r\n");
            Net.readLine(program);
            Net.readLine(program);
            byte[] metrics = admin.get("/metrics").body().getBytes(StandardCharsets.UTF_8);
            ChildProcess check = ChildProcess.run(Duration.ofSeconds(30), metrics, promtool.toString(), "check", "metrics");
            assertThat(check.output()).isEmpty();
            assertThat(check.exitValue()).isZero();
        }
    }
}
