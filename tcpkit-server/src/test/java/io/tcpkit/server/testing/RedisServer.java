package io.tcpkit.server.testing;

import io.tcpkit.testing.ChildProcess;
import io.tcpkit.testing.Require;
import io.tcpkit.testing.TestPki;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real redis-server (Debian's redis-server 7.0) on a free loopback port, with no persistence, for
 * tests that compare tcpkit with Redis byte for byte. A missing redis-server skips the test, or fails
 * it when {@code CI=true} ({@link Require}). {@link #close()} stops it.
 */
public final class RedisServer implements AutoCloseable {
    private final ChildProcess process;
    private final int port;
    private final Path dir;
    /** Whether it speaks TLS only (then it is ready when its log says so: a plain PING cannot ask). */
    private final boolean tls;

    private RedisServer(ChildProcess process, int port, Path dir, boolean tls) {
        this.process = process;
        this.port = port;
        this.dir = dir;
        this.tls = tls;
    }

    /** Starts redis-server with extra configuration ("--name value" pairs) and waits until it answers PING. */
    public static RedisServer start(String... config) throws IOException, InterruptedException {
        IOException last = null;
        for (int attempt = 0; attempt < 5; attempt++) {
            try {
                return startOn(freePort(), config);
            } catch (IOException e) {
                last = e;
            }
        }
        throw last;
    }

    /** Starts redis-server on {@code port} (again, after {@link #close()}: a Redis restarted), and waits until it answers. */
    public static RedisServer startOn(int port, String... config) throws IOException, InterruptedException {
        return startOn(port, List.of("--port", Integer.toString(port)), false, config);
    }

    /**
     * Starts redis-server speaking TLS only ({@code rediss://}) on a free port, with the certificate
     * and key {@code server}, the client CA {@code ca} and no client certificates asked for (extra
     * configuration may say {@code --tls-auth-clients yes}), and waits until it is ready.
     */
    public static RedisServer startTls(TestPki.Pair server, Path ca, String... config) throws IOException, InterruptedException {
        IOException last = null;
        for (int attempt = 0; attempt < 5; attempt++) {
            int port = freePort();
            try {
                return startOn(port, List.of("--port", "0", "--tls-port", Integer.toString(port),
                        "--tls-cert-file", server.cert().toString(), "--tls-key-file", server.key().toString(),
                        "--tls-ca-cert-file", ca.toString(), "--tls-auth-clients", "no"), true, config);
            } catch (IOException e) {
                last = e;
            }
        }
        throw last;
    }

    private static RedisServer startOn(int port, List<String> listen, boolean tls, String... config)
            throws IOException, InterruptedException {
        String binary = Require.tool("redis-server").toString();
        Path dir = Files.createTempDirectory("tcpkit-redis-");
        List<String> command = new ArrayList<>(List.of(binary));
        command.addAll(listen);
        command.addAll(List.of("--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir.toString(),
                "--logfile", dir.resolve("redis.log").toString()));
        command.addAll(List.of(config));
        ChildProcess p = ChildProcess.start(dir, command);
        RedisServer server = new RedisServer(p, port, dir, tls);
        if (server.awaitReady()) {
            return server;
        }
        String log = server.log();
        server.close();
        throw new IOException("redis-server did not start on port " + port + ": " + log);
    }

    public int port() {
        return port;
    }

    /** The server's log, for failure messages. */
    public String log() {
        try {
            Path log = dir.resolve("redis.log");
            return Files.exists(log) ? Files.readString(log) : process.output();
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private boolean awaitReady() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline && process.isAlive()) {
            if (tls) {
                if (log().contains("Ready to accept connections")) {
                    return true;
                }
                Thread.sleep(20); // a poll interval while the process starts, not synchronisation
                continue;
            }
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                s.setSoTimeout(2000);
                OutputStream out = s.getOutputStream();
                out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
                InputStream in = s.getInputStream();
                byte[] reply = in.readNBytes(7);
                String text = new String(reply, StandardCharsets.US_ASCII);
                if (text.equals("+PONG\r\n") || text.equals("-NOAUTH")) { // with requirepass: up, but wants a login
                    return true;
                }
            } catch (IOException e) {
                // Not listening yet.
            }
            Thread.sleep(20); // a poll interval while the process starts, not synchronisation
        }
        return false;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() {
        process.stop(Duration.ofSeconds(10));
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // A temporary directory left behind.
        }
    }
}
