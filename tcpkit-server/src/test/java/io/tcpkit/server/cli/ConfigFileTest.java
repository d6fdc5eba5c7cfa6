package io.tcpkit.server.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static io.tcpkit.server.cli.InProcess.hint;
import static io.tcpkit.server.cli.InProcess.tcpkit;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code --config FILE} and {@code --print-config}, in process (they end before anything starts):
 * every option has a key, the command line wins, unknown keys are errors, and what
 * --print-config prints is a file that gives the same options back.
 */
class ConfigFileTest {
    @TempDir
    Path dir;

    /** The lines of --print-config that set a value, in order. */
    private static List<String> settings(String printed) {
        return printed.lines().filter(l -> !l.isBlank() && !l.startsWith("#")).toList();
    }

    private InProcess.Run printConfig(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--print-config");
        InProcess.Run run = tcpkit(all.toArray(String[]::new));
        assertThat(run.status()).as(run.err()).isZero();
        assertThat(run.err()).isEmpty();
        return run;
    }

    private Path file(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }

    @Test
    void printConfigRoundTripsForEveryServerCommand() throws Exception {
        for (String command : List.of("serve", "echo", "chat", "command")) {
            String defaults = printConfig(command).out();
            Path saved = file(command + ".conf", defaults);
            assertThat(printConfig(command, "--config", saved.toString()).out()).as(command).isEqualTo(defaults);
        }
    }

    @Test
    void everyOptionOfTheCommandHasAKeyWithItsDescription() {
        String printed = printConfig("serve").out();
        assertThat(printed).contains("\n# Address to listen on (default: 127.0.0.1; 0.0.0.0 or :: for all).\nhost = 127.0.0.1\n",
                "\nidle-timeout = 5m\n", "\n# tls-cert =\n", "\ntls-self-signed = false\n", "\n# users =\n",
                "\nmax-request-bytes = 1048576\n", "\necho-port = 7000\n", "\nlog-level = info\n");
        assertThat(printed).doesNotContain("config =", "print-config =", "help =", "version =");
        assertThat(printConfig("echo").out()).contains("\nport = 7000\n").doesNotContain("users", "chat-port");
    }

    @Test
    void valuesGivenOnTheCommandLineRoundTripToo() throws Exception {
        String printed = printConfig("serve", "--host", "::1", "--idle-timeout", "90s", "--read-timeout", "1500ms",
                "--drain-timeout", "0", "--tls-self-signed", "--tls-services", "echo,command", "--users",
                " odd\\folder/users", "--max-connect-rate", "2.5", "--tls-client-auth", "optional",
                "--log-level", "debug", "--echo-port", "0").out();
        assertThat(settings(printed)).contains("host = ::1", "idle-timeout = 90s", "read-timeout = 1500ms",
                "drain-timeout = 0", "tls-self-signed = true", "tls-services = echo,command",
                "users = \\ odd\\\\folder/users", "max-connect-rate = 2.5", "tls-client-auth = optional",
                "log-level = debug", "echo-port = 0");
        Path saved = file("saved.conf", printed);
        assertThat(printConfig("serve", "--config", saved.toString()).out()).isEqualTo(printed);
    }

    @Test
    void memoryOptionsHaveKeysTakeSizesOrAShareOfTheHeapAndRoundTrip() throws Exception {
        assertThat(printConfig("serve").out()).contains("\nmax-client-memory = 40%\n", "\nmax-subscriptions = 100000\n");
        assertThat(printConfig("command").out()).contains("\nmax-client-memory = 40%\n", "\nmax-subscriptions = 100000\n");
        Path conf = file("memory.conf", "max-client-memory = 512m\nmax-subscriptions = 10\n");
        String printed = printConfig("serve", "--config", conf.toString()).out();
        assertThat(settings(printed)).contains("max-client-memory = 512m", "max-subscriptions = 10");
        assertThat(printConfig("serve", "--config", file("saved-memory.conf", printed).toString()).out()).isEqualTo(printed);
        for (String bad : List.of("0", "101%", "lots", "-1g")) {
            InProcess.Run run = tcpkit("serve", "--max-client-memory", bad, "--print-config");
            assertThat(run.status()).as(bad).isEqualTo(2);
            assertThat(run.err()).as(bad).startsWith("tcpkit serve: Invalid value for option '--max-client-memory': ");
        }
    }

