package io.tcpkit.server.bench;

import io.tcpkit.ConnectionHandler;
import io.tcpkit.Limits;
import io.tcpkit.TcpServer;
import io.tcpkit.codec.ReadBuffer;
import io.tcpkit.codec.RespReader;
import io.tcpkit.server.auth.Authenticator;
import io.tcpkit.server.auth.Users;
import io.tcpkit.server.command.CommandService;
import io.tcpkit.server.echo.EchoService;
import io.tcpkit.server.hub.LocalHub;
import io.tcpkit.server.session.Sessions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetSocketAddress;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** tcpkit bench against real servers on loopback: short runs, replies checked, results reported. */
@Timeout(60)
class BenchRunnerTest {

    private static String run(TcpServer server, String mode, int connections, int size, int inFlight, double rate,
                              int publishers) throws Exception {
        BenchRunner.Config config = new BenchRunner.Config(new InetSocketAddress("127.0.0.1", server.port()), mode,
                connections, size, inFlight, Duration.ofMillis(600), Duration.ofMillis(200), rate, false, null, false,
                ProcessHandle.current().pid(), 1, publishers);
        return new BenchRunner(config, null).run(true);
    }

    private static long number(String json, String field) {
        String after = json.substring(json.indexOf("\"" + field + "\":") + field.length() + 3);
        return (long) Double.parseDouble(after.substring(0, after.indexOf(',')));
    }

    @Test
    void echoLineAndOpenLoopRunsCheckEveryReply() throws Exception {
        try (TcpServer echo = TcpServer.builder().port(0).handler(new EchoService().handler()).start()) {
            String closed = run(echo, "echo", 4, 100, 8, 0, 1);
            assertThat(number(closed, "replies")).isPositive();
            assertThat(closed).contains("\"errors\":0,", "\"mode\":\"echo\"", "\"serverCpuSeconds\":");
            assertThat(run(echo, "line", 2, 40, 1, 0, 1)).contains("\"errors\":0,");
            String open = run(echo, "echo", 2, 64, 1, 2000, 1);
            assertThat(open).contains("\"errors\":0,");
            assertThat(number(open, "replies")).isBetween(500L, 2000L);
        }
    }

    @Test
    void aWrongReplyIsAnError() throws Exception {
        ConnectionHandler corrupting = conn -> {
            ReadBuffer in = conn.input();
            while (in.fill() > 0) {
                in.array()[in.readIndex()] ^= 1;
                conn.write(in.array(), in.readIndex(), in.readable());
                in.skip(in.readable());
            }
        };
        try (TcpServer bad = TcpServer.builder().port(0).handler(corrupting).start()) {
            String result = run(bad, "echo", 1, 16, 1, 0, 1);
            assertThat(number(result, "errors")).isPositive();
        }
    }

    @Test
    void pingAndPubSubAgainstTheCommandProtocol() throws Exception {
        CommandService service = new CommandService(new Sessions(), new Authenticator(Users.open()), new LocalHub(),
                RespReader.DEFAULT_MAX_REQUEST_BYTES);
        try (TcpServer command = TcpServer.builder().port(0).handler(service.handler())
                .limits(Limits.DEFAULT.withMaxOutboundBytes(32 * 1024 * 1024)).start()) {
            service.started(command);
            assertThat(run(command, "ping", 4, 0, 4, 0, 1)).contains("\"errors\":0,");
            String fanout = run(command, "pubsub", 20, 32, 1, 0, 2);
            assertThat(fanout).contains("\"errors\":0,", "\"mode\":\"pubsub\"");
            assertThat(number(fanout, "replies")).isPositive();
        }
    }

    @Test
    void idleModeHoldsConnectionsAndMeasuresMemory() throws Exception {
        try (TcpServer echo = TcpServer.builder().port(0).handler(new EchoService().handler()).start()) {
            String idle = run(echo, "idle", 50, 0, 1, 0, 1);
            assertThat(idle).contains("\"mode\":\"idle\"", "\"connections\":50,", "\"errors\":0,");
            assertThat(idle).doesNotContain("\"idleRssBytesPerConnection\":null");
        }
    }
}
