package io.tcpkit.server.edge;

import io.tcpkit.CloseReason;
import io.tcpkit.Limits;
import io.tcpkit.TcpServer;
import io.tcpkit.server.auth.PasswordHasher;
import io.tcpkit.server.auth.Users;
import io.tcpkit.server.testing.Services;
import io.tcpkit.testing.Await;
import io.tcpkit.testing.LineClient;
import io.tcpkit.testing.RespClient;
import io.tcpkit.testing.TestPki;
import io.tcpkit.testing.TlsClient;
import io.tcpkit.tls.ClientAuth;
import io.tcpkit.tls.TlsServerConfig;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * A verified client certificate logs a command-protocol connection in as the user its CN names,
 * with no AUTH; without a certificate (optional mode), with a CN that is no user, or with a
 * certificate from another CA, the connection is not logged in.
 */
@Timeout(60)
class CertificateLoginTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String NOAUTH = "-NOAUTH Authentication required.\r\n";
    private static final String PROMPT = "Welcome to tcpkit chat! What shall I call you?";

    @TempDir
    static Path dir;
    private static TestPki pki;
    private static TestPki.Pair serverCert;
    private static TestPki.Pair alice;
    private static TestPki.Pair bob;
    private static TestPki.Pair forgedAlice;
    private static Path usersFile;

    @AutoClose
    private Services services;
    private TcpServer server;

    @BeforeAll
    static void setUp() throws Exception {
        pki = TestPki.copyTo(dir);
        serverCert = pki.serverEc();
        alice = pki.alice();
        bob = pki.bob(); // signed by the CA, but no such user
        forgedAlice = pki.mallory();
        usersFile = dir.resolve("users");
        Files.writeString(usersFile, "# test users\nalice " + PasswordHasher.hash("alice-pw".toCharArray(), 1000) + "\n");
    }

    private int start(ClientAuth auth) throws Exception {
        services = new Services(Users.load(usersFile));
        server = services.startCommand(Limits.DEFAULT, b -> b.tls(new TlsServerConfig(serverCert.cert(),
                serverCert.key(), pki.ca(), auth, TlsServerConfig.DEFAULT_HANDSHAKE_TIMEOUT)));
        return server.port();
    }

    @Test
    void requiredModeLogsTheCertificatesUserInWithoutAuth() throws Exception {
        int port = start(ClientAuth.REQUIRED);
        try (RespClient s = tls(alice, port)) {
            assertThat(s.inline("ACL WHOAMI")).isEqualTo("$5\r\nalice\r\n");
            assertThat(s.inline("PING")).isEqualTo("+PONG\r\n");
            assertThat(s.inline("CLIENT LIST")).contains(" user=alice ");
        }
    }

    @Test
    void requiredModeRefusesAClientWithoutACertificate() throws Exception {
        int port = start(ClientAuth.REQUIRED);
        Throwable failure = catchThrowable(() -> {
            try (RespClient s = tls(null, port)) {
                s.inline("PING");
            }
        });
        assertThat(failure).isInstanceOf(IOException.class);
        awaitFailedHandshakes(1);
    }

    @Test
    void optionalModeServesClientsWithoutACertificateButDoesNotLogThemIn() throws Exception {
        int port = start(ClientAuth.OPTIONAL);
        try (RespClient anonymous = tls(null, port);
             RespClient withCert = tls(alice, port)) {
            assertThat(anonymous.inline("ACL WHOAMI")).isEqualTo(NOAUTH);
            assertThat(withCert.inline("ACL WHOAMI")).isEqualTo("$5\r\nalice\r\n");
            // The anonymous one can still log in with a password, as without TLS.
            assertThat(anonymous.inline("AUTH alice alice-pw")).isEqualTo("+OK\r\n");
            assertThat(anonymous.inline("ACL WHOAMI")).isEqualTo("$5\r\nalice\r\n");
        }
    }

    @Test
    void aCertificateWhoseNameIsNoUserDoesNotLogIn() throws Exception {
        int port = start(ClientAuth.REQUIRED);
        try (RespClient s = tls(bob, port)) {
            assertThat(s.inline("ACL WHOAMI")).isEqualTo(NOAUTH);
            assertThat(s.inline("CLIENT LIST")).isEqualTo(NOAUTH);
        }
    }

    /**
     * The forger sends its certificate whatever CAs the server asks for: the server itself must
     * refuse it, and does so in the handshake, before any command, in both modes (an unverifiable
     * certificate is not the same as none).
     */
    @ParameterizedTest
    @EnumSource(value = ClientAuth.class, names = {"REQUIRED", "OPTIONAL"})
    void aCertificateFromAnotherCaNamingAliceIsRefusedInTheHandshake(ClientAuth auth) throws Exception {
        int port = start(auth);
        // TLS 1.3: the client may finish its side first and meet the server's alert on its first read.
        Throwable failure = catchThrowable(() -> {
            try (RespClient s = RespClient.over(TlsClient.connect(TlsClient.alwaysPresenting(pki.ca(), forgedAlice),
                    port), "forger")) {
                s.inline("ACL WHOAMI");
            }
        });
        assertThat(failure).as("no reply, not even -NOAUTH").isInstanceOf(IOException.class);
        awaitFailedHandshakes(1);
        assertThat(server.stats().closedTotal()).as("no connection got as far as the command service").isEqualTo(1);
    }

    /** A command-protocol client over TLS, trusting the CA, presenting {@code certificate} if not null. */
    private static RespClient tls(TestPki.Pair certificate, int port) throws Exception {
        return RespClient.over(TlsClient.connect(TlsClient.context(pki.ca(), certificate), port), "tls");
    }

    private void awaitFailedHandshakes(long n) {
        Await.until(n + " failed handshake(s)", WAIT,
                () -> server.stats().closed().get(CloseReason.TLS_HANDSHAKE_FAILED) == n);
    }

    /** The chat takes the certificate's login too: its user's name needs no password there. */
    @Test
    void aCertificateThatNamesAUserNeedsNoPasswordForThatNameInTheChat() throws Exception {
        services = new Services(Users.load(usersFile));
        TcpServer chat = services.startChat(Limits.DEFAULT, b -> b.tls(new TlsServerConfig(serverCert.cert(),
                serverCert.key(), pki.ca(), ClientAuth.OPTIONAL, TlsServerConfig.DEFAULT_HANDSHAKE_TIMEOUT)));
        try (LineClient anonymous = LineClient.over(TlsClient.connect(TlsClient.context(pki.ca(), null), chat.port()),
                "no certificate")) {
            anonymous.expectLine(PROMPT).sendLine("alice").expectLine("* alice is a registered name: password?");
        }
        try (LineClient withCertificate = LineClient.over(TlsClient.connect(TlsClient.context(pki.ca(), alice),
                chat.port()), "alice's certificate")) {
            withCertificate.expectLine(PROMPT).sendLine("Alice").expectLine("* The room lobby contains: ");
            withCertificate.sendLine("/quit").expectLine("* bye");
        }
        // Bob's certificate is the CA's, but bob is no user: no login, and alice's name still needs her password.
        try (LineClient bobs = LineClient.over(TlsClient.connect(TlsClient.context(pki.ca(), bob), chat.port()),
                "bob's certificate")) {
            bobs.expectLine(PROMPT).sendLine("alice").expectLine("* alice is a registered name: password?");
        }
    }
}
