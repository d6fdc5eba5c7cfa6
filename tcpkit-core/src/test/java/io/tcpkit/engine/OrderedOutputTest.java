package io.tcpkit.engine;

import io.tcpkit.Connection;
import io.tcpkit.TcpServer;
import io.tcpkit.testing.Net;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One ordered output path, under every kind of handler: what the serving thread writes and what
 * other threads send leave in the order they were issued, and each sender's messages in its order.
 */
@Timeout(60)
class OrderedOutputTest {
    private static final int ROUNDS = 200;
    @AutoClose
    private TcpServer server;

    /**
     * For each round: the serving thread writes "w i", another thread sends "s i" (and is done
     * before the serving thread goes on), the serving thread writes "x i". Issued in that order,
     * they must arrive in that order, whoever writes them to the socket.
     */
    private static void interleave(Connection conn) throws IOException, InterruptedException {
        for (int i = 0; i < ROUNDS; i++) {
            conn.write(("w " + i + "\n").getBytes(StandardCharsets.US_ASCII));
            byte[] sent = ("s " + i + "\n").getBytes(StandardCharsets.US_ASCII);
            Thread.ofVirtual().start(() -> conn.send(sent)).join();
            conn.write(("x " + i + "\n").getBytes(StandardCharsets.US_ASCII));
            if (i % 7 == 0) {
                conn.flush();
            }
        }
    }

    private static void expectInterleaved(int port) throws IOException {
        try (Socket s = Net.connect(port)) {
            Net.send(s, "go\n");
            for (int i = 0; i < ROUNDS; i++) {
                assertThat(Net.readLine(s)).isEqualTo("w " + i + "\n");
                assertThat(Net.readLine(s)).isEqualTo("s " + i + "\n");
                assertThat(Net.readLine(s)).isEqualTo("x " + i + "\n");
            }
        }
    }

    @Test
    void aBlockingHandler() throws Exception {
        server = TcpServer.builder().port(0).service("ordered").handler(conn -> {
            conn.lines().readLine();
            interleave(conn);
            conn.lines().readLine();
        }).start();
        expectInterleaved(server.port());
    }

    @Test
    void aSharedRequestHandler() throws Exception {
        server = TcpServer.builder().port(0).service("ordered").requestHandler(conn -> {
            if (conn.lines().readLine() == null) {
                return false;
            }
            interleave(conn);
            return true;
        }).start();
        expectInterleaved(server.port());
    }

    @Test
    void aRequestHandlerPerConnection() throws Exception {
        server = TcpServer.builder().port(0).service("ordered").requestHandlers(opened -> conn -> {
            if (conn.lines().readLine() == null) {
                return false;
            }
            interleave(conn);
            return true;
        }).start();
        expectInterleaved(server.port());
    }

    @Test
    void manySendersEachInTheirOwnOrderWhileTheConnectionWaitsWithAndWithoutAThread() throws Exception {
        List<Connection> connections = new java.util.concurrent.CopyOnWriteArrayList<>();
        server = TcpServer.builder().port(0).service("ordered").requestHandler(conn -> {
            if (conn.lines().readLine() == null) {
                return false;
            }
            connections.add(conn);
            conn.write("ready\n".getBytes(StandardCharsets.US_ASCII));
            return true;
        }).start();
        int senders = 8;
        int each = 500;
        try (Socket s = Net.connect(server.port())) {
            Net.send(s, "go\n");
            assertThat(Net.readLine(s)).isEqualTo("ready\n");
            Connection conn = connections.getFirst();
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < senders; t++) {
                int sender = t;
                threads.add(Thread.ofVirtual().start(() -> {
                    for (int i = 0; i < each; i++) {
                        conn.send(("m " + sender + " " + i + "\n").getBytes(StandardCharsets.US_ASCII));
                    }
                }));
            }
            Map<Integer, Integer> next = new HashMap<>();
            for (int n = 0; n < senders * each; n++) {
                String[] words = Net.readLine(s).trim().split(" ");
                int sender = Integer.parseInt(words[1]);
                int i = Integer.parseInt(words[2]);
                assertThat(i).as("sender " + sender).isEqualTo(next.getOrDefault(sender, 0));
                next.put(sender, i + 1);
            }
            for (Thread t : threads) {
                t.join();
            }
        }
    }
}
