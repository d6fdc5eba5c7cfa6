package io.tcpkit.server.cli;

import io.tcpkit.testing.TestPki;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static io.tcpkit.server.cli.InProcess.hint;
import static io.tcpkit.server.cli.InProcess.tcpkit;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code --hub}: only Redis URIs, refused like any bad value, and never a password shown. */
class HubOptionsTest {
    @Test
    void aHubThatIsNoRedisUriIsAUsageErrorWithoutItsPassword() {
        InProcess.Run run = tcpkit("serve", "--hub", "http://tcpkit:s3cret@127.0.0.1:6379");
        assertThat(run.status()).isEqualTo(2);
        assertThat(run.err()).isEqualTo("tcpkit serve: Invalid value for option '--hub': "
                + "'http://tcpkit:(hidden)@127.0.0.1:6379' is not redis://[user:password@]host:port or rediss://...\n"
                + hint("tcpkit serve"));

        InProcess.Run chat = tcpkit("chat", "--hub", "127.0.0.1:6379");
        assertThat(chat.status()).isEqualTo(2);
        assertThat(chat.err()).startsWith("tcpkit chat: Invalid value for option '--hub': '127.0.0.1:6379' is not redis://");
        assertThat(tcpkit("command", "--hub", "localhost").status()).isEqualTo(2);
    }

    @Test
    void theTlsFilesOfTheHubAreCheckedBeforeAnythingStarts(@TempDir Path dir) throws IOException {
        TestPki pki = TestPki.copyTo(dir.resolve("pki"));
        String ca = pki.ca().toString();
        assertRefused("tcpkit serve: --hub-ca, --hub-cert and --hub-key need --hub rediss://...",
                "serve", "--hub-ca", ca);
        assertRefused("tcpkit chat: --hub-ca, --hub-cert and --hub-key are for TLS: a rediss:// hub, not "
                + "redis://tcpkit:(hidden)@127.0.0.1:6379", "chat", "--hub", "redis://tcpkit:s3cret@127.0.0.1:6379", "--hub-ca", ca);
        assertRefused("tcpkit serve: --hub-cert and --hub-key go together",
                "serve", "--hub", "rediss://127.0.0.1:6379", "--hub-cert", pki.alice().cert().toString());
        Path missing = dir.resolve("missing.pem");
        assertRefused("tcpkit serve: --hub-ca " + missing + ": no such file",
                "serve", "--hub", "rediss://127.0.0.1:6379", "--hub-ca", missing.toString());
        Path notPem = Files.writeString(dir.resolve("not.pem"), "not a certificate\n");
        InProcess.Run run = tcpkit("command", "--hub", "rediss://127.0.0.1:6379", "--hub-ca", notPem.toString());
        assertThat(run.status()).isEqualTo(2);
        assertThat(run.err()).startsWith("tcpkit command: --hub-ca " + notPem + ": found no certificates");
        // A certificate as the key (no PKCS#8 key in it).
        run = tcpkit("command", "--hub", "rediss://127.0.0.1:6379", "--hub-cert", pki.alice().cert().toString(),
                "--hub-key", pki.alice().cert().toString());
        assertThat(run.status()).isEqualTo(2);
        assertThat(run.err()).startsWith("tcpkit command: --hub-cert " + pki.alice().cert() + " / --hub-key "
                + pki.alice().cert() + ": could not find a PKCS #8 private key");
    }

    @Test
    void aUriCannotTurnTheCertificateChecksOff() {
        for (String mode : new String[] {"NONE", "CA", "none"}) {
            InProcess.Run run = tcpkit("serve", "--hub", "rediss://tcpkit:s3cret@127.0.0.1:6380?verifyPeer=" + mode);
            assertThat(run.status()).as(mode).isEqualTo(2);
            assertThat(run.err()).as(mode).startsWith("tcpkit serve: Invalid value for option '--hub': "
                    + "'rediss://tcpkit:(hidden)@127.0.0.1:6380?verifyPeer=" + mode + "' weakens the checks of Redis's certificate");
        }
    }

    private static void assertRefused(String message, String... args) {
        InProcess.Run run = tcpkit(args);
        assertThat(run.status()).isEqualTo(2);
        assertThat(run.err()).isEqualTo(message + "\n" + hint("tcpkit " + args[0]));
    }

    @Test
    void passwordsAreHidden() {
        assertThat(HubOptions.redacted("redis://tcpkit:s3cret@127.0.0.1:6379")).isEqualTo("redis://tcpkit:(hidden)@127.0.0.1:6379");
        assertThat(HubOptions.redacted("rediss://:s3cret@redis.internal")).isEqualTo("rediss://:(hidden)@redis.internal");
        assertThat(HubOptions.redacted("redis://127.0.0.1:6379")).isEqualTo("redis://127.0.0.1:6379");
    }
}
