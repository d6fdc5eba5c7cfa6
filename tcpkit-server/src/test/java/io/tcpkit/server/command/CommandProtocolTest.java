package io.tcpkit.server.command;

import io.tcpkit.CloseReason;
import io.tcpkit.server.testing.Stack;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.Socket;
import java.time.Duration;

import static io.tcpkit.server.testing.Stack.command;
import static io.tcpkit.server.testing.Stack.readLike;
import static io.tcpkit.server.testing.Stack.send;
import static org.assertj.core.api.Assertions.assertThat;

/** The command protocol over real sockets, exact bytes, as Redis clients and people see it. */
@Timeout(60)
class CommandProtocolTest {
    private Stack stack;

    @BeforeEach
    void start() throws Exception {
        stack = new Stack();
    }

    @AfterEach
    void stop() {
        stack.close();
    }

    private void expect(Socket s, String reply) throws Exception {
        assertThat(readLike(s, reply)).isEqualTo(reply);
    }

    @Test
    void pingEchoSelectQuitInRespAndInline() throws Exception {
        try (Socket s = Stack.connect(stack.command)) {
            command(s, "PING");
            expect(s, "+PONG\r\n");
            command(s, "ping", "hi there");
            expect(s, "$8\r\nhi there\r\n");
            command(s, "ECHO", "a\r\nb\0");
            expect(s, "$5\r\na\r\nb\0\r\n");
            send(s, "PING\n");
            expect(s, "+PONG\r\n");
            send(s, "echo \"hello world\"\r\n");
            expect(s, "$11\r\nhello world\r\n");
            command(s, "SELECT", "0");
            expect(s, "+OK\r\n");
            command(s, "SELECT", "1");
            expect(s, "-ERR DB index is out of range\r\n");
            command(s, "QUIT");
            expect(s, "+OK\r\n");
            assertThat(s.getInputStream().read()).isEqualTo(-1);
        }
    }

    @Test
    void errorsAreRedissAndTheConnectionStaysUsable() throws Exception {
        try (Socket s = Stack.connect(stack.command)) {
            command(s, "FOO", "a", "b");
            expect(s, "-ERR unknown command 'FOO', with args beginning with: 'a' 'b' \r\n");
            command(s, "ECHO");
            expect(s, "-ERR wrong number of arguments for 'echo' command\r\n");
            command(s, "PING", "a", "b");
            expect(s, "-ERR wrong number of arguments for 'ping' command\r\n");
            command(s, "CLIENT", "NOPE");
            expect(s, "-ERR unknown subcommand 'NOPE'. Try CLIENT HELP.\r\n");
            command(s, "PING");
            expect(s, "+PONG\r\n");
        }
    }

    @Test
    void pipelinedRequestsAreAllAnswered() throws Exception {
        try (Socket s = Stack.connect(stack.command)) {
            send(s, "*1\r\n$4\r\nPING\r\n".repeat(1000) + "PING\r\n".repeat(1000));
            expect(s, "+PONG\r\n".repeat(2000));
        }
    }

    @Test
    void helloNegotiatesProtocolTwoOnly() throws Exception {
        try (Socket s = Stack.connect(stack.command)) {
            command(s, "HELLO", "3");
            expect(s, "-NOPROTO unsupported protocol version\r\n");
            command(s, "HELLO", "x");
            expect(s, "-ERR Protocol version is not an integer or out of range\r\n");
            command(s, "HELLO", "2", "SETNAME", "app1");
            String id = Long.toString(stack.sessions.list().get(0).id());
            expect(s, "*14\r\n$6\r\nserver\r\n$6\r\ntcpkit\r\n$7\r\nversion\r\n");
            String version = Stack.line(s) + Stack.line(s);
            assertThat(version).matches("\\$\\d+\r\n[^\r]+\r\n");
            expect(s, "$5\r\nproto\r\n:2\r\n$2\r\nid\r\n:" + id + "\r\n$4\r\nmode\r\n$10\r\nstandalone\r\n"
                    + "$4\r\nrole\r\n$6\r\nmaster\r\n$7\r\nmodules\r\n*0\r\n");
            command(s, "CLIENT", "GETNAME");
            expect(s, "$4\r\napp1\r\n");
            command(s, "HELLO", "2", "BOGUS");
            expect(s, "-ERR Syntax error in HELLO option 'BOGUS'\r\n");
        }
    }

