package io.tcpkit.server.hub;

import io.tcpkit.server.cli.Main;
import io.tcpkit.testing.ChildProcess;
import io.tcpkit.testing.LineClient;
import io.tcpkit.testing.Require;
import io.tcpkit.testing.RespClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.MatchResult;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The deployment people copy, run as they would run it: {@code examples/cluster/run start} brings
 * up a real redis-server, three tcpkit instances and HAProxy (leastconn, PROXY v2) on free
 * loopback ports; people who land on different instances through HAProxy are in one room, and
 * the instances see the clients' own addresses; {@code stop} ends every process.
 */
@Timeout(300)
class ClusterScriptTest {
    private static final Duration START = Duration.ofSeconds(180);

    @TempDir
    Path dir;

    @Test
    void threeInstancesBehindHaproxyShareTheLobby() throws Exception {
        Require.tool("redis-server");
        Require.tool("haproxy");
        Path script = Path.of("..", "examples", "cluster", "run").toAbsolutePath().normalize();
        // The program as the script runs it: this build's classes, on this JVM.
        Path tcpkit = dir.resolve("tcpkit");
        Files.writeString(tcpkit, "#!/bin/sh\nexec '" + ProcessHandle.current().info().command().orElseThrow()
                + "' -XX:TieredStopAtLevel=1 -cp '" + System.getProperty("java.class.path") + "' "
                + Main.class.getName() + " \"$@\"\n");
        Files.setPosixFilePermissions(tcpkit, PosixFilePermissions.fromString("rwx------"));
        Path state = dir.resolve("cluster");
        List<Long> pids = new ArrayList<>();
        try (ChildProcess start = ChildProcess.start(dir, List.of(script.toString(), "start", "--dir", state.toString(),
                "--tcpkit", tcpkit.toString()))) {
            assertThat(start.awaitExit(START)).as(start.output()).isZero();
            int chat = port(start, "chat");
            int command = port(start, "command");
            Files.readAllLines(state.resolve("pids")).forEach(p -> pids.add(Long.parseLong(p.strip())));
            assertThat(pids).hasSize(5); // redis, three instances, haproxy

            // leastconn: with the others busy, each newcomer lands on the instance with fewest connections.
            LineClient alice = join(chat, "alice", "");
            LineClient bob = join(chat, "bob", "alice");
            alice.expectLine("* bob has entered the room");
            LineClient carol = join(chat, "carol", "alice, bob");
            alice.expectLine("* carol has entered the room");
            bob.expectLine("* carol has entered the room");
            carol.sendLine("hello, everyone");
            alice.expectLine("[carol] hello, everyone");
            bob.expectLine("[carol] hello, everyone");

            try (RespClient program = RespClient.connect(command, "program")) {
                // Through HAProxy and PROXY v2 the instance sees the client's own port.
                assertThat(program.inline("CLIENT INFO")).contains("addr=127.0.0.1:" + program.localPort() + " ");
                assertThat(program.call("PUBLISH", "lobby", "from a program")).matches(":[0-9]\r\n");
            }
            for (LineClient c : List.of(alice, bob, carol)) {
                c.readUntil(l -> l.endsWith("] from a program"), 3);
            }
            // Every instance is on the hub.
            for (int i = 1; i <= 3; i++) {
                assertThat(Files.readString(state.resolve("tcpkit" + i + ".log"))).as("instance " + i)
                        .contains("hub: connected to Redis");
            }
            for (LineClient c : List.of(alice, bob, carol)) {
                c.close();
            }
        } finally {
            try (ChildProcess stop = ChildProcess.start(dir, List.of(script.toString(), "stop", "--dir", state.toString()))) {
                assertThat(stop.awaitExit(Duration.ofSeconds(60))).as(stop.output()).isZero();
                assertThat(stop.stdout()).contains("cluster: stopped");
            }
        }
        for (long pid : pids) {
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).as("pid " + pid).isFalse();
        }
    }

    private static int port(ChildProcess start, String what) {
        MatchResult m = Pattern.compile("(?m)^" + what + " +listening on 127\\.0\\.0\\.1:(\\d+)").matcher(start.stdout())
                .results().findFirst().orElseThrow(() -> new AssertionError("no " + what + " port: " + start.output()));
        return Integer.parseInt(m.group(1));
    }

    private static LineClient join(int port, String name, String presence) throws IOException {
        LineClient c = LineClient.over(connect(port), name);
        c.expectLine("Welcome to tcpkit chat! What shall I call you?");
        c.sendLine(name);
        c.expectLine("* The room lobby contains: " + presence);
        c.sendLine("/who"); // answered once the join is in Redis: the next one sees it
        c.readUntil(l -> l.startsWith("* in lobby: "), 1);
        return c;
    }

    private static Socket connect(int port) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
        s.setSoTimeout((int) LineClient.READ_TIMEOUT.toMillis());
        return s;
    }
}
