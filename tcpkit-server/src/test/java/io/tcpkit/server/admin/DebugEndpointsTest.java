package io.tcpkit.server.admin;

import io.tcpkit.testing.Await;
import io.tcpkit.testing.Net;
import org.junit.jupiter.api.Test;

import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;

import static io.tcpkit.server.admin.AdminFixture.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

/** /debug/threads, /debug/jfr and the page's files; who may use the debug endpoints. */
class DebugEndpointsTest {

    @Test
    void threadDumpIsJsonAndShowsConnectionsVirtualThreads() throws Exception {
        try (AdminFixture admin = new AdminFixture(null); Socket alice = Net.connect(admin.chat.port())) {
            Net.readLine(alice);
            // Half a name: the connection's thread waits for the rest (an idle one would have none).
            Net.send(alice, "ali");
            Await.until("a thread reading the rest of the name", TIMEOUT,
                    () -> admin.chat.connections().get(0).state() == io.tcpkit.ConnectionState.ACTIVE
                            && admin.chat.stats().bytesIn() == 3);
            HttpResponse<String> dump = admin.get("/debug/threads");
            assertThat(dump.statusCode()).isEqualTo(200);
            assertThat(dump.headers().firstValue("Content-Type")).hasValue("application/json");
            String name = "conn-" + admin.chat.connections().get(0).id() + " 127.0.0.1:" + alice.getLocalPort();
            assertThat(JsonTree.object(dump.body())).containsKey("threadDump");
            assertThat(dump.body()).contains("\"name\": \"" + name + "\"", "\"virtual\": true");
            assertThat(admin.auditLines()).anySatisfy(l -> assertThat(l).startsWith("admin thread dump from 127.0.0.1:"));
        }
    }

    @Test
    void jfrRecordsOneAtATime() throws Exception {
        try (AdminFixture admin = new AdminFixture(null)) {
            CompletableFuture<HttpResponse<byte[]>> first = CompletableFuture.supplyAsync(() -> {
                try {
                    return admin.getBytes("/debug/jfr?seconds=2");
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            Await.until("the first recording to start", TIMEOUT,
                    () -> admin.auditLines().stream().anyMatch(l -> l.startsWith("admin JFR recording of 2 s")));
            HttpResponse<String> second = admin.get("/debug/jfr?seconds=1");
            assertThat(second.statusCode()).isEqualTo(409);
            assertThat(second.body()).isEqualTo("a recording is already running; try again when it ends\n");
            HttpResponse<byte[]> recording = first.get();
            assertThat(recording.statusCode()).isEqualTo(200);
            assertThat(recording.headers().firstValue("Content-Disposition")).hasValueSatisfying(
                    v -> assertThat(v).matches("attachment; filename=\"tcpkit-\\d+\\.jfr\""));
            assertThat(new String(Arrays.copyOf(recording.body(), 4), StandardCharsets.ISO_8859_1)).isEqualTo("FLR\0");
            assertThat(admin.get("/debug/jfr?seconds=0").statusCode()).isEqualTo(400);
            assertThat(admin.get("/debug/jfr?seconds=" + (Debug.MAX_JFR_SECONDS + 1)).body())
                    .isEqualTo("seconds must be between 1 and " + Debug.MAX_JFR_SECONDS + "\n");
            assertThat(admin.auditLines().stream().filter(l -> l.startsWith("admin JFR recording")))
                    .as("only the recording that ran is an audit line").hasSize(1);
        }
    }

    @Test
    void withATokenEveryActionNeedsIt() throws Exception {
        try (AdminFixture admin = new AdminFixture("s3cret-token")) {
            HttpResponse<String> none = admin.get("/debug/threads");
            assertThat(none.statusCode()).isEqualTo(403);
            assertThat(none.body()).isEqualTo("an admin token is required (Authorization: Bearer TOKEN)\n");
            assertThat(admin.get("/debug/threads", "Authorization", "Bearer s3cret-tokeN").body())
                    .isEqualTo("wrong admin token\n");
            assertThat(admin.post("/kill?id=999999", "Authorization", "Bearer s3cret").statusCode()).isEqualTo(403);
            assertThat(admin.get("/debug/threads", "Authorization", "Bearer s3cret-token").statusCode()).isEqualTo(200);
            assertThat(admin.post("/kill?id=999999", "Authorization", "bearer s3cret-token").statusCode())
                    .isEqualTo(404); // allowed; there is no such connection
            // Reading needs no token.
            assertThat(admin.get("/connz").statusCode()).isEqualTo(200);
            assertThat(admin.get("/metrics").statusCode()).isEqualTo(200);
            assertThat(admin.auditLines()).anySatisfy(l -> assertThat(l)
                    .matches("admin GET /debug/threads from 127\\.0\\.0\\.1:\\d+ refused: wrong admin token"));
        }
    }

    @Test
    void thePageComesFromTheJarAndLoadsNothingFromElsewhere() throws Exception {
        try (AdminFixture admin = new AdminFixture(null)) {
            HttpResponse<String> page = admin.get("/");
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
            assertThat(page.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(
                    csp -> assertThat(csp).contains("default-src 'none'", "script-src 'self'", "connect-src 'self'"));
            assertThat(page.body()).contains("<script src=\"/admin.js\" defer></script>", "href=\"/admin.css\"");
            HttpResponse<String> script = admin.get("/admin.js");
            assertThat(script.headers().firstValue("Content-Type")).hasValue("text/javascript; charset=utf-8");
            assertThat(admin.get("/admin.css").statusCode()).isEqualTo(200);
            for (String text : new String[] {page.body(), script.body(), admin.get("/admin.css").body()}) {
                assertThat(text).doesNotContain("http://", "https://", "//cdn", "innerHTML");
            }
        }
    }
}
