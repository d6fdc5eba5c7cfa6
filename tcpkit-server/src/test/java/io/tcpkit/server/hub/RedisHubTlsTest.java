package io.tcpkit.server.hub;

import io.tcpkit.server.testing.RedisServer;
import io.tcpkit.server.testing.Tcpkit;
import io.tcpkit.testing.Await;
import io.tcpkit.testing.LineClient;
import io.tcpkit.testing.RespClient;
import io.tcpkit.testing.TestPki;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static io.tcpkit.server.hub.RedisHubClusterTest.freePort;
import static io.tcpkit.server.hub.RedisHubClusterTest.get;
import static io.tcpkit.server.hub.RedisHubClusterTest.status;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code --hub rediss://} against a real redis-server that speaks TLS only ({@code --port 0
 * --tls-port P}), with the test PKI's CA and server certificate (for localhost, 127.0.0.1 and
 * ::1): instances that trust the CA ({@code --hub-ca}) share chat and pub/sub, with a password in
 * the URI; an instance that trusts another CA, only the JDK's trust store, or reaches Redis by a
 * name its certificate does not hold, does not connect, is not ready and says why in one log line;
 * a Redis that asks for client certificates takes the one of {@code --hub-cert/--hub-key} and
 * refuses the others.
 */
@Timeout(180)
class RedisHubTlsTest {
    private static final String PASSWORD = "s3cret-over-tls";
    /** Only the user tcpkit may log in (the default user is off): the password is what lets the instances in. */
    private static final String[] ACL = {"--user", "default", "off", "--user", "tcpkit", "on", ">" + PASSWORD, "~*", "&*", "+@all"};
    /** A TLS handshake Redis saw fail (logged at its verbose level). */
    private static final String HANDSHAKE_FAILED = "Error accepting a client connection";

    @TempDir
    Path dir;
    private TestPki pki;
    private final List<AutoCloseable> open = new ArrayList<>();

