package io.tcpkit.server.command;

import io.tcpkit.testing.RespClient;
import io.tcpkit.server.testing.Services;
import io.tcpkit.testing.Await;
import io.tcpkit.server.auth.PasswordHasher;
import io.tcpkit.server.auth.Users;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A flood of wrong passwords from one address (127.0.0.2, many connections, each retrying at
 * once) does not delay a correct login from another (127.0.0.1). Fairness is counted, not timed:
 * how many of the flood's attempts are answered while the correct login waits.
 */
@Timeout(120)
class LoginFloodTest {
    /** Enough hashing work per attempt that a queue of them is a real wait (the default is 210,000). */
    private static final int ITERATIONS = 40_000;
    private static final int FLOOD_CONNECTIONS = 24;

    @TempDir
    Path dir;

    @Test
    void aFloodFromOneAddressDoesNotDelayALoginFromAnother() throws Exception {
        Path file = dir.resolve("users");
        Files.write(file, List.of("alice " + PasswordHasher.hash("right".toCharArray(), ITERATIONS)));
        try (Services server = Services.withCommand(Users.load(file))) {
            AtomicInteger wrong = new AtomicInteger();
            AtomicInteger refused = new AtomicInteger();
            List<Socket> sockets = new ArrayList<>();
            List<Thread> flood = new ArrayList<>();
            InetAddress attacker = InetAddress.getByName("127.0.0.2");
            for (int i = 0; i < FLOOD_CONNECTIONS; i++) {
                Socket s = new Socket(InetAddress.getLoopbackAddress(), server.command().port(), attacker, 0);
                sockets.add(s);
                flood.add(Thread.ofVirtual().start(() -> attack(s, wrong, refused)));
            }
            Await.until("the flood to be under way", Duration.ofSeconds(60), () -> wrong.get() >= 3);

            int before;
            try (RespClient alice = server.commandClient()) {
                before = wrong.get();
                assertThat(alice.call("AUTH", "alice", "right")).isEqualTo("+OK\r\n");
            }
            int during = wrong.get() - before;
            assertThat(during).as("flood attempts answered while the correct login waited").isLessThanOrEqualTo(2);
            assertThat(refused.get()).as("attempts beyond the per-address queue are refused at once")
                    .isGreaterThanOrEqualTo(FLOOD_CONNECTIONS - 5);

            for (Socket s : sockets) {
                s.close();
            }
            for (Thread t : flood) {
                t.join();
            }
            assertThat(server.authenticator.hashes()).as("refused attempts are never hashed")
                    .isLessThanOrEqualTo(wrong.get() + 1L + 5);
        }
    }

    /** Wrong passwords as fast as the server answers; stops when refused or closed. */
    private static void attack(Socket s, AtomicInteger wrong, AtomicInteger refused) {
        try (RespClient peer = RespClient.over(s, "flood")) {
            while (true) {
                String reply = peer.call("AUTH", "alice", "wrong");
                if (reply.startsWith("-WRONGPASS")) {
                    wrong.incrementAndGet();
                } else {
                    assertThat(reply).isEqualTo("-ERR too many login attempts from your address at once, try again later\r\n");
                    refused.incrementAndGet();
                    return;
                }
            }
        } catch (IOException e) {
            // The test closed the socket: the flood is over.
        }
    }
}
