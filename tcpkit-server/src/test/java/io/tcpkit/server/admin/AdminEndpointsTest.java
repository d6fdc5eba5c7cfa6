package io.tcpkit.server.admin;

import io.tcpkit.testing.Await;
import io.tcpkit.testing.Net;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import static io.tcpkit.server.admin.AdminFixture.TIMEOUT;
import static io.tcpkit.server.admin.AdminFixture.list;
import static org.assertj.core.api.Assertions.assertThat;

/** /varz, /connz, /subsz, /readyz and the kill action against the real services, in-process. */
class AdminEndpointsTest {
    private AdminFixture admin;
    private Socket alice;
    private Socket program;
    private Socket echo;

    @BeforeEach
    void connect() throws Exception {
        admin = new AdminFixture(null);
        alice = Net.connect(admin.chat.port());
        assertThat(Net.readLine(alice)).startsWith("Welcome");
        Net.send(alice, "alice\n");
        assertThat(Net.readLine(alice)).isEqualTo("* The room lobby contains: \n");
        program = Net.connect(admin.command.port());
        Net.send(program, "CLIENT SETNAME bot1\r\n");
        assertThat(Net.readLine(program)).isEqualTo("+OK\r\n");
        echo = Net.connect(admin.echo.port());
        Net.send(echo, "0123456789");
        assertThat(Net.read(echo, 10)).isEqualTo("0123456789");
    }

    @AfterEach
    void close() throws IOException {
        alice.close();
        program.close();
        echo.close();
        admin.close();
    }

    @Test
    void connzListsEveryConnectionWithItsUserAndName() throws Exception {
        Map<String, Object> connz = admin.json("/connz");
        assertThat(connz).containsEntry("state", "open").containsEntry("total", 3L).containsEntry("count", 3L);
        List<Map<String, Object>> connections = list(connz.get("connections"));
        assertThat(connections).extracting(c -> c.get("service")).containsExactly("chat", "command", "echo");
        Map<String, Object> chat = connections.get(0);
        assertThat(chat).containsEntry("user", "default").containsEntry("name", "alice")
                .containsEntry("address", "127.0.0.1:" + alice.getLocalPort())
                .containsKeys("id", "opened", "age_seconds", "idle_seconds", "bytes_in", "bytes_out", "queued_bytes");
        assertThat(chat.get("bytes_in")).isEqualTo(6L); // "alice\n"
        assertThat(connections.get(1)).containsEntry("name", "bot1");
        assertThat(connections.get(2)).containsEntry("bytes_in", 10L).containsEntry("bytes_out", 10L)
                .doesNotContainKeys("user", "name");
    }

    @Test
    void connzFiltersSortsAndPages() throws Exception {
        assertThat(list(admin.json("/connz?service=chat").get("connections")))
                .extracting(c -> c.get("name")).containsExactly("alice");
        assertThat(list(admin.json("/connz?sort=bytes_out").get("connections")))
                .extracting(c -> c.get("service")).containsExactly("chat", "echo", "command"); // 69, 10, 5 bytes
        Map<String, Object> page = admin.json("/connz?limit=1&offset=1");
        assertThat(page).containsEntry("total", 3L).containsEntry("count", 1L).containsEntry("offset", 1L);
        assertThat(list(page.get("connections"))).extracting(c -> c.get("service")).containsExactly("command");
        assertThat(admin.json("/connz?offset=5")).containsEntry("count", 0L);
        for (String bad : List.of("/connz?limit=1001", "/connz?limit=-1", "/connz?offset=x", "/connz?sort=name",
                "/connz?service=nope", "/connz?state=gone", "/subsz?limit=5000")) {
            HttpResponse<String> response = admin.get(bad);
            assertThat(response.statusCode()).as(bad).isEqualTo(400);
        }
        assertThat(admin.get("/connz?limit=1001").body()).isEqualTo("limit must be between 0 and 1000\n");
    }

    @Test
    void subszShowsRoomsWithTheirSubscribers() throws Exception {
        Net.send(program, "SUBSCRIBE lobby news\r\n");
        Await.until("two subscriptions", TIMEOUT, () -> admin.monitoring.hub().subscribers(io.tcpkit.server.hub.Channel.of("news")) == 1);
        Map<String, Object> subsz = admin.json("/subsz");
        assertThat(subsz).containsEntry("total", 2L).containsEntry("patterns", 0L);
        assertThat(list(subsz.get("rooms"))).containsExactly(
                Map.of("name", "lobby", "subscribers", 2L, "chat_members", 1L),
                Map.of("name", "news", "subscribers", 1L, "chat_members", 0L));
    }

