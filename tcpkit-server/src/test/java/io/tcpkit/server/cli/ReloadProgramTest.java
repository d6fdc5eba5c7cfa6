package io.tcpkit.server.cli;

import io.tcpkit.server.auth.PasswordHasher;
import io.tcpkit.server.testing.Tcpkit;
import io.tcpkit.testing.ChildProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reloads through the real program: a child process, files changed on disk, real SIGHUPs, and
 * logins over real sockets.
 */
@Timeout(90)
class ReloadProgramTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int ITERATIONS = 1000;

    @TempDir
    Path dir;

    private static String entry(String name, String password) {
        return name + " " + PasswordHasher.hash(password.toCharArray(), ITERATIONS) + "\n";
    }

    /** One inline command on a new connection to the command port; its first reply line. */
    private static String call(int port, String command) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(20_000);
            s.getOutputStream().write((command + "\r\n").getBytes(StandardCharsets.UTF_8));
            return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8)).readLine();
        }
    }

    @Test
    void aUserAddedWithPasswdLogsInWithoutARestart() throws Exception {
        Path users = Files.writeString(dir.resolve("users"), entry("alice", "alice-pw"));
        try (ChildProcess server = Tcpkit.start(dir, "command", "--port", "0", "--users", users.toString())) {
            int port = Tcpkit.awaitPort(server, "command");
            assertThat(call(port, "AUTH bob bob-pw")).startsWith("-WRONGPASS");

            try (ChildProcess passwd = Tcpkit.start(dir, "passwd", "--users", users.toString(), "--iterations",
                    Integer.toString(ITERATIONS), "bob")) {
                passwd.stdin("bob-pw\n".getBytes(StandardCharsets.UTF_8));
                assertThat(passwd.awaitExit(WAIT)).as(passwd.stderr()).isZero();
            }
            // The file is watched as the TLS files are: no signal needed.
            server.awaitStderr("reloaded users file " + users + " (2 users) after it changed", WAIT);
            assertThat(call(port, "AUTH bob bob-pw")).isEqualTo("+OK");
            assertThat(call(port, "AUTH alice alice-pw")).isEqualTo("+OK");
        }
    }

    @Test
    void sighupReloadsTheUsersFileAndSaysSo() throws Exception {
        Path users = Files.writeString(dir.resolve("users"), entry("alice", "old-pw"));
        FileTime stamp = Files.getLastModifiedTime(users);
        try (ChildProcess server = Tcpkit.start(dir, "chat", "--port", "0", "--users", users.toString())) {
            Tcpkit.awaitPort(server, "chat");
            try (ChildProcess command = Tcpkit.start(dir, "command", "--port", "0", "--users", users.toString())) {
                int port = Tcpkit.awaitPort(command, "command");
                // A new password, same size and time, moved into place at once: invisible to the watcher.
                Path next = Files.writeString(dir.resolve("users.next"), entry("alice", "new-pw"));
                assertThat(Files.size(next)).isEqualTo(Files.size(users));
                Files.setLastModifiedTime(next, stamp);
                Files.move(next, users, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                assertThat(call(port, "AUTH alice old-pw")).as("not reloaded yet").isEqualTo("+OK");

                command.signal("HUP");
                command.awaitStderr("SIGHUP received: reloaded users file " + users + " (1 user)", WAIT);
                assertThat(call(port, "AUTH alice new-pw")).isEqualTo("+OK");
                assertThat(call(port, "AUTH alice old-pw")).startsWith("-WRONGPASS");

                // A broken file: the error is logged, and the users in force stay.
                Files.writeString(users, "alice not-a-hash\n");
                command.signal("HUP");
                command.awaitStderr("SIGHUP received: reloaded users file " + users + ": failed, the previous users stay",
                        WAIT);
                assertThat(command.stderr()).contains("users file " + users + " not reloaded, the previous users stay: "
                        + users + ":1: not a password hash");
                assertThat(call(port, "AUTH alice new-pw")).isEqualTo("+OK");
            }
        }
    }

    @Test
    void sighupAppliesTheLogLevelOfTheConfigFileAndNamesWhatWaitsForARestart() throws Exception {
        Path conf = Files.writeString(dir.resolve("tcpkit.conf"), "port = 0\nlog-level = info\n");
        try (ChildProcess echo = Tcpkit.start(dir, "echo", "--config", conf.toString())) {
            int port = Tcpkit.awaitPort(echo, "echo");
            Files.writeString(conf, "port = 0\nlog-level = debug\nmax-connections = 5\nidle-timeout = 1m\n");
            echo.signal("HUP");
            echo.awaitStderr("SIGHUP received: reloaded config file " + conf
                    + " (log-level debug; max-connections, idle-timeout at the next start)", WAIT);
            assertThat(echo.stderr()).contains("config file " + conf
                    + ": max-connections, idle-timeout changed, which takes effect at the next start");
            // Debug is on now: a connection's close is logged at DEBUG.
            try (Socket s = new Socket("127.0.0.1", port)) {
                s.getOutputStream().write('x');
                assertThat(s.getInputStream().read()).isEqualTo('x');
            }
            echo.awaitStderr(" DEBUG ", WAIT);

            // A file that no longer parses changes nothing.
            Files.writeString(conf, "port = 0\nlog-level = loud\n");
            echo.signal("HUP");
            echo.awaitStderr("SIGHUP received: reloaded config file " + conf + ": failed, nothing changed", WAIT);
            assertThat(echo.stderr()).contains("config file " + conf + " not reloaded, the options in force stay: "
                    + "Invalid value for option '--log-level': 'loud' is not one of");
        }
    }

    @Test
    void theCommandLineStillWinsOnReload() throws Exception {
        Path conf = Files.writeString(dir.resolve("tcpkit.conf"), "port = 0\nlog-level = info\n");
        try (ChildProcess echo = Tcpkit.start(dir, "echo", "--config", conf.toString(), "--log-level", "warn")) {
            int port = Tcpkit.awaitPort(echo, "echo");
            Files.writeString(conf, "port = 0\nlog-level = debug\nmax-connections = 5\n");
            echo.signal("HUP");
            // The warning shows the reload happened (its summary is at info, which --log-level warn hides).
            echo.awaitStderr("config file " + conf + ": max-connections changed", WAIT);
            try (Socket s = new Socket("127.0.0.1", port)) {
                s.getOutputStream().write('x');
                assertThat(s.getInputStream().read()).isEqualTo('x');
                // Open at shutdown: the drain's "draining 1 connection(s)" is an INFO line, hidden too.
                echo.terminate();
                assertThat(echo.awaitExit(WAIT)).isZero();
            }
            assertThat(echo.stderr()).as("still warn: no close line at debug, no drain line at info")
                    .doesNotContain("DEBUG", "INFO");
        }
    }
}
