package io.tcpkit.server.cli;

import io.tcpkit.server.testing.Tcpkit;
import io.tcpkit.testing.Await;
import io.tcpkit.testing.ChildProcess;
import io.tcpkit.testing.Net;
import io.tcpkit.testing.RespClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The program under real signals (sent with kill): SIGINT or SIGTERM closes the port at once, lets
 * a client in the middle of a request finish it and get its reply within --drain-timeout, forces
 * what is still unfinished at that deadline, and exits 0; a second signal exits at once.
 */
@Timeout(90)
class SignalsProgramTest {
    /** Bounds a wait against a hang; far shorter than the drain timeouts that must not be waited out. */
    private static final Duration EXIT = Duration.ofSeconds(30);
    /** One PING and the first half of another, in one write: once PONG is back, the server holds the half. */
    private static final String PING_AND_HALF_A_PING = "PING\r\n*1\r\n$4\r\nPI";

    /** Starts {@code tcpkit command} with these options and returns it with its port. */
    private static ChildProcess command(String... options) throws IOException {
        String[] args = new String[options.length + 5];
        System.arraycopy(new String[] {"command", "--port", "0", "--log-level", "debug"}, 0, args, 0, 5);
        System.arraycopy(options, 0, args, 5, options.length);
        return Tcpkit.start(args);
    }

    /** A client whose second request is half sent, and read by the server. */
    private static RespClient midRequest(int port, String label) throws IOException {
        RespClient c = RespClient.connect(port, label);
        c.send(PING_AND_HALF_A_PING);
        c.expectBytes("+PONG\r\n");
        return c;
    }

    private static boolean refused(int port) {
        try (Socket s = Net.connect(port)) {
            return false;
        } catch (ConnectException e) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @ParameterizedTest(name = "SIG{0}")
    @ValueSource(strings = {"INT", "TERM"})
    void aRequestInProgressIsFinishedAndAnsweredOnlyWhatCannotFinishIsForcedAtTheDrainTimeout(String signal)
            throws Exception {
        try (ChildProcess program = command("--drain-timeout", "2s")) {
            int port = Tcpkit.awaitPort(program, "command");
            try (RespClient finishing = midRequest(port, "finishing");
                 RespClient stalled = midRequest(port, "stalled");
                 RespClient idle = RespClient.connect(port, "idle")) {
                assertThat(idle.call("PING")).isEqualTo("+PONG\r\n");

                program.signal(signal);
                program.awaitStderr("SIG" + signal + " received: shutting down (send it again to exit at once)", EXIT);
                Await.until("the port to close", EXIT, () -> refused(port));
                // Between requests: told at once, by a clean end of stream.
                idle.expectEof();
                // In the middle of one: it may finish it, and gets its reply before the end.
                finishing.send("NG\r\n");
                assertThat(finishing.readToEnd()).isEqualTo("+PONG\r\n");
                // Never finishing: closed at the drain deadline, with nothing more said.
                assertThat(stalled.readToEnd()).isEmpty();
            }
            assertThat(program.awaitExit(EXIT)).isZero();
            assertThat(program.stderr()).contains("closed: server shutdown after", "closed: server shutdown (forced) after",
                    "stopped");
        }
    }

    @Test
    void aSecondSignalExitsAtOnceWithoutWaitingForTheDrain() throws Exception {
        try (ChildProcess program = command("--drain-timeout", "5m")) {
            int port = Tcpkit.awaitPort(program, "command");
            try (RespClient stalled = midRequest(port, "stalled")) {
                program.signal("TERM");
                program.awaitStderr("SIGTERM received: shutting down", EXIT);
                program.signal("INT");
                // The drain would take 5 minutes; the process ends well within EXIT instead.
                assertThat(program.awaitExit(EXIT)).isEqualTo(130);
                assertThat(program.stderr()).contains("SIGINT received again: exiting now").doesNotContain("stopped");
                assertThat(stalled.awaitClosedByServer()).isTrue();
            }
        }
    }
}