    @Test
    void varzGivesTotalsPerService() throws Exception {
        Map<String, Object> varz = admin.json("/varz");
        assertThat(varz).containsEntry("server", "tcpkit").containsEntry("ready", true)
                .containsKeys("version", "java", "pid", "start", "uptime_seconds", "jvm");
        assertThat(varz.get("options")).isEqualTo(Map.of("--host", "127.0.0.1"));
        assertThat(varz.get("chat")).isEqualTo(Map.of("members", 1L, "rooms", 1L));
        Map<String, Object> echoTotals = list(varz.get("services")).get(0);
        assertThat(echoTotals).containsEntry("service", "echo").containsEntry("connections_open", 1L)
                .containsEntry("connections_accepted", 1L).containsEntry("bytes_in", 10L)
                .containsEntry("bytes_out", 10L);
        Net.send(program, "PING\r\n");
        assertThat(Net.readLine(program)).isEqualTo("+PONG\r\n");
        Map<String, Object> commandTotals = list(admin.json("/varz").get("services")).get(2);
        assertThat(commandTotals).containsEntry("service", "command").containsEntry("messages", 2L); // SETNAME, PING
    }

    @Test
    void killClosesTheConnectionAndSaysWhy() throws Exception {
        long id = (Long) list(admin.json("/connz?service=chat").get("connections")).get(0).get("id");
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> closes =
                new ch.qos.logback.core.read.ListAppender<>();
        closes.start();
        ch.qos.logback.classic.Logger log = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(
                io.tcpkit.server.log.ConnectionLog.class);
        log.addAppender(closes);
        HttpResponse<String> killed = admin.post("/kill?id=" + id);
        assertThat(killed.statusCode()).isEqualTo(200);
        assertThat(JsonTree.object(killed.body())).isEqualTo(Map.of("killed", id));
        assertThat(Net.closedByPeer(alice)).isTrue();
        Await.until("the close recorded", TIMEOUT, () -> !admin.monitoring.connectionLog().recentCloses().isEmpty());
        Map<String, Object> closed = list(admin.json("/connz?state=closed").get("connections")).get(0);
        assertThat(closed).containsEntry("id", id).containsEntry("service", "chat").containsEntry("name", "alice")
                .containsEntry("reason", "killed").containsEntry("reason_description", "killed");
        assertThat(admin.auditLines()).anySatisfy(line ->
                assertThat(line).startsWith("admin kill conn-" + id + " (chat, user 'default', name 'alice') from 127.0.0.1:"));
        log.detachAppender(closes);
        synchronized (closes) {
            assertThat(closes.list).anySatisfy(event -> {
                assertThat(event.getLevel()).as("a kill is worth a line at info").isEqualTo(ch.qos.logback.classic.Level.INFO);
                assertThat(event.getFormattedMessage()).matches("chat conn-" + id + " 127\\.0\\.0\\.1:" + alice.getLocalPort()
                        + " user 'default' name 'alice' closed: killed after \\d+ ms, 6 bytes in, 75 bytes out");
            });
        }
        assertThat(admin.post("/kill?id=" + id).statusCode()).isEqualTo(404);
        assertThat(admin.post("/kill").statusCode()).isEqualTo(400);
        assertThat(admin.get("/kill?id=" + id).statusCode()).isEqualTo(405);
    }

    @Test
    void clientKillIsAnAuditLine() throws Exception {
        long aliceId = admin.chat.connections().get(0).id();
        long me = admin.command.connections().get(0).id();
        Net.send(program, "CLIENT KILL ID " + aliceId + "\r\n");
        assertThat(Net.readLine(program)).isEqualTo(":1\r\n");
        assertThat(Net.closedByPeer(alice)).isTrue();
        assertThat(admin.auditLines()).contains(
                "CLIENT KILL by conn-" + me + " user 'default' from 127.0.0.1: closed [conn-" + aliceId + " (chat)]");
    }

