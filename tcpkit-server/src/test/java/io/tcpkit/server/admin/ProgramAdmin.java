package io.tcpkit.server.admin;

import io.tcpkit.server.testing.Tcpkit;
import io.tcpkit.testing.ChildProcess;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;

/** The real program with its admin listener on a port of its own, and HTTP to it. */
final class ProgramAdmin {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private ProgramAdmin() {
    }

    /**
     * A loopback port that was free a moment ago. The admin listener takes 0 to mean "off", so a
     * test picks a port this way: the kernel hands out ephemeral ports in turn, so another process
     * taking this one in the meantime is unlikely (and would fail the test loudly, not wrongly).
     */
    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Starts {@code tcpkit ARGS --admin-port PORT} and waits for its admin and last listener lines. */
    static ChildProcess start(int adminPort, String lastService, String... args) throws IOException, InterruptedException {
        String[] all = Arrays.copyOf(args, args.length + 2);
        all[args.length] = "--admin-port";
        all[args.length + 1] = Integer.toString(adminPort);
        ChildProcess program = Tcpkit.start(all);
        try {
            Tcpkit.awaitPort(program, "admin");
            Tcpkit.awaitPort(program, lastService);
        } catch (AssertionError | InterruptedException e) {
            program.close();
            throw e;
        }
        return program;
    }

    static HttpResponse<String> get(int adminPort, String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + path))
                .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
