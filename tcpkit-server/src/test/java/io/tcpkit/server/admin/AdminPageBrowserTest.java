package io.tcpkit.server.admin;

import io.tcpkit.server.testing.Tcpkit;
import io.tcpkit.testing.Await;
import io.tcpkit.testing.ChildProcess;
import io.tcpkit.testing.Net;
import io.tcpkit.testing.Require;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The admin page in a real browser: headless Chromium loads it from a running {@code tcpkit serve},
 * lets its script run (fetching /varz and /connz), and dumps the DOM it rendered, which must show
 * the connections the test opened.
 */
class AdminPageBrowserTest {

    @Test
    void thePageShowsTheOpenConnections(@TempDir Path profile) throws Exception {
        Path chromium = Require.tool("chromium");
        int adminPort = ProgramAdmin.freePort();
        try (ChildProcess serve = ProgramAdmin.start(adminPort, "command", "serve", "--echo-port", "0", "--chat-port", "0",
                "--command-port", "0");
             Socket echo1 = Net.connect(Tcpkit.awaitPort(serve, "echo"));
             Socket echo2 = Net.connect(Tcpkit.awaitPort(serve, "echo"));
             Socket alice = Net.connect(Tcpkit.awaitPort(serve, "chat"))) {
            Net.readLine(alice);
            Net.send(alice, "alice\n");
            assertThat(Net.readLine(alice)).isEqualTo("* The room lobby contains: \n");
            assertThat(echo2.isConnected()).isTrue(); // held open while the page loads
            Net.send(echo1, "12345");
            assertThat(Net.read(echo1, 5)).isEqualTo("12345");

            String dom = dumpDom(chromium, profile, "http://127.0.0.1:" + adminPort + "/");

            assertThat(dom).contains("<body data-state=\"loaded\">", "<span id=\"ready\" class=\"badge ready\">ready</span>");
            assertThat(dom).contains("<div class=\"open\" id=\"open-echo\">2</div>",
                    "<div class=\"open\" id=\"open-chat\">1</div>", "<div class=\"open\" id=\"open-command\">0</div>",
                    "<span id=\"conn-count\" class=\"muted\">(3 open)</span>",
                    "chat: 1 members in 1 rooms");
            assertThat(dom).contains("<td>chat</td><td>127.0.0.1:" + alice.getLocalPort() + "</td><td>default</td><td>alice</td>");
            assertThat(dom.split("<button class=\"kill\"", -1)).hasSize(4); // one per connection
            assertThat(dom).contains("<p id=\"error\" class=\"error\" hidden=\"\"></p>");
        }
    }

    @Test
    void clickingKillClosesTheConnection(@TempDir Path dir) throws Exception {
        Path chromium = Require.tool("chromium");
        Path chromedriver = Require.tool("chromedriver");
        int adminPort = ProgramAdmin.freePort();
        try (ChildProcess serve = ProgramAdmin.start(adminPort, "command", "serve", "--echo-port", "0", "--chat-port", "0",
                "--command-port", "0");
             Socket victim = Net.connect(Tcpkit.awaitPort(serve, "echo"));
             Socket bystander = Net.connect(Tcpkit.awaitPort(serve, "echo"));
             WebDriver browser = new WebDriver(chromedriver, chromium, dir)) {
            Net.send(victim, "v");
            assertThat(Net.read(victim, 1)).isEqualTo("v");
            Net.send(bystander, "b");
            assertThat(Net.read(bystander, 1)).isEqualTo("b");
            long id = connectionId(adminPort, victim.getLocalPort());
            browser.start();
            browser.open("http://127.0.0.1:" + adminPort + "/");
            String button = "tr[data-id='" + id + "'] button.kill";
            // The table is drawn anew every second: find and click until a click lands.
            long deadline = System.nanoTime() + Tcpkit.STARTUP.toNanos();
            while (!browser.click(button)) {
                assertThat(System.nanoTime()).as("the kill button of conn-" + id + " appears").isLessThan(deadline);
                Thread.sleep(100); // a poll interval; the click decides
            }
            assertThat(Net.closedByPeer(victim)).as("the clicked connection is closed").isTrue();
            Await.until("the page to show one connection", Tcpkit.STARTUP, () -> "(1 open)".equals(text(browser)));
            assertThat(browser.script("return document.getElementById('error').hidden")).isEqualTo(true);
            Net.send(bystander, "still here");
            assertThat(Net.read(bystander, 10)).isEqualTo("still here");
            assertThat(serve.stderr()).containsPattern("audit: admin kill conn-" + id + " from 127\\.0\\.0\\.1:\\d+");
        }
    }

    private static String text(WebDriver browser) {
        try {
            return (String) browser.script("return document.getElementById('conn-count').textContent");
        } catch (java.io.IOException | InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    @SuppressWarnings("unchecked")
    private static long connectionId(int adminPort, int clientPort) throws Exception {
        for (java.util.Map<String, Object> c : (java.util.List<java.util.Map<String, Object>>) JsonTree.object(
                ProgramAdmin.get(adminPort, "/connz?service=echo").body()).get("connections")) {
            if (c.get("address").equals("127.0.0.1:" + clientPort)) {
                return (Long) c.get("id");
            }
        }
        throw new AssertionError("no connection from port " + clientPort);
    }

    private static String dumpDom(Path chromium, Path profile, String url) throws Exception {
        try (ChildProcess browser = ChildProcess.start(profile, List.of(chromium.toString(), "--headless",
                "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run", "--user-data-dir=" + profile,
                // Lets the page's timers and fetches run before the DOM is dumped.
                "--virtual-time-budget=5000", "--dump-dom", url))) {
            browser.awaitExit(Duration.ofSeconds(90));
            return browser.stdout();
        }
    }
}