    @Test
    void clientCommandsDescribeAndManageSessions() throws Exception {
        try (Socket a = Stack.connect(stack.command); Socket b = Stack.connect(stack.command)) {
            command(a, "CLIENT", "SETNAME", "has space");
            expect(a, "-ERR Client names cannot contain spaces, newlines or special characters.\r\n");
            command(a, "CLIENT", "SETNAME", "alpha");
            expect(a, "+OK\r\n");
            command(a, "CLIENT", "ID");
            String idLine = Stack.line(a);
            long idA = Long.parseLong(idLine.substring(1).trim());
            command(b, "CLIENT", "ID");
            long idB = Long.parseLong(Stack.line(b).substring(1).trim());
            command(a, "CLIENT", "LIST");
            String header = Stack.line(a);
            int length = Integer.parseInt(header.substring(1).trim());
            String list = new String(a.getInputStream().readNBytes(length + 2));
            assertThat(list).contains("id=" + idA + " addr=127.0.0.1:" + a.getLocalPort(), "name=alpha",
                    "id=" + idB + " ", "user=default", "cmd=client|list");
            command(a, "CLIENT", "INFO");
            assertThat(Stack.line(a)).startsWith("$");
            assertThat(Stack.line(a)).startsWith("id=" + idA + " ").endsWith("\n");
            assertThat(Stack.line(a)).as("the bulk string's CRLF").isEqualTo("\r\n");
            command(a, "CLIENT", "KILL", "ID", "999999");
            expect(a, ":0\r\n");
            command(a, "CLIENT", "KILL", "ID", Long.toString(idB));
            expect(a, ":1\r\n");
            assertThat(Stack.closed(b)).isTrue();
            assertThat(stack.command.stats().closed().get(CloseReason.KILLED)).isLessThanOrEqualTo(1);
        }
    }

    @Test
    void introspectionForRedisTools() throws Exception {
        try (Socket s = Stack.connect(stack.command)) {
            command(s, "COMMAND", "COUNT");
            assertThat(Stack.line(s)).matches(":\\d+\r\n");
            command(s, "COMMAND", "DOCS", "ping");
            expect(s, "*2\r\n$4\r\nping\r\n*6\r\n$7\r\nsummary\r\n");
            Stack.line(s);
            Stack.line(s);
            expect(s, "$5\r\nsince\r\n$5\r\n1.0.0\r\n$5\r\ngroup\r\n$10\r\nconnection\r\n");
            command(s, "INFO", "server");
            String header = Stack.line(s);
            assertThat(header).startsWith("$");
            String body = new String(s.getInputStream().readNBytes(Integer.parseInt(header.substring(1).trim()) + 2));
            assertThat(body).startsWith("# Server\r\n").contains("redis_version:", "tcp_port:" + stack.command.port());
            command(s, "CONFIG", "GET", "save");
            expect(s, "*2\r\n$4\r\nsave\r\n$0\r\n\r\n");
            command(s, "CONFIG", "GET", "append*");
            expect(s, "*2\r\n$10\r\nappendonly\r\n$2\r\nno\r\n");
            command(s, "CONFIG", "GET", "nothing-like-this");
            expect(s, "*0\r\n");
        }
    }

    @Test
    void badInputGetsAProtocolErrorAndACloseAndOthersAreUnaffected() throws Exception {
        String[][] cases = {
                {"x".repeat(70_000), "-ERR Protocol error: too big inline request\r\n"},
                {"ECHO \"unbalanced\r\n", "-ERR Protocol error: unbalanced quotes in request\r\n"},
                {"*1\r\n$-3\r\n", "-ERR Protocol error: invalid bulk length\r\n"},
                {"*1\r\n$999999999999\r\n", "-ERR Protocol error: invalid bulk length\r\n"},
                {"*2\r\n$4\r\nECHO\r\n$3\r\nabcXY", "-ERR Protocol error: expected CRLF after bulk string\r\n"},
                {"*\u00ff\u0001junk\r\n", "-ERR Protocol error: invalid multibulk length\r\n"},
                {"*1\r\n\u0000\u0001\u0002\r\n", "-ERR Protocol error: expected '$', got '\\x00'\r\n"},
        };
        try (Socket bystander = Stack.connect(stack.command)) {
            for (String[] c : cases) {
                try (Socket bad = Stack.connect(stack.command)) {
                    bad.getOutputStream().write(c[0].getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
                    assertThat(new String(bad.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.ISO_8859_1))
                            .as(c[1]).isEqualTo(c[1]);
                }
                command(bystander, "PING");
                expect(bystander, "+PONG\r\n");
            }
        }
        io.tcpkit.server.testing.Waits.until("the protocol errors to be counted", Duration.ofSeconds(5),
                () -> stack.command.stats().closed().get(CloseReason.PROTOCOL_ERROR) == 7);
    }
}
