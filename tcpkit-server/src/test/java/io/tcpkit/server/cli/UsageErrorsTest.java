package io.tcpkit.server.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static io.tcpkit.server.cli.InProcess.hint;
import static io.tcpkit.server.cli.InProcess.tcpkit;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A wrong option or value is one line naming it, picocli's suggestions for a misspelt option, and
 * a hint to {@code --help}; never the whole usage, which scrolls the error away. Parsed in
 * process: nothing here gets as far as starting a listener.
 */
class UsageErrorsTest {
    @Test
    void aBadValueIsOneLineAndAHint() {
        InProcess.Run run = tcpkit("echo", "--port", "x");
        assertThat(run.status()).isEqualTo(2);
        assertThat(run.err()).isEqualTo("tcpkit echo: Invalid value for option '--port': 'x' is not a whole number\n"
                + hint("tcpkit echo"));
        assertThat(run.out()).isEmpty();
    }

    @Test
    void aMisspeltOptionGetsSuggestionsAndAHint() {
        InProcess.Run run = tcpkit("serve", "--max-conections", "5");
        assertThat(run.status()).isEqualTo(2);
        assertThat(run.err().lines()).hasSize(3);
        assertThat(run.err()).startsWith("tcpkit serve: Unknown options: '--max-conections', '5'\n"
                + "Possible solutions: --max-connections").endsWith(hint("tcpkit serve"));
    }

    @Test
    void aBadLogLevelOnASubcommandIsThatSubcommandsError() {
        InProcess.Run run = tcpkit("serve", "--log-level", "verbose");
        assertThat(run.status()).isEqualTo(2);
        assertThat(run.err()).isEqualTo("tcpkit serve: Invalid value for option '--log-level': "
                + "'verbose' is not one of error, warn, info, debug, trace\n" + hint("tcpkit serve"));

        InProcess.Run top = tcpkit("--log-level", "verbose", "echo");
        assertThat(top.status()).isEqualTo(2);
        assertThat(top.err()).isEqualTo("tcpkit: Invalid value for option '--log-level': "
                + "'verbose' is not one of error, warn, info, debug, trace\n" + hint("tcpkit"));
    }

    @Test
    void noCommandAtAll() {
        InProcess.Run run = tcpkit();
        assertThat(run.status()).isEqualTo(2);
        assertThat(run.err()).isEqualTo("tcpkit: a command is required\n" + hint("tcpkit"));
    }

    @Test
    void optionsThatGoTogetherAreReportedTheSameWay() {
        InProcess.Run run = tcpkit("echo", "--port", "0", "--tls-cert", "cert.pem");
        assertThat(run.status()).isEqualTo(2);
        assertThat(run.err()).isEqualTo("tcpkit echo: --tls-cert and --tls-key go together\n" + hint("tcpkit echo"));

        InProcess.Run deny = tcpkit("echo", "--port", "0", "--deny", "localhost");
        assertThat(deny.status()).isEqualTo(2);
        assertThat(deny.err()).isEqualTo("tcpkit echo: --deny: not an IP address: 'localhost'\n" + hint("tcpkit echo"));
    }

    @Test
    void tlsServicesNamesMustBeTheCommandsServices() {
        InProcess.Run typo = tcpkit("serve", "--tls-self-signed", "--tls-services", "ehco,command");
        assertThat(typo.status()).isEqualTo(2);
        assertThat(typo.err()).isEqualTo("tcpkit serve: --tls-services: no service named 'ehco' here "
                + "(services: echo, chat, command)\n" + hint("tcpkit serve"));

        InProcess.Run other = tcpkit("echo", "--tls-self-signed", "--tls-services", "chat");
        assertThat(other.status()).isEqualTo(2);
        assertThat(other.err()).isEqualTo("tcpkit echo: --tls-services: no service named 'chat' here "
                + "(services: echo)\n" + hint("tcpkit echo"));

        InProcess.Run plain = tcpkit("command", "--tls-services", "command");
        assertThat(plain.status()).isEqualTo(2);
        assertThat(plain.err()).isEqualTo("tcpkit command: --tls-services needs --tls-cert/--tls-key "
                + "or --tls-self-signed\n" + hint("tcpkit command"));
    }

    @Test
    void aMissingFileIsSaidInPlainWordsWithTheOptionThatNamedIt(@TempDir Path dir) throws Exception {
        Path key = Files.writeString(dir.resolve("key.pem"), "not used");
        InProcess.Run cert = tcpkit("echo", "--port", "0", "--tls-cert", "/nonexistent.pem", "--tls-key", key.toString());
        assertThat(cert.status()).isEqualTo(2);
        assertThat(cert.err()).isEqualTo("tcpkit echo: --tls-cert /nonexistent.pem: no such file\n" + hint("tcpkit echo"));

        InProcess.Run folder = tcpkit("serve", "--tls-self-signed", "--tls-client-ca", dir.toString());
        assertThat(folder.err()).startsWith("tcpkit serve: --tls-client-ca " + dir + ": is a folder, not a file\n");

        InProcess.Run ca = tcpkit("connect", "--tls", "--ca", "/nonexistent-ca.pem", "127.0.0.1:1");
        assertThat(ca.status()).isEqualTo(2);
        assertThat(ca.err()).isEqualTo("tcpkit connect: --ca /nonexistent-ca.pem: no such file\n"
                + hint("tcpkit connect"));
    }