    @Test
    void adminAndLogOptionsHaveKeysAndRoundTrip() throws Exception {
        assertThat(printConfig("serve").out()).contains("\nadmin-port = 7080\n", "\nadmin-host = 127.0.0.1\n",
                "\n# admin-token =\n", "\nlog-format = text\n", "\n# log-file =\n");
        Path log = dir.resolve("logs").resolve("tcpkit.log");
        for (String command : List.of("serve", "echo", "chat", "command")) {
            String printed = printConfig(command, "--admin-port", "7181", "--admin-host", "::1", "--admin-token",
                    "s3cret token", "--log-format", "json", "--log-file", log.toString()).out();
            // The token as it is, so that the output gives the same options back (README: keep it private).
            assertThat(settings(printed)).as(command).contains("admin-port = 7181", "admin-host = ::1",
                    "admin-token = s3cret token", "log-format = json", "log-file = " + log);
            Path saved = file(command + "-admin.conf", printed);
            assertThat(printConfig(command, "--config", saved.toString()).out()).as(command).isEqualTo(printed);
        }
        assertThat(log.getParent()).as("--print-config starts nothing, not even the log file").doesNotExist();
    }

    @Test
    void theCommandLineOverridesTheFile() throws Exception {
        Path conf = file("tcpkit.conf", """
                # a comment
                host = 127.0.0.2
                max-connections=500
                tls-services : chat
                tls-self-signed = true
                log-level = debug
                """);
        List<String> fromFile = settings(printConfig("serve", "--config", conf.toString()).out());
        assertThat(fromFile).contains("host = 127.0.0.2", "max-connections = 500", "tls-services = chat",
                "tls-self-signed = true", "log-level = debug");

        List<String> overridden = settings(printConfig("serve", "--config", conf.toString(), "--host", "127.0.0.3",
                "--tls-services", "echo", "--log-level", "warn").out());
        assertThat(overridden).contains("host = 127.0.0.3", "max-connections = 500", "tls-services = echo",
                "log-level = warn");
        // --log-level before the command is the top-level command's, and still wins over the file.
        assertThat(settings(printConfig("--log-level", "error", "serve", "--config", conf.toString()).out()))
                .contains("log-level = error");
    }

    @Test
    void unknownAndRepeatedKeysAreErrorsThatNameThem() throws Exception {
        Path typo = file("typo.conf", "host = 127.0.0.1\nmax-conections = 5\nechoport = 1\n");
        InProcess.Run run = tcpkit("serve", "--config", typo.toString());
        assertThat(run.status()).isEqualTo(2);
        assertThat(run.err()).isEqualTo("tcpkit serve: " + typo + ": no option 'echoport', 'max-conections' in "
                + "'tcpkit serve' (a key is a long option without '--'; see --print-config)\n" + hint("tcpkit serve"));

        Path otherService = file("other.conf", "chat-port = 7001\n");
        assertThat(tcpkit("echo", "--config", otherService.toString()).err())
                .startsWith("tcpkit echo: " + otherService + ": no option 'chat-port' in 'tcpkit echo'");

        Path twice = file("twice.conf", "host = 127.0.0.1\nhost = ::1\n");
        assertThat(tcpkit("serve", "--config", twice.toString()).err())
                .isEqualTo("tcpkit serve: " + twice + ": 'host' given more than once\n" + hint("tcpkit serve"));

        assertThat(tcpkit("serve", "--config", dir.resolve("missing.conf").toString()).err())
                .isEqualTo("tcpkit serve: --config " + dir.resolve("missing.conf") + ": no such file\n" + hint("tcpkit serve"));
    }

    @Test
    void aBadValueInTheFileSaysItCameFromTheFile() throws Exception {
        Path zero = file("zero.conf", "max-connections = 0\n");
        assertThat(tcpkit("serve", "--config", zero.toString()).err())
                .isEqualTo("tcpkit serve: Invalid value for option '--max-connections': must be 1 or more, not 0 (in "
                        + zero + ")\n" + hint("tcpkit serve"));
        Path level = file("level.conf", "log-level = loud\n");
        assertThat(tcpkit("chat", "--config", level.toString()).err())
                .isEqualTo("tcpkit chat: Invalid value for option '--log-level': 'loud' is not one of error, warn, info, "
                        + "debug, trace (in " + level + ")\n" + hint("tcpkit chat"));
    }

    @Test
    void valuesAreLiteral() throws Exception {
        Path conf = file("dollars.conf", "users = /etc/${HOME}/a$$b\n");
        assertThat(settings(printConfig("command", "--config", conf.toString()).out())).contains("users = /etc/${HOME}/a$$b");
    }

    @Test
    void theExampleFileIsAValidConfigForServe() throws Exception {
        Path example = Path.of("..", "examples", "tcpkit.conf");
        String printed = printConfig("serve", "--config", example.toString()).out();
        for (String line : Files.readAllLines(example)) {
            if (!line.isBlank() && !line.startsWith("#")) {
                assertThat(settings(printed)).as("the example's values are in force").contains(line);
            }
        }
    }

    @Test
    void anArgumentFileWorksBesideAConfigFile() throws Exception {
        Path conf = file("tcpkit.conf", "port = 7100\nidle-timeout = 2m\n");
        Path args = file("prod.args", "--config\n" + conf + "\n--port\n7200\n");
        assertThat(settings(printConfig("echo", "@" + args).out())).contains("port = 7200", "idle-timeout = 2m");
    }
}