    @Test
    void actionsFromAnotherSiteAreRefused() throws Exception {
        long id = (Long) list(admin.json("/connz?service=echo").get("connections")).get(0).get("id");
        HttpResponse<String> crossOrigin = admin.post("/kill?id=" + id, "Origin", "http://evil.example");
        assertThat(crossOrigin.statusCode()).isEqualTo(403);
        assertThat(crossOrigin.body()).isEqualTo("cross-origin requests may not act\n");
        assertThat(admin.post("/kill?id=" + id, "Sec-Fetch-Site", "cross-site").statusCode()).isEqualTo(403);
        assertThat(admin.get("/debug/threads", "Sec-Fetch-Site", "cross-site").statusCode()).isEqualTo(403);
        assertThat(admin.auditLines()).anySatisfy(line -> assertThat(line)
                .matches("admin POST /kill from 127\\.0\\.0\\.1:\\d+ refused: cross-origin requests may not act"));
        assertThat(admin.echo.connections()).hasSize(1);
        assertThat(admin.post("/kill?id=" + id, "Origin", "http://127.0.0.1:" + admin.admin.address().getPort())
                .statusCode()).isEqualTo(200);
    }

    @Test
    void aLoopbackListenerAnswersToLoopbackNamesOnly() throws Exception {
        assertThat(rawGet("/livez", "evil.example:" + admin.admin.address().getPort())).startsWith("HTTP/1.1 403 ");
        assertThat(rawGet("/livez", "localhost:" + admin.admin.address().getPort())).startsWith("HTTP/1.1 200 ")
                .endsWith("\r\n\r\nok\n");
        assertThat(rawGet("/livez", "[::1]:" + admin.admin.address().getPort())).startsWith("HTTP/1.1 200 ");
    }

    /** A GET with a Host header of our choosing, which java.net.http will not send. */
    private String rawGet(String path, String host) throws IOException {
        try (Socket s = Net.connect(admin.admin.address().getPort())) {
            Net.send(s, "GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n");
            return Net.readToEnd(s);
        }
    }

    @Test
    void readyzFollowsTheProgramsLifeAndItsChecks() throws Exception {
        assertThat(admin.get("/readyz").statusCode()).isEqualTo(200);
        assertThat(admin.get("/readyz").body()).isEqualTo("ready\n[+] listeners ok\n");
        String[] hub = {"redis unreachable"};
        admin.monitoring.addReadinessCheck(new io.tcpkit.server.ReadinessCheck() {
            @Override
            public String name() {
                return "hub";
            }

            @Override
            public String notReadyReason() {
                return hub[0];
            }
        });
        HttpResponse<String> notReady = admin.get("/readyz");
        assertThat(notReady.statusCode()).isEqualTo(503);
        assertThat(notReady.body()).isEqualTo("not ready\n[+] listeners ok\n[-] hub: redis unreachable\n");
        assertThat(admin.json("/varz")).containsEntry("ready", false);
        hub[0] = null;
        assertThat(admin.get("/readyz").statusCode()).isEqualTo(200);
        admin.monitoring.draining();
        assertThat(admin.get("/readyz").body()).isEqualTo("not ready\n[-] listeners: draining\n[+] hub ok\n");
        assertThat(admin.get("/livez").statusCode()).isEqualTo(200);
    }

    @Test
    void aProgramNotYetServingIsNotReady() throws Exception {
        Monitoring starting = new Monitoring(false, null, null);
        try (AdminServer server = AdminServer.start("127.0.0.1", 0, null, starting)) {
            java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
            java.net.URI readyz = java.net.URI.create("http://127.0.0.1:" + server.address().getPort() + "/readyz");
            HttpResponse<String> response = http.send(java.net.http.HttpRequest.newBuilder(readyz).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(503);
            assertThat(response.body()).isEqualTo("not ready\n[-] listeners: starting\n");
            starting.serving(Map.of());
            assertThat(http.send(java.net.http.HttpRequest.newBuilder(readyz).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void unknownPathsAreNotFound() throws Exception {
        assertThat(admin.get("/nope").statusCode()).isEqualTo(404);
        assertThat(admin.get("/metrics/x").statusCode()).isEqualTo(404);
        assertThat(admin.get("/index.html").statusCode()).isEqualTo(404);
    }
}