    @Test
    void valuesOutOfRangeNameTheOptionNotAFieldOfTheLibrary() {
        InProcess.Run zero = tcpkit("serve", "--max-connections", "0");
        assertThat(zero.status()).isEqualTo(2);
        assertThat(zero.err()).isEqualTo("tcpkit serve: Invalid value for option '--max-connections': "
                + "must be 1 or more, not 0\n" + hint("tcpkit serve"));
        assertThat(tcpkit("command", "--max-request-bytes", "-1").err())
                .startsWith("tcpkit command: Invalid value for option '--max-request-bytes': must be 1 or more, not -1\n");
        assertThat(tcpkit("echo", "--port", "70000").err())
                .startsWith("tcpkit echo: Invalid value for option '--port': a port is 0 to 65535 (0 picks a free one), "
                        + "not 70000\n");
        assertThat(tcpkit("serve", "--chat-port", "-1").err())
                .startsWith("tcpkit serve: Invalid value for option '--chat-port': a port is 0 to 65535");
        assertThat(tcpkit("echo", "--idle-timeout", "PT-5S").err())
                .startsWith("tcpkit echo: Invalid value for option '--idle-timeout': 'PT-5S' is negative\n");
        assertThat(tcpkit("echo", "--tls-self-signed", "--tls-handshake-timeout", "0").err())
                .startsWith("tcpkit echo: Invalid value for option '--tls-handshake-timeout': must be more than 0\n");
        assertThat(tcpkit("chat", "--max-connect-rate", "-2").err())
                .startsWith("tcpkit chat: Invalid value for option '--max-connect-rate': must be 0 or more, not -2\n");
        assertThat(tcpkit("echo", "--read-timeout", "99999999999999999999s").err())
                .startsWith("tcpkit echo: Invalid value for option '--read-timeout': '99999999999999999999s' is too long a time\n");
    }

    @Test
    void adminAndLogOptionsAreCheckedTheSameWay(@TempDir Path dir) throws Exception {
        InProcess.Run port = tcpkit("serve", "--admin-port", "70000");
        assertThat(port.status()).isEqualTo(2);
        assertThat(port.err()).isEqualTo("tcpkit serve: Invalid value for option '--admin-port': a port is 1 to 65535, "
                + "or 0 to turn the admin listener off, not 70000\n" + hint("tcpkit serve"));
        assertThat(tcpkit("echo", "--admin-port", "x").err())
                .startsWith("tcpkit echo: Invalid value for option '--admin-port': 'x' is not a whole number\n");

        InProcess.Run token = tcpkit("command", "--admin-token", "");
        assertThat(token.status()).isEqualTo(2);
        assertThat(token.err()).isEqualTo("tcpkit command: Invalid value for option '--admin-token': must not be empty "
                + "(leave the option out for loopback-only actions)\n" + hint("tcpkit command"));

        InProcess.Run format = tcpkit("chat", "--log-format", "xml");
        assertThat(format.status()).isEqualTo(2);
        assertThat(format.err()).isEqualTo("tcpkit chat: Invalid value for option '--log-format': "
                + "'xml' is not one of text, json\n" + hint("tcpkit chat"));
        assertThat(tcpkit("--log-format", "xml", "echo").err())
                .isEqualTo("tcpkit: Invalid value for option '--log-format': 'xml' is not one of text, json\n" + hint("tcpkit"));

        // A file where a folder should be: the log file cannot be made (and nothing is started).
        Path notAFolder = Files.writeString(dir.resolve("file"), "");
        InProcess.Run file = tcpkit("echo", "--port", "0", "--admin-port", "0", "--log-file",
                notAFolder.resolve("tcpkit.log").toString());
        assertThat(file.status()).isEqualTo(2);
        assertThat(file.err()).isEqualTo("tcpkit echo: --log-file " + notAFolder.resolve("tcpkit.log")
                + ": cannot be written\n" + hint("tcpkit echo"));
        assertThat(file.out()).isEmpty();
    }

    @Test
    void benchOptionsAreUnambiguous() {
        InProcess.Run d = tcpkit("bench", "127.0.0.1:7000", "-d", "3s");
        assertThat(d.status()).isEqualTo(2);
        assertThat(d.err()).isEqualTo("tcpkit bench: -d is ambiguous: use --duration 3s for the measured time, "
                + "or --in-flight (-P) for requests outstanding per connection\n" + hint("tcpkit bench"));

        InProcess.Run mode = tcpkit("bench", "127.0.0.1:7000", "--mode", "foo");
        assertThat(mode.status()).isEqualTo(2);
        assertThat(mode.err()).isEqualTo("tcpkit bench: Invalid value for option '--mode': "
                + "'foo' is not one of echo, line, ping, pubsub, idle, idle-command, idle-subscriber, idle-chat\n" + hint("tcpkit bench"));

        assertThat(tcpkit("bench", "127.0.0.1:7000", "--publishers", "0").err())
                .startsWith("tcpkit bench: Invalid value for option '--publishers': must be 1 or more, not 0\n");
        assertThat(tcpkit("bench", "127.0.0.1:7000", "--server-pid", "serve").err())
                .startsWith("tcpkit bench: --server-pid: a process id or auto, not 'serve'\n");
    }

    @Test
    void helpPrintsPercentagesAsWritten() {
        // A lone '%' in a description is a format specifier to picocli: the whole text then fell
        // back to raw (with "40%%" in it) and a warning went to stderr on every --help.
        for (String command : new String[] {"serve", "chat", "command", "echo"}) {
            InProcess.Run run = tcpkit(command, "--help");
            assertThat(run.status()).isZero();
            String help = run.out().replaceAll("\\s+", " ");
            assertThat(help).as(command).contains("one address may hold 25% of it (default: 40% of the heap)")
                    .doesNotContain("%%");
        }
    }
}
