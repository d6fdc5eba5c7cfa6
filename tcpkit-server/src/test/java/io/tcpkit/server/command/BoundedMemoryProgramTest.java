package io.tcpkit.server.command;

import io.tcpkit.server.testing.Tcpkit;
import io.tcpkit.testing.Await;
import io.tcpkit.testing.ChildProcess;
import io.tcpkit.testing.Net;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The attacks of issue 13, scaled down to a child JVM with a small heap running the real program
 * (with -XX:+ExitOnOutOfMemoryError, as the launcher runs it): whatever the clients do, the server
 * stays inside its client memory budget, evicts the biggest holders with a reason, keeps
 * answering PING, and stays alive. Each attack holds several times the heap without the budget.
 */
class BoundedMemoryProgramTest {
    /**
     * A heap the attacks below exceed several times over without a budget; G1 (as on any machine
     * of 2 cores and 2 GB or more) with its 1 MiB regions, where a 1 MiB buffer is humongous.
     */
    private static final List<String> SMALL_HEAP = List.of("-Xmx96m", "-XX:+UseG1GC", "-XX:G1HeapRegionSize=1m");
    private static final int BULK = 1_000_000;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private static ChildProcess command(String... more) throws IOException {
        List<String> args = new ArrayList<>(List.of("command", "--port", "0", "--max-connections", "2000",
                "--max-connections-per-address", "2000"));
        args.addAll(List.of(more));
        return Tcpkit.startWithJvm(SMALL_HEAP, args.toArray(String[]::new));
    }

    private static String ping(int port, String from) throws IOException {
        try (Socket s = Net.connectFrom(from, port)) {
            Net.send(s, "PING\r\n");
            return Net.read(s, 7);
        }
    }

