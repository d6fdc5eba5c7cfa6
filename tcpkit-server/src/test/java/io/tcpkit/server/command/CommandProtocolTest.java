package io.tcpkit.server.command;

import io.tcpkit.CloseReason;
import io.tcpkit.server.testing.Services;
import io.tcpkit.testing.Await;
import io.tcpkit.testing.Net;
import io.tcpkit.testing.RespClient.Err;
import io.tcpkit.testing.RespClient.Simple;
import io.tcpkit.testing.RespClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The command protocol over real loopback sockets, exact bytes, as Redis clients and people see
 * it: connection commands, Redis-style errors, HELLO, CLIENT, introspection, pipelining and inline
 * sessions. No users file here: everyone is the default user.
 */
@Timeout(30)
class CommandProtocolTest {
    private Services server;

    @BeforeEach
    void start() throws Exception {
        server = Services.withCommand();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    // ---- PING, ECHO, QUIT, HELP, SELECT ----

    @Test
    void pingRepliesPongOrItsMessage() throws Exception {
        try (RespClient c = server.commandClient()) {
            c.send("*1\r\n$4\r\nPING\r\n");
            c.expectBytes("+PONG\r\n");
            c.command("ping", "hello world");
            c.expectBytes("$11\r\nhello world\r\n");
            c.command("PiNg", "");
            c.expectBytes("$0\r\n\r\n");
        }
    }

    @Test
    void echoIsBinarySafe() throws Exception {
        try (RespClient c = server.commandClient()) {
            c.command("ECHO", "hello");
            c.expectBytes("$5\r\nhello\r\n");
            c.command("ECHO", "a\r\nb\0\u00ff");
            c.expectBytes("$6\r\na\r\nb\0\u00ff\r\n");
        }
    }

    @Test
    void quitRepliesOkThenCloses() throws Exception {
        try (RespClient c = server.commandClient()) {
            c.command("QUIT");
            assertThat(c.readToEnd()).isEqualTo("+OK\r\n");
        }
        try (RespClient c = server.commandClient()) {
            c.send("quit\r\n");
            assertThat(c.readToEnd()).isEqualTo("+OK\r\n");
        }
    }

    @Test
    void quitAnswersWhatWasPipelinedBeforeItAndNothingAfter() throws Exception {
        try (RespClient c = server.commandClient()) {
            c.send("PING\r\nECHO x\r\nQUIT\r\nPING\r\n");
            assertThat(c.readToEnd()).isEqualTo("+PONG\r\n$1\r\nx\r\n+OK\r\n");
        }
    }

    @Test
    void selectAcceptsOnlyDatabaseZero() throws Exception {
        try (RespClient c = server.commandClient()) {
            assertThat(c.call("SELECT", "0")).isEqualTo("+OK\r\n");
            assertThat(c.call("SELECT", "1")).isEqualTo("-ERR DB index is out of range\r\n");
            assertThat(c.call("SELECT", "x")).isEqualTo("-ERR value is not an integer or out of range\r\n");
            assertThat(c.call("SELECT")).isEqualTo("-ERR wrong number of arguments for 'select' command\r\n");
            assertThat(c.call("PING")).isEqualTo("+PONG\r\n");
        }
    }

    // ---- errors ----

    @Test
    void unknownCommandsGetRedis7sErrorAndTheConnectionStaysUsable() throws Exception {
        try (RespClient c = server.commandClient()) {
            c.command("foo", "a", "b");
            c.expectBytes("-ERR unknown command 'foo', with args beginning with: 'a' 'b' \r\n");
            c.command("FOO");
            c.expectBytes("-ERR unknown command 'FOO', with args beginning with: \r\n");
            c.send("nosuch  x\r\n");
            c.expectBytes("-ERR unknown command 'nosuch', with args beginning with: 'x' \r\n");
            c.command("PING");
            c.expectBytes("+PONG\r\n");
        }
    }

    @Test
    void wrongArityGetsRedissErrorAndTheConnectionStaysUsable() throws Exception {
        try (RespClient c = server.commandClient()) {
            c.command("ECHO");
            c.expectBytes("-ERR wrong number of arguments for 'echo' command\r\n");
            c.command("echo", "a", "b");
            c.expectBytes("-ERR wrong number of arguments for 'echo' command\r\n");
            c.command("PING", "a", "b");
            c.expectBytes("-ERR wrong number of arguments for 'ping' command\r\n");
            c.command("CLIENT");
            c.expectBytes("-ERR wrong number of arguments for 'client' command\r\n");
            c.command("CLIENT", "NOPE");
            c.expectBytes("-ERR unknown subcommand 'NOPE'. Try CLIENT HELP.\r\n");
            c.command("ECHO", "still here");
            c.expectBytes("$10\r\nstill here\r\n");
        }
    }

    // ---- HELLO ----

    private static List<Object> helloMap(long id, Object version) {
        return List.of("server", "tcpkit", "version", version, "proto", 2L, "id", id, "mode", "standalone",
                "role", "master", "modules", List.of());
    }

    @Test
    void helloWithoutArgumentsOrWithTwoRepliesTheServerFactsAsAnArray() throws Exception {
        try (RespClient c = server.commandClient()) {
            long id = (Long) value(c, "CLIENT", "ID");
            Object hello = value(c, "HELLO");
            assertThat(hello).asList().hasSize(14);
            Object version = ((List<?>) hello).get(3);
            assertThat(version).isInstanceOf(String.class).asString().isNotBlank();
            assertThat(hello).isEqualTo(helloMap(id, version));
            assertThat(value(c, "hello", "2")).isEqualTo(helloMap(id, version));
        }
    }

    @Test
    void helloRefusesProtocolVersionsOtherThanTwoAndThreeAsRedisDoes() throws Exception {
        try (RespClient c = server.commandClient()) {
            assertThat(c.call("HELLO", "4")).isEqualTo("-NOPROTO unsupported protocol version\r\n");
            assertThat(c.call("HELLO", "1")).isEqualTo("-NOPROTO unsupported protocol version\r\n");
            assertThat(c.call("HELLO", "x")).isEqualTo("-ERR Protocol version is not an integer or out of range\r\n");
            assertThat(c.call("HELLO", "2", "BOGUS")).isEqualTo("-ERR Syntax error in HELLO option 'BOGUS'\r\n");
            assertThat(c.call("HELLO", "2", "AUTH", "only-a-user"))
                    .isEqualTo("-ERR Syntax error in HELLO option 'AUTH'\r\n");
            assertThat(c.call("PING")).isEqualTo("+PONG\r\n");
        }
    }

    @Test
    void helloSetnameNamesTheConnection() throws Exception {
        try (RespClient c = server.commandClient()) {
            assertThat(value(c, "HELLO", "2", "SETNAME", "app1")).asList().hasSize(14);
            assertThat(c.call("CLIENT", "GETNAME")).isEqualTo("$4\r\napp1\r\n");
            assertThat(c.call("HELLO", "2", "SETNAME", "bad name"))
                    .isEqualTo("-ERR Client names cannot contain spaces, newlines or special characters.\r\n");
            assertThat(c.call("CLIENT", "GETNAME")).isEqualTo("$4\r\napp1\r\n");
        }
    }

    @Test
    void helloAuthAsTheDefaultUserWorksWithoutAUsersFile() throws Exception {
        try (RespClient c = server.commandClient()) {
            long id = (Long) value(c, "CLIENT", "ID");
            List<?> hello = (List<?>) value(c, "HELLO", "2", "AUTH", "default", "anything", "SETNAME", "n1");
            assertThat(hello).isEqualTo(helloMap(id, hello.get(3)));
            assertThat(c.call("ACL", "WHOAMI")).isEqualTo("$7\r\ndefault\r\n");
            assertThat(c.call("CLIENT", "GETNAME")).isEqualTo("$2\r\nn1\r\n");
            assertThat(c.call("HELLO", "2", "AUTH", "nobody", "x"))
                    .isEqualTo("-WRONGPASS invalid username-password pair or user is disabled.\r\n");
        }
    }

    // ---- CLIENT ----

    @Test
    void clientIdSetnameAndGetname() throws Exception {
        try (RespClient c = server.commandClient()) {
            long id = (Long) value(c, "CLIENT", "ID");
            assertThat(server.sessions.get(id)).as("the id is the session's").isPresent();
            assertThat(server.sessions.get(id).orElseThrow().remoteAddress().getPort()).isEqualTo(c.localPort());
            assertThat(c.call("CLIENT", "GETNAME")).isEqualTo("$-1\r\n");
            assertThat(c.call("CLIENT", "SETNAME", "has space"))
                    .isEqualTo("-ERR Client names cannot contain spaces, newlines or special characters.\r\n");
            assertThat(c.call("CLIENT", "SETNAME", "line\nbreak"))
                    .isEqualTo("-ERR Client names cannot contain spaces, newlines or special characters.\r\n");
            assertThat(c.call("CLIENT", "GETNAME")).isEqualTo("$-1\r\n");
            assertThat(c.call("client", "setname", "alpha")).isEqualTo("+OK\r\n");
            assertThat(c.call("CLIENT", "GETNAME")).isEqualTo("$5\r\nalpha\r\n");
            assertThat(c.call("CLIENT", "SETNAME", "")).isEqualTo("+OK\r\n");
            assertThat(c.call("CLIENT", "GETNAME")).as("an empty name removes it").isEqualTo("$-1\r\n");
            assertThat(c.call("CLIENT", "ID")).isEqualTo(":" + id + "\r\n");
        }
    }

    @Test
    void clientInfoAndListDescribeEverySession() throws Exception {
        try (RespClient a = server.commandClient(); RespClient b = server.commandClient()) {
            long idA = (Long) value(a, "CLIENT", "ID");
            long idB = (Long) value(b, "CLIENT", "ID");
            assertThat(a.call("CLIENT", "SETNAME", "alpha")).isEqualTo("+OK\r\n");

            String info = (String) value(a, "CLIENT", "INFO");
            assertThat(info).startsWith("id=" + idA + " addr=127.0.0.1:" + a.localPort() + " ")
                    .contains(" name=alpha ", " user=default ", " cmd=client|info ").endsWith("\n")
                    .doesNotContain("\r");
            assertThat(info.lines()).hasSize(1);

            String list = (String) value(a, "CLIENT", "LIST");
            List<String> lines = list.lines().toList();
            assertThat(list).endsWith("\n");
            assertThat(lines).hasSize(2);
            assertThat(lines.get(0)).startsWith("id=" + idA + " addr=127.0.0.1:" + a.localPort() + " ")
                    .contains(" name=alpha ", " user=default ", " cmd=client|list ");
            assertThat(lines.get(1)).startsWith("id=" + idB + " addr=127.0.0.1:" + b.localPort() + " ")
                    .contains(" name= ", " user=default ", " cmd=client|id ");
            for (String line : lines) {
                assertThat(line).contains(" laddr=127.0.0.1:" + server.command().port() + " ", " age=", " idle=");
            }
        }
    }

    @Test
    void clientKillIdClosesThatConnectionOnly() throws Exception {
        try (RespClient a = server.commandClient(); RespClient b = server.commandClient(); RespClient bystander = server.commandClient()) {
            long idB = (Long) value(b, "CLIENT", "ID");
            assertThat(bystander.call("PING")).isEqualTo("+PONG\r\n");
            assertThat(a.call("CLIENT", "KILL", "ID", Long.toString(idB))).isEqualTo(":1\r\n");
            assertThat(b.awaitClosedByServer()).isTrue();
            Await.until("the kill to be counted", Duration.ofSeconds(5),
                    () -> Net.closed(server.command(), CloseReason.KILLED) == 1);
            assertThat(a.call("CLIENT", "KILL", "ID", Long.toString(idB))).as("already gone").isEqualTo(":0\r\n");
            assertThat(a.call("CLIENT", "KILL", "ID", "987654321")).isEqualTo(":0\r\n");
            assertThat(a.call("PING")).isEqualTo("+PONG\r\n");
            assertThat(bystander.call("PING")).isEqualTo("+PONG\r\n");
            assertThat(Net.closed(server.command(), CloseReason.KILLED)).isEqualTo(1);
        }
    }

    // ---- introspection for redis-cli and redis-benchmark ----

    @Test
    void helpListsOneLinePerCommandAndCommandCountAgrees() throws Exception {
        try (RespClient c = server.commandClient()) {
            List<?> help = (List<?>) value(c, "HELP");
            long count = (Long) value(c, "COMMAND", "COUNT");
            assertThat(help).hasSize((int) count).allSatisfy(line -> assertThat(line).isInstanceOf(Simple.class));
            List<String> texts = help.stream().map(l -> ((Simple) l).text()).toList();
            assertThat(texts).anySatisfy(t -> assertThat(t).startsWith("PING [message] - "))
                    .anySatisfy(t -> assertThat(t).startsWith("ECHO message - "))
                    .anySatisfy(t -> assertThat(t).startsWith("QUIT"))
                    .anySatisfy(t -> assertThat(t).startsWith("HELLO "));
            assertThat(value(c, "HELP", "ping")).isEqualTo(List.of(help.get(texts.indexOf(
                    texts.stream().filter(t -> t.startsWith("PING ")).findFirst().orElseThrow()))));
            assertThat(value(c, "COMMAND")).asList().hasSize((int) count);
            assertThat(value(c, "COMMAND", "LIST")).asList().hasSize((int) count).contains("ping", "echo", "hello");
        }
    }

    @Test
    void commandDocsDescribesCommandsAsRedis7Does() throws Exception {
        try (RespClient c = server.commandClient()) {
            List<?> docs = (List<?>) value(c, "COMMAND", "DOCS", "ping");
            assertThat(docs).hasSize(2);
            assertThat(docs.get(0)).isEqualTo("ping");
            List<?> fields = (List<?>) docs.get(1);
            assertThat(fields).hasSize(10);
            assertThat(fields.get(0)).isEqualTo("summary");
            assertThat(fields.get(1)).isInstanceOf(String.class).asString().isNotBlank();
            assertThat(fields.subList(2, 9)).isEqualTo(List.of("since", "1.0.0", "group", "connection", "complexity",
                    "O(1)", "arguments"));
            long count = (Long) value(c, "COMMAND", "COUNT");
            assertThat(value(c, "COMMAND", "DOCS")).asList().hasSize((int) (2 * count));
            assertThat(value(c, "COMMAND", "DOCS", "no-such-command")).isEqualTo(List.of());
            List<?> info = (List<?>) value(c, "COMMAND", "INFO", "ping", "nope");
            assertThat(info).hasSize(2);
            assertThat(((List<?>) info.get(0)).subList(0, 2)).isEqualTo(List.of("ping", -1L));
            assertThat(info.get(1)).isNull();
        }
    }

    @Test
    void infoIsABulkStringWithRedissFields() throws Exception {
        try (RespClient c = server.commandClient()) {
            c.command("INFO", "server");
            String reply = c.reply();
            assertThat(reply).startsWith("$");
            String body = reply.substring(reply.indexOf("\r\n") + 2);
            assertThat(body).startsWith("# Server\r\n").contains("\r\nredis_version:", "\r\ntcp_port:" + server.command().port() + "\r\n")
                    .doesNotContain("# Clients");
            Object all = value(c, "INFO");
            assertThat(all).isInstanceOf(String.class).asString().contains("# Server\r\n", "redis_version:", "# Clients\r\n",
                    "connected_clients:1\r\n");
        }
    }

    @Test
    void configGetAnswersWhatRedisBenchmarkAsks() throws Exception {
        try (RespClient c = server.commandClient()) {
            // redis-benchmark pipelines these two before it starts.
            c.send(RespClient.encode("CONFIG", "GET", "save") + RespClient.encode("CONFIG", "GET", "appendonly"));
            c.expectBytes("*2\r\n$4\r\nsave\r\n$0\r\n\r\n*2\r\n$10\r\nappendonly\r\n$2\r\nno\r\n");
            assertThat(c.call("config", "get", "app*")).isEqualTo("*2\r\n$10\r\nappendonly\r\n$2\r\nno\r\n");
            assertThat(c.call("CONFIG", "GET", "nothing-like-this")).isEqualTo("*0\r\n");
            List<?> all = (List<?>) value(c, "CONFIG", "GET", "*");
            assertThat(all.size() % 2).isZero();
            List<Object> names = new ArrayList<>();
            for (int i = 0; i < all.size(); i += 2) {
                names.add(all.get(i));
            }
            assertThat(names).contains("save", "appendonly", "port");
            assertThat(all.get(names.indexOf("port") * 2 + 1)).isEqualTo(Integer.toString(server.command().port()));
            assertThat(c.call("CONFIG", "GET")).isEqualTo("-ERR wrong number of arguments for 'config|get' command\r\n");
        }
    }

    // ---- pipelining and people ----

    @Test
    void aThousandPipelinedPingsInOneWriteGetAThousandPongs() throws Exception {
        try (RespClient c = server.commandClient()) {
            c.send("*1\r\n$4\r\nPING\r\n".repeat(1000));
            // Read whatever arrives, in as many reads as it takes, until 7000 bytes.
            byte[] all = c.readExactly(7000);
            assertThat(new String(all, StandardCharsets.ISO_8859_1)).isEqualTo("+PONG\r\n".repeat(1000));
            c.send("PING\r\n".repeat(1000) + "ECHO end\r\n");
            c.expectBytes("+PONG\r\n".repeat(1000) + "$3\r\nend\r\n");
            // Nothing more than one reply per request: the next reply is exactly the next one.
            assertThat(c.call("ECHO", "last")).isEqualTo("$4\r\nlast\r\n");
        }
    }

    @Test
    void aPipelineMixingRespAndInlineIsAnsweredInOrder() throws Exception {
        try (RespClient c = server.commandClient()) {
            StringBuilder in = new StringBuilder();
            StringBuilder out = new StringBuilder();
            for (int i = 0; i < 500; i++) {
                String n = Integer.toString(i);
                in.append(i % 2 == 0 ? RespClient.encode("ECHO", n) : "ECHO " + n + "\r\n");
                out.append('$').append(n.length()).append("\r\n").append(n).append("\r\n");
            }
            c.send(in.toString());
            c.expectBytes(out.toString());
        }
    }

    @Test
    void aPersonTypingInlineCommandsWithBareLineFeeds() throws Exception {
        try (RespClient c = server.commandClient()) {
            c.send("PING\n");
            c.expectBytes("+PONG\r\n");
            c.send("echo \"hello world\"\n");
            c.expectBytes("$11\r\nhello world\r\n");
            c.send("\n");
            c.send("   \n");
            c.send("CLIENT SETNAME bob\n");
            c.expectBytes("+OK\r\n");
            c.send("client getname\n");
            c.expectBytes("$3\r\nbob\r\n");
            c.send("ECHO 'single quoted'\n");
            c.expectBytes("$13\r\nsingle quoted\r\n");
            c.send("ECHO \"tab\\there\"\n");
            c.expectBytes("$8\r\ntab\there\r\n");
            // Two words where ECHO takes one, and a typo: a person gets told, and carries on.
            c.send("ECHO two words\n");
            c.expectBytes("-ERR wrong number of arguments for 'echo' command\r\n");
            c.send("nosuch\n");
            c.expectBytes("-ERR unknown command 'nosuch', with args beginning with: \r\n");
            c.send("QUIT\n");
            assertThat(c.readToEnd()).isEqualTo("+OK\r\n");
        }
    }

    private static Object value(RespClient c, String... args) throws Exception {
        c.command(args);
        Object v = c.value();
        assertThat(v).as("reply to %s", List.of(args)).isNotInstanceOf(Err.class);
        return v;
    }
}
