package io.tcpkit.server.edge;

import io.tcpkit.tls.TestPki;

import io.tcpkit.CloseReason;
import io.tcpkit.TcpServer;
import io.tcpkit.codec.RespReader;
import io.tcpkit.server.auth.Authenticator;
import io.tcpkit.server.auth.PasswordHasher;
import io.tcpkit.server.auth.Users;
import io.tcpkit.server.command.CommandService;
import io.tcpkit.server.hub.LocalHub;
import io.tcpkit.server.session.Sessions;
import io.tcpkit.tls.ClientAuth;
import io.tcpkit.tls.TlsServerConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A verified client certificate logs a command-protocol connection in as the user its CN names,
 * with no AUTH; without a certificate (optional mode), with a CN that is no user, or with a
 * certificate from another CA, the connection is not logged in.
 */
@Timeout(60)
class CertificateLoginTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String NOAUTH = "-NOAUTH Authentication required.\r\n";

    @TempDir
    static Path dir;
    private static TestPki pki;
    private static TestPki.Pair serverCert;
    private static TestPki.Pair alice;
    private static TestPki.Pair bob;
    private static TestPki.Pair forgedAlice;
    private static Path usersFile;

    private TcpServer server;

    @BeforeAll
    static void setUp() throws Exception {
        assumeTrue(TestPki.opensslAvailable(), "openssl is not installed");
        pki = TestPki.create(dir);
        serverCert = pki.server("server", TestPki.KeyType.EC);
        alice = pki.client("alice", "alice");
        bob = pki.client("bob", "bob"); // signed by the CA, but no such user
        forgedAlice = TestPki.create(dir.resolve("other-ca")).client("alice", "alice");
        usersFile = dir.resolve("users");
        Files.writeString(usersFile, "# test users\nalice " + PasswordHasher.hash("alice-pw".toCharArray(), 1000) + "\n");
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private int start(ClientAuth auth) throws Exception {
        CommandService service = new CommandService(new Sessions(), new Authenticator(Users.load(usersFile)),
                new LocalHub(), RespReader.DEFAULT_MAX_REQUEST_BYTES);
        server = service.handle(TcpServer.builder().port(0).service(service.name()))
                .tls(new TlsServerConfig(serverCert.cert(), serverCert.key(), pki.ca().cert(), auth,
                        TlsServerConfig.DEFAULT_HANDSHAKE_TIMEOUT))
                .start();
        service.started(server);
        return server.port();
    }

    @Test
    void requiredModeLogsTheCertificatesUserInWithoutAuth() throws Exception {
        int port = start(ClientAuth.REQUIRED);
        try (SSLSocket s = Tls.connect(Tls.context(pki.ca().cert(), alice, false), port)) {
            assertThat(Tls.command(s, "ACL WHOAMI")).isEqualTo("$5\r\nalice\r\n");
            assertThat(Tls.command(s, "PING")).isEqualTo("+PONG\r\n");
            assertThat(Tls.command(s, "CLIENT LIST")).contains(" user=alice ");
        }
    }

    @Test
    void requiredModeRefusesAClientWithoutACertificate() throws Exception {
        int port = start(ClientAuth.REQUIRED);
        Throwable failure = catchThrowable(() -> {
            try (SSLSocket s = Tls.connect(Tls.context(pki.ca().cert(), null, false), port)) {
                Tls.command(s, "PING");
            }
        });
        assertThat(failure).isInstanceOf(IOException.class);
        awaitFailedHandshakes(1);
    }

    @Test
    void optionalModeServesClientsWithoutACertificateButDoesNotLogThemIn() throws Exception {
        int port = start(ClientAuth.OPTIONAL);
        try (SSLSocket anonymous = Tls.connect(Tls.context(pki.ca().cert(), null, false), port);
             SSLSocket withCert = Tls.connect(Tls.context(pki.ca().cert(), alice, false), port)) {
            assertThat(Tls.command(anonymous, "ACL WHOAMI")).isEqualTo(NOAUTH);
            assertThat(Tls.command(withCert, "ACL WHOAMI")).isEqualTo("$5\r\nalice\r\n");
            // The anonymous one can still log in with a password, as without TLS.
            assertThat(Tls.command(anonymous, "AUTH alice alice-pw")).isEqualTo("+OK\r\n");
            assertThat(Tls.command(anonymous, "ACL WHOAMI")).isEqualTo("$5\r\nalice\r\n");
        }
    }

    @Test
    void aCertificateWhoseNameIsNoUserDoesNotLogIn() throws Exception {
        int port = start(ClientAuth.REQUIRED);
        try (SSLSocket s = Tls.connect(Tls.context(pki.ca().cert(), bob, false), port)) {
            assertThat(Tls.command(s, "ACL WHOAMI")).isEqualTo(NOAUTH);
            assertThat(Tls.command(s, "CLIENT LIST")).isEqualTo(NOAUTH);
        }
    }

    @Test
    void aCertificateFromAnotherCaNamingAliceNeverLogsInAsAlice() throws Exception {
        for (ClientAuth auth : List.of(ClientAuth.REQUIRED, ClientAuth.OPTIONAL)) {
            int port = start(auth);
            String reply;
            try (SSLSocket s = Tls.connect(Tls.context(pki.ca().cert(), forgedAlice, true), port)) {
                reply = Tls.command(s, "ACL WHOAMI");
            } catch (IOException refused) {
                reply = "refused: " + refused;
            }
            assertThat(reply).as(auth.name()).doesNotContain("alice");
            server.close();
        }
    }

    private void awaitFailedHandshakes(long n) {
        Await.until(n + " failed handshake(s)", WAIT,
                () -> server.stats().closed().get(CloseReason.TLS_HANDSHAKE_FAILED) == n);
    }
}