    @BeforeEach
    void pki() throws IOException {
        pki = TestPki.copyTo(dir.resolve("pki"));
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : open.reversed()) {
            c.close();
        }
    }

    private <T extends AutoCloseable> T keep(T c) {
        open.add(c);
        return c;
    }

    private RedisServer redis(String... config) throws IOException, InterruptedException {
        return keep(RedisServer.startTls(pki.serverEc(), pki.ca(), config));
    }

    private static String uri(String host, RedisServer redis) {
        return "rediss://tcpkit:" + PASSWORD + "@" + host + ":" + redis.port();
    }

    /** Someone in the lobby of {@code instance}, past the welcome and the presence line. */
    private LineClient member(Tcpkit.Serve instance, String name, String presence) throws IOException {
        LineClient c = keep(LineClient.connect(instance.chat(), name));
        c.expectLine("Welcome to tcpkit chat! What shall I call you?");
        c.sendLine(name);
        c.expectLine("* The room lobby contains: " + presence);
        return c;
    }

    @Test
    void instancesThatTrustTheCaShareChatAndPublishOnceWithAPassword() throws Exception {
        RedisServer redis = redis(ACL);
        String uri = uri("127.0.0.1", redis);
        // A from the command line, B from a --config file.
        Tcpkit.Serve a = keep(Tcpkit.serve(dir, "--hub", uri, "--hub-ca", pki.ca().toString()));
        Path config = dir.resolve("b.conf");
        Files.writeString(config, "hub = " + uri + "\nhub-ca = " + pki.ca() + "\n");
        Tcpkit.Serve b = keep(Tcpkit.serve(dir, "--config", config.toString()));
        for (Tcpkit.Serve s : List.of(a, b)) {
            s.process().awaitStderr("hub: connected to Redis at rediss://127.0.0.1:" + redis.port(), Tcpkit.STARTUP);
            s.process().awaitStderr("--hub=rediss://tcpkit:(hidden)@127.0.0.1:" + redis.port(), Tcpkit.STARTUP);
        }

        LineClient alice = member(a, "alice", "");
        LineClient bob = member(b, "bob", "alice"); // presence through Redis, over TLS
        alice.expectLine("* bob has entered the room");
        RespClient subscriber = keep(RespClient.connect(a.command(), "subscriber on A"));
        assertThat(subscriber.call("SUBSCRIBE", "lobby")).isEqualTo("*3\r\n$9\r\nsubscribe\r\n$5\r\nlobby\r\n:1\r\n");

        bob.sendLine("over TLS");
        alice.expectLine("[bob] over TLS");
        assertThat(subscriber.value()).isEqualTo(List.of("message", "lobby", "[bob] over TLS"));

        RespClient publisher = keep(RespClient.connect(b.command(), "publisher on B"));
        publisher.call("CLIENT", "SETNAME", "pub");
        assertThat(publisher.call("PUBLISH", "lobby", "hello")).isEqualTo(":1\r\n"); // bob, on B
        bob.expectLine("[pub] hello");
        assertThat(publisher.call("PUBLISH", "lobby", "marker")).isEqualTo(":1\r\n");
        // Exactly once: on A each of them comes once, the marker right after the first.
        alice.expectLine("[pub] hello");
        alice.expectLine("[pub] marker");
        assertThat(subscriber.value()).isEqualTo(List.of("message", "lobby", "hello"));
        assertThat(subscriber.value()).isEqualTo(List.of("message", "lobby", "marker"));
        subscriber.command("PING");
        assertThat(subscriber.value()).as("nothing more, nothing twice").isEqualTo(List.of("pong", ""));

        for (Tcpkit.Serve s : List.of(a, b)) {
            assertThat(s.process().output()).doesNotContain(PASSWORD);
        }
    }

    @Test
    void anInstanceThatDoesNotTrustTheCertificateDoesNotConnectAndSaysWhyOnce() throws Exception {
        // One Redis each, so that each one's log counts the handshakes of one instance.
        RedisServer forOtherCa = redis(withVerboseLog(ACL));
        RedisServer forJdkTrust = redis(withVerboseLog(ACL));
        // Reached as 127.0.0.2, a name its certificate does not hold (the CA is the right one).
        RedisServer forWrongName = redis(withVerboseLog(ACL, "--bind", "127.0.0.1", "127.0.0.2"));

        refused(forOtherCa, "127.0.0.1", List.of("--hub-ca", pki.otherCa().toString()),
                "TLS handshake failed: unable to find valid certification path to requested target");
        refused(forJdkTrust, "127.0.0.1", List.of(),
                "TLS handshake failed: unable to find valid certification path to requested target");
        refused(forWrongName, "127.0.0.2", List.of("--hub-ca", pki.ca().toString()),
                "TLS handshake failed: No subject alternative names matching IP address 127.0.0.2 found");
    }

    private static String[] withVerboseLog(String[] config, String... more) {
        List<String> all = new ArrayList<>(List.of(config));
        all.addAll(List.of("--loglevel", "verbose"));
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }

    /**
     * An instance on {@code redis} at {@code host} with {@code options}: serves its own members, is not
     * ready, and logs {@code reason} once while Redis sees it fail again and again.
     */
    private void refused(RedisServer redis, String host, List<String> options, String reason) throws Exception {
        int admin = freePort();
        List<String> args = new ArrayList<>(List.of("--hub", uri(host, redis), "--admin-port", Integer.toString(admin)));
        args.addAll(options);
        Tcpkit.Serve s = keep(Tcpkit.serve(dir, args.toArray(String[]::new)));
        String where = "rediss://" + host + ":" + redis.port();
        s.process().awaitStderr("hub: Redis at " + where + " is unreachable (" + reason + ")", Tcpkit.STARTUP);
        assertThat(status(admin)).isEqualTo(503);
        assertThat(get(admin).body()).contains("[-] hub: redis unreachable (" + reason + ")");
        LineClient alice = member(s, "alice", ""); // its own members are served meanwhile
        LineClient bob = member(s, "bob", "alice");
        alice.expectLine("* bob has entered the room");

        Await.until("three handshakes refused", () -> count(redis.log(), HANDSHAKE_FAILED) >= 3);
        assertThat(count(s.process().stderr(), "is unreachable")).as("one line, not one per attempt").isEqualTo(1);
        assertThat(s.process().stderr()).doesNotContain("connected to Redis");
        assertThat(s.process().output()).doesNotContain(PASSWORD);
        assertThat(status(admin)).isEqualTo(503);
    }

    @Test
    void aRedisThatAsksForClientCertificatesTakesHubCertAndRefusesOthers() throws Exception {
        RedisServer redis = redis("--tls-auth-clients", "yes");
        String uri = "rediss://127.0.0.1:" + redis.port();
        String ca = pki.ca().toString();
        Tcpkit.Serve alice = keep(Tcpkit.serve(dir, "--hub", uri, "--hub-ca", ca,
                "--hub-cert", pki.alice().cert().toString(), "--hub-key", pki.alice().key().toString()));
        // Mallory's certificate is signed by a CA Redis does not trust.
        Tcpkit.Serve mallory = keep(Tcpkit.serve(dir, "--hub", uri, "--hub-ca", ca,
                "--hub-cert", pki.mallory().cert().toString(), "--hub-key", pki.mallory().key().toString()));
        Tcpkit.Serve none = keep(Tcpkit.serve(dir, "--hub", uri, "--hub-ca", ca));

        alice.process().awaitStderr("hub: connected to Redis at " + uri, Tcpkit.STARTUP);
        mallory.process().awaitStderr("hub: Redis at " + uri + " is unreachable (TLS handshake failed: "
                + "(unknown_ca) Received fatal alert: unknown_ca)", Tcpkit.STARTUP);
        none.process().awaitStderr("hub: Redis at " + uri + " is unreachable (TLS handshake failed: "
                + "(certificate_required) Received fatal alert: certificate_required)", Tcpkit.STARTUP);
    }

    private static int count(String text, String what) {
        return text.split(java.util.regex.Pattern.quote(what), -1).length - 1;
    }
}