    /** 200 connections from 4 addresses each send 1 MB of a 1 MB bulk's 1 MB + 2: 200 MB claimed on a 96 MB heap. */
    @Test
    void halfSentBulksAreEvictedBiggestFirstAndEveryoneElseIsServed() throws Exception {
        // The default budget, 40%: each 1 MiB read buffer is a humongous object taking two 1 MiB
        // regions, and is charged so (it used to be charged 1 MiB, and this test needed 20%).
        try (ChildProcess server = command()) {
            int port = Tcpkit.awaitPort(server, "command");
            byte[] header = ("*2\r\n$4\r\nECHO\r\n$" + BULK + "\r\n").getBytes(StandardCharsets.US_ASCII);
            byte[] body = new byte[BULK - 1];
            Arrays.fill(body, (byte) 'x');
            int clients = 200;
            List<Socket> attackers = new ArrayList<>();
            AtomicInteger cutOff = new AtomicInteger();
            AtomicInteger sent = new AtomicInteger();
            try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < clients; i++) {
                    Socket s = Net.connectFrom("127.0.0." + (2 + i % 4), port);
                    attackers.add(s);
                    threads.submit(() -> {
                        try {
                            OutputStream out = s.getOutputStream();
                            out.write(header);
                            for (int off = 0; off < body.length; off += 64 * 1024) {
                                out.write(body, off, Math.min(64 * 1024, body.length - off));
                            }
                            out.flush();
                            sent.incrementAndGet();
                        } catch (IOException e) {
                            cutOff.incrementAndGet(); // evicted: the server closed the socket under us
                        }
                        return null;
                    });
                }
            }
            // The bytes sit in the kernel's buffers at first; the server reads them at its pace.
            AtomicInteger evicted = new AtomicInteger();
            boolean[] closed = new boolean[clients];
            Await.until("half the attackers evicted", Duration.ofSeconds(120), () -> {
                for (int i = 0; i < clients; i++) {
                    if (!closed[i] && closedNow(attackers.get(i))) {
                        closed[i] = true;
                        evicted.incrementAndGet();
                    }
                }
                return evicted.get() >= clients / 2 || !server.isAlive();
            });
            assertThat(server.isAlive()).as("the program outlived the attack").isTrue();
            assertThat(ping(port, "127.0.0.1")).isEqualTo("+PONG\r\n");
            assertThat(server.stderr()).containsPattern(
                    "evicted, holding \\d+ bytes: (client memory budget of \\d+ bytes reached|its address's share of the client memory budget, \\d+ bytes, reached)");
            for (Socket s : attackers) {
                s.close();
            }
            assertThat(ping(port, "127.0.0.2")).as("the attackers' addresses are served again").isEqualTo("+PONG\r\n");
            assertThat(server.isAlive()).isTrue();
            assertThat(server.stderr()).doesNotContain("OutOfMemoryError");
        }
    }

    /**
     * One address may hold a quarter of the budget: with 32 MiB for clients (8 MiB per address),
     * 127.0.0.2 holds 16 half-sent bulks of 700 KB (11 MB, a third of the whole budget) and only its
     * own biggest are evicted, for its share; 127.0.0.3, holding two of 300 KB, keeps both
     * connections, finishes its requests and is answered.
     */
    @Test
    void anAddressPastItsShareLosesItsOwnBiggestHoldersOnly() throws Exception {
        try (ChildProcess server = command("--max-client-memory", "32m")) {
            int port = Tcpkit.awaitPort(server, "command");
            byte[] header = ("*2\r\n$4\r\nECHO\r\n$" + BULK + "\r\n").getBytes(StandardCharsets.US_ASCII);
            byte[] body = new byte[BULK];
            Arrays.fill(body, (byte) 'y');
            int keptPart = 300_000;
            List<Socket> kept = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                Socket s = Net.connectFrom("127.0.0.3", port);
                s.setSoTimeout(30_000);
                OutputStream out = s.getOutputStream();
                out.write(header);
                out.write(body, 0, keptPart);
                out.flush();
                kept.add(s);
            }
            int attackers = 16;
            int attackPart = 700_000;
            List<Socket> attack = new ArrayList<>();
            try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < attackers; i++) {
                    Socket s = Net.connectFrom("127.0.0.2", port);
                    attack.add(s);
                    threads.submit(() -> {
                        try {
                            OutputStream out = s.getOutputStream();
                            out.write(header);
                            for (int off = 0; off < attackPart; off += 50_000) {
                                out.write(body, off, 50_000);
                            }
                            out.flush();
                        } catch (IOException e) {
                            // evicted while it sent
                        }
                        return null;
                    });
                }
            }
            boolean[] closed = new boolean[attackers];
            AtomicInteger evicted = new AtomicInteger();
            Await.until("127.0.0.2's biggest holders evicted", Duration.ofSeconds(60), () -> {
                for (int i = 0; i < attackers; i++) {
                    if (!closed[i] && closedNow(attack.get(i))) {
                        closed[i] = true;
                        evicted.incrementAndGet();
                    }
                }
                return evicted.get() >= 1 && server.stderr().contains("evicted, holding");
            });
            assertThat(server.isAlive()).isTrue();
            Matcher lines = Pattern.compile("(?m)^.*evicted, holding \\d+ bytes: .*$").matcher(server.stderr());
            int evictions = 0;
            while (lines.find()) {
                evictions++;
                assertThat(lines.group()).as("only the address past its share loses connections, for that reason")
                        .contains(" 127.0.0.2:")
                        .containsPattern("its address's share of the client memory budget, \\d+ bytes, reached");
            }
            assertThat(evictions).isPositive().isLessThan(attackers);
            assertThat(ping(port, "127.0.0.3")).isEqualTo("+PONG\r\n");
            for (Socket s : kept) {
                OutputStream out = s.getOutputStream();
                out.write(body, keptPart, BULK - keptPart);
                out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                String expected = "$" + BULK + "\r\n";
                assertThat(Net.read(s, expected.length())).as("127.0.0.3 is answered").isEqualTo(expected);
                byte[] echoed = s.getInputStream().readNBytes(BULK + 2);
                assertThat(echoed).hasSize(BULK + 2);
                assertThat(echoed[0]).isEqualTo((byte) 'y');
                assertThat(echoed[BULK - 1]).isEqualTo((byte) 'y');
                s.close();
            }
            for (Socket s : attack) {
                s.close();
            }
            assertThat(ping(port, "127.0.0.2")).as("the attacker's address is served again").isEqualTo("+PONG\r\n");
            assertThat(server.stderr()).doesNotContain("OutOfMemoryError");
        }
    }

    /**
     * A half-sent 1 MB bulk: its read buffer has doubled to 1 MiB, a humongous array on this heap
     * that takes two 1 MiB regions, and is charged those 2 MiB (less the first 512 bytes every
     * connection has free); it was charged 1 MiB, half of what it took.
     */
    @Test
    void aHumongousReadBufferIsChargedTheRegionsItTakes() throws Exception {
        int adminPort = freePort();
        try (ChildProcess server = command("--admin-port", Integer.toString(adminPort))) {
            int port = Tcpkit.awaitPort(server, "command");
            try (Socket s = Net.connect(port)) {
                OutputStream out = s.getOutputStream();
                out.write(("*2\r\n$4\r\nECHO\r\n$" + BULK + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(new byte[600_000]);
                out.flush();
                long expected = 2 * 1024 * 1024 - 512;
                long[] used = new long[1];
                Await.until("the half-sent bulk charged " + expected + " bytes", Duration.ofSeconds(30),
                        () -> {
                            try {
                                used[0] = clientMemoryUsed(adminPort);
                            } catch (IOException | InterruptedException e) {
                                throw new AssertionError(e);
                            }
                            return used[0] == expected;
                        });
                out.write(new byte[BULK - 600_000]);
                out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                assertThat(Net.readLine(s)).isEqualTo("$" + BULK + "\r\n");
                assertThat(s.getInputStream().readNBytes(BULK + 2)).hasSize(BULK + 2);
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void subscriptionsAreBoundedPerConnection() throws Exception {
        try (ChildProcess server = command("--max-subscriptions", "2")) {
            int port = Tcpkit.awaitPort(server, "command");
            try (Socket s = Net.connect(port)) {
                Net.send(s, "SUBSCRIBE a b c\r\n");
                String expected = "*3\r\n$9\r\nsubscribe\r\n$1\r\na\r\n:1\r\n"
                        + "*3\r\n$9\r\nsubscribe\r\n$1\r\nb\r\n:2\r\n"
                        + "-ERR max subscriptions per connection (2) reached\r\n";
                assertThat(Net.read(s, expected.length())).isEqualTo(expected);
                Net.send(s, "PSUBSCRIBE x* a\r\n");
                String refused = "-ERR max subscriptions per connection (2) reached\r\n";
                assertThat(Net.read(s, refused.length())).isEqualTo(refused);
                Net.send(s, "SUBSCRIBE b\r\nUNSUBSCRIBE a\r\nPSUBSCRIBE x*\r\n");
                String after = "*3\r\n$9\r\nsubscribe\r\n$1\r\nb\r\n:2\r\n"
                        + "*3\r\n$11\r\nunsubscribe\r\n$1\r\na\r\n:1\r\n"
                        + "*3\r\n$10\r\npsubscribe\r\n$2\r\nx*\r\n:2\r\n";
                assertThat(Net.read(s, after.length())).as("one already held is no new one; one left makes room")
                        .isEqualTo(after);
            }
        }
    }

    /** Whether the server closed {@code s}: it reads end of stream or a reset at once, an open one times out. */
    private static boolean closedNow(Socket s) {
        try {
            s.setSoTimeout(1);
            return Net.closedByPeer(s);
        } catch (IOException e) {
            return true;
        }
    }

    /** 150 pattern subscribers that do not read, and three PUBLISHes of 1 MB: 450 MB of frames without sharing. */
    @Test
    void patternSubscribersThatDoNotReadShareOneFrameAndAreClosed() throws Exception {
        try (ChildProcess server = command()) {
            int port = Tcpkit.awaitPort(server, "command");
            List<Socket> subscribers = new ArrayList<>();
            for (int i = 0; i < 150; i++) {
                Socket s = new Socket();
                s.setReceiveBufferSize(4096); // before connecting: the window it advertises
                s.bind(new InetSocketAddress(InetAddress.getByName("127.0.0." + (2 + i % 3)), 0));
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
                s.setSoTimeout(10_000);
                Net.send(s, "PSUBSCRIBE *\r\n");
                assertThat(Net.read(s, 32)).isEqualTo("*3\r\n$10\r\npsubscribe\r\n$1\r\n*\r\n:1\r\n");
                subscribers.add(s);
            }
            byte[] payload = new byte[BULK];
            Arrays.fill(payload, (byte) 'm');
            for (int i = 0; i < 3; i++) {
                // A publisher of 1 MB holds a 1 MB read buffer after its request, as big as any
                // subscriber's queue: it may be evicted too (biggest first), so each PUBLISH
                // comes on a connection of its own.
                try (Socket publisher = Net.connect(port)) {
                    OutputStream out = publisher.getOutputStream();
                    out.write(("*3\r\n$7\r\nPUBLISH\r\n$4\r\nnews\r\n$" + BULK + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(payload);
                    out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    String reply = Net.readLine(publisher);
                    if (reply != null) {
                        assertThat(reply).startsWith(":");
                    }
                } catch (java.net.SocketException e) {
                    // evicted while it sent
                }
            }
            assertThat(server.isAlive()).isTrue();
            assertThat(ping(port, "127.0.0.1")).isEqualTo("+PONG\r\n");
            assertThat(server.stderr()).as("the subscribers who do not read are closed, each with its reason")
                    .containsPattern("(evicted, holding \\d+ bytes|slow consumer: \\d+ bytes waiting)");
            for (Socket s : subscribers) {
                s.close();
            }
            assertThat(ping(port, "127.0.0.2")).isEqualTo("+PONG\r\n");
            assertThat(server.stderr()).doesNotContain("OutOfMemoryError");
        }
    }

    /**
     * 20 clients pipeline PINGs without reading a reply: the server stops reading them once their
     * replies back up, so what it holds for them stays small, and it answers everyone else.
     */
    @Test
    void unreadPipelinedRepliesStopTheReadingNotTheServer() throws Exception {
        int adminPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            adminPort = s.getLocalPort();
        }
        try (ChildProcess server = command("--admin-port", Integer.toString(adminPort))) {
            int port = Tcpkit.awaitPort(server, "command");
            byte[] pings = "PING\r\n".repeat(10_000).getBytes(StandardCharsets.US_ASCII);
            int clients = 20;
            AtomicLongArray written = new AtomicLongArray(clients);
            List<Socket> writers = new ArrayList<>();
            ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
            try {
                for (int i = 0; i < clients; i++) {
                    Socket s = Net.connect(port);
                    s.setReceiveBufferSize(4096);
                    writers.add(s);
                    int n = i;
                    threads.submit(() -> {
                        OutputStream out = s.getOutputStream();
                        for (int k = 0; k < 64 * 1024 * 1024 / pings.length; k++) { // 64 MiB at most
                            out.write(pings);
                            written.addAndGet(n, pings.length);
                        }
                        return null;
                    });
                }
                Await.until("every client has pipelined 1 MiB", Duration.ofSeconds(60), () -> {
                    for (int i = 0; i < clients; i++) {
                        if (written.get(i) < 1024 * 1024) {
                            return false;
                        }
                    }
                    return true;
                });
                assertThat(ping(port, "127.0.0.1")).isEqualTo("+PONG\r\n");
                long used = clientMemoryUsed(adminPort);
                assertThat(used).as("bytes the budget counts for 20 pipelining clients")
                        .isLessThan(clients * 1024L * 1024);
                assertThat(server.isAlive()).isTrue();
            } finally {
                for (Socket s : writers) {
                    s.close();
                }
                threads.shutdownNow();
            }
            assertThat(ping(port, "127.0.0.1")).isEqualTo("+PONG\r\n");
            assertThat(server.stderr()).doesNotContain("OutOfMemoryError");
        }
    }

    private static long clientMemoryUsed(int adminPort) throws IOException, InterruptedException {
        HttpResponse<String> varz = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + "/varz"))
                .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(varz.statusCode()).isEqualTo(200);
        Matcher m = Pattern.compile("\"client_memory\"\\s*:\\s*\\{\\s*\"used_bytes\"\\s*:\\s*(\\d+),\\s*\"limit_bytes\"\\s*:\\s*(\\d+)").matcher(varz.body());
        assertThat(m.find()).as(varz.body()).isTrue();
        assertThat(Long.parseLong(m.group(2))).as("40% of a 96 MiB heap")
                .isBetween(30L * 1024 * 1024, 40L * 1024 * 1024);
        return Long.parseLong(m.group(1));
    }
}
