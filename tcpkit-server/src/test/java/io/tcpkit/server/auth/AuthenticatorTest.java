package io.tcpkit.server.auth;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Password checks and the growing wait imposed on an address that keeps failing. */
@Timeout(30)
class AuthenticatorTest {
    @TempDir
    Path dir;

    private Authenticator authenticator() throws Exception {
        Path f = dir.resolve("users");
        Files.write(f, List.of("alice " + PasswordHasher.hash("wonder".toCharArray(), 1000)));
        return new Authenticator(Users.load(f));
    }

    @Test
    void theRightPasswordLogsInAndTheWrongOneDoesNot() throws Exception {
        Authenticator auth = authenticator();
        InetAddress from = InetAddress.getByName("192.0.2.1");
        assertThat(auth.login("alice", "wonder".toCharArray(), from)).map(User::name).contains("alice");
        assertThat(auth.login("alice", "wander".toCharArray(), from)).isEmpty();
        assertThat(auth.login("nobody", "wonder".toCharArray(), from)).isEmpty();
    }

    @Test
    void failuresFromOneAddressCostAGrowingWaitThatASuccessClears() throws Exception {
        Authenticator auth = authenticator();
        InetAddress attacker = InetAddress.getByName("192.0.2.7");
        InetAddress neighbour = InetAddress.getByName("192.0.2.8");
        for (int i = 0; i < Authenticator.FREE_FAILURES; i++) {
            assertThat(auth.penalty(attacker)).as("free failure %d", i).isZero();
            assertThat(auth.login("alice", ("guess" + i).toCharArray(), attacker)).isEmpty();
        }
        assertThat(auth.penalty(attacker)).isEqualTo(Duration.ofMillis(250));
        assertThat(auth.penalty(neighbour)).as("per address").isZero();

        long t0 = System.nanoTime();
        assertThat(auth.login("alice", "again".toCharArray(), attacker)).isEmpty();
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(250));
        assertThat(auth.penalty(attacker)).as("doubled").isEqualTo(Duration.ofMillis(500));

        long t1 = System.nanoTime();
        assertThat(auth.login("alice", "wonder".toCharArray(), attacker)).isPresent();
        assertThat(Duration.ofNanos(System.nanoTime() - t1)).as("the right password waits too")
                .isGreaterThanOrEqualTo(Duration.ofMillis(500));
        assertThat(auth.penalty(attacker)).as("cleared by a success").isZero();
    }

    @Test
    void withoutAUsersFileOnlyTheDefaultUserExistsAndNeedsNoPassword() throws Exception {
        Authenticator auth = new Authenticator(Users.open());
        InetAddress from = InetAddress.getLoopbackAddress();
        assertThat(auth.login("default", "anything".toCharArray(), from)).contains(User.DEFAULT);
        assertThat(auth.login("alice", "wonder".toCharArray(), from)).isEmpty();
        for (int i = 0; i < 10; i++) {
            auth.login("alice", "x".toCharArray(), from);
        }
        assertThat(auth.penalty(from)).as("nothing to guess, nothing to slow down").isZero();
    }
}
