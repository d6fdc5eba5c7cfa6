package io.tcpkit.server.admin;

import io.tcpkit.testing.ChildProcess;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Headless Chromium driven through chromedriver's W3C WebDriver protocol (plain HTTP and JSON), to
 * click in the admin page as a person would. Only what the tests need: open a page, run a script,
 * find and click an element.
 */
final class WebDriver implements AutoCloseable {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final String ELEMENT = "element-6066-11e4-a52e-4f735466cecf";

    /** Times chromedriver is started on a new port if it exits before it answers (its port taken meanwhile). */
    private static final int LAUNCHES = 3;

    private final Path chromedriver;
    private ChildProcess driver;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    private String base;
    private final Path chromium;
    private final Path profile;
    private String session;

    /** Starts chromedriver; {@link #start()} then starts the browser. */
    WebDriver(Path chromedriver, Path chromium, Path profile) throws IOException {
        this.chromedriver = chromedriver;
        this.chromium = chromium;
        this.profile = profile;
        launch();
    }

    /** chromedriver on a free port; the port may be taken by someone else before it binds. */
    private void launch() throws IOException {
        int port = ProgramAdmin.freePort();
        driver = ChildProcess.start(profile, List.of(chromedriver.toString(), "--port=" + port, "--allowed-ips=127.0.0.1"));
        base = "http://127.0.0.1:" + port;
    }

    /** Starts headless Chromium in a profile of its own. */
    void start() throws IOException, InterruptedException {
        awaitDriver();
        String args = String.join("\",\"", List.of("--headless", "--no-sandbox", "--disable-gpu",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--user-data-dir=" + profile.resolve("profile")));
        Map<String, Object> created = call("POST", "/session", "{\"capabilities\":{\"alwaysMatch\":{"
                + "\"goog:chromeOptions\":{\"binary\":\"" + chromium + "\",\"args\":[\"" + args + "\"]}}}}");
        session = (String) value(created, Map.class).get("sessionId");
    }

    private void awaitDriver() throws InterruptedException, IOException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        int launches = 1;
        while (true) {
            try {
                if (http.send(HttpRequest.newBuilder(URI.create(base + "/status")).build(),
                        HttpResponse.BodyHandlers.ofString()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            if (!driver.isAlive() && launches < LAUNCHES && System.nanoTime() < deadline) {
                launches++;
                driver.close();
                launch();
                continue;
            }
            if (System.nanoTime() > deadline || !driver.isAlive()) {
                throw new AssertionError("chromedriver did not start (exit " + (driver.isAlive() ? "none" : driver.exitValue())
                        + ", " + launches + " launch(es)); it said: " + driver.output());
            }
            Thread.sleep(50); // a poll interval; /status decides
        }
    }

    void open(String url) throws IOException, InterruptedException {
        call("POST", "/session/" + session + "/url", "{\"url\":\"" + url + "\"}");
    }

    /** Runs a script in the page ({@code return ...}) and gives its result. */
    Object script(String script) throws IOException, InterruptedException {
        Map<String, Object> result = call("POST", "/session/" + session + "/execute/sync",
                "{\"script\":\"" + script.replace("\\", "\\\\").replace("\"", "\\\"") + "\",\"args\":[]}");
        return result.get("value");
    }

    /** Finds the element and clicks it; false if it is not there or the page replaced it meanwhile. */
    @SuppressWarnings("unchecked")
    boolean click(String css) throws IOException, InterruptedException {
        Map<String, Object> found = send("POST", "/session/" + session + "/element",
                "{\"using\":\"css selector\",\"value\":\"" + css.replace("\"", "\\\"") + "\"}");
        if (!(found.get("value") instanceof Map<?, ?> element) || !element.containsKey(ELEMENT)) {
            return false;
        }
        Map<String, Object> clicked = send("POST", "/session/" + session + "/element/"
                + ((Map<String, Object>) element).get(ELEMENT) + "/click", "{}");
        return !(clicked.get("value") instanceof Map<?, ?> error && error.containsKey("error"));
    }

    private static <T> T value(Map<String, Object> response, Class<T> type) {
        return type.cast(response.get("value"));
    }

    private Map<String, Object> call(String method, String path, String body) throws IOException, InterruptedException {
        Map<String, Object> response = send(method, path, body);
        if (response.get("value") instanceof Map<?, ?> error && error.containsKey("error")) {
            throw new AssertionError(method + " " + path + ": " + error);
        }
        return response;
    }

    private Map<String, Object> send(String method, String path, String body) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + path)).timeout(TIMEOUT)
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build();
        return JsonTree.object(http.send(request, HttpResponse.BodyHandlers.ofString()).body());
    }

    @Override
    public void close() throws InterruptedException {
        try {
            if (session != null) {
                send("DELETE", "/session/" + session, null);
            }
        } catch (IOException e) {
            // the driver is going anyway
        } finally {
            driver.stop(Duration.ofSeconds(10));
            http.close();
        }
    }
}
