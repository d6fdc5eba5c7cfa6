package io.tcpkit.server.command;

import io.tcpkit.server.testing.RedisServer;
import io.tcpkit.server.testing.Services;
import io.tcpkit.testing.ChildProcess;
import io.tcpkit.testing.Require;
import io.tcpkit.testing.RespClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * COMMAND DOCS as redis-cli reads it: the real redis-cli's {@code help} (which builds its help
 * and argument hints from COMMAND DOCS) prints the same for our commands as for redis-server's,
 * its interactive mode shows the argument hints as one types (in a pseudo-terminal made by
 * {@code script}, bsdutils), and every command and subcommand has its documentation.
 */
@Timeout(180)
class CommandDocsTest {
    private static final Duration RUN = Duration.ofSeconds(60);
    /** Commands whose documentation is Redis's own, so redis-cli's help must print it as for Redis. */
    private static final List<String> AS_REDIS = List.of("ping", "echo", "quit", "reset", "select", "hello", "auth",
            "acl whoami", "acl users", "client id", "client getname", "client setname", "client info", "client list",
            "config get", "config set", "command count", "command docs", "command info", "info", "subscribe",
            "psubscribe", "unsubscribe", "punsubscribe", "publish", "pubsub channels", "pubsub numsub",
            "pubsub numpat");

    private static String help(int port, String topic) throws Exception {
        List<String> command = new ArrayList<>(List.of(Require.tool("redis-cli").toString(), "-h", "127.0.0.1",
                "-p", Integer.toString(port), "help"));
        command.addAll(List.of(topic.split(" ")));
        ChildProcess p = ChildProcess.run(RUN, new byte[0], command.toArray(String[]::new));
        assertThat(p.stderr()).as("redis-cli help %s", topic).isEmpty();
        return p.stdout();
    }

    @Test
    void redisCliHelpShowsRedissArgumentsForOurCommands() throws Exception {
        try (RedisServer redis = RedisServer.start(); Services tcpkit = Services.withCommand()) {
            for (String topic : AS_REDIS) {
                String want = help(redis.port(), topic);
                assertThat(want).as("redis-server documents %s", topic).contains("summary:");
                assertThat(help(tcpkit.command().port(), topic)).as("redis-cli help %s", topic).isEqualTo(want);
            }
            // Ours: CLIENT KILL without TYPE (tcpkit has no such filter), HELP and LOGIN.
            assertThat(help(tcpkit.command().port(), "client kill")).isEqualTo("\r\n"
                    + "  \u001b[1mCLIENT KILL\u001b[0m \u001b[90mip:port|[ID client-id]|[USER username]|[ADDR ip:port]"
                    + "|[LADDR ip:port]|[SKIPME yes/no] [[ID client-id]|[USER username]|[ADDR ip:port]|[LADDR ip:port]"
                    + "|[SKIPME yes/no] ...]\u001b[0m\r\n"
                    + "  \u001b[33msummary:\u001b[0m Kill the connection of a client\r\n"
                    + "  \u001b[33msince:\u001b[0m 2.4.0\r\n"
                    + "  \u001b[33mgroup:\u001b[0m connection\r\n\r\n");
            assertThat(help(tcpkit.command().port(), "login")).contains("LOGIN\u001b[0m \u001b[90musername password");
            assertThat(help(tcpkit.command().port(), "client setinfo"))
                    .contains("CLIENT SETINFO\u001b[0m \u001b[90mLIB-NAME libname|LIB-VER libver");
        }
    }

    @Test
    void redisCliShowsArgumentHintsAsOneTypes() throws Exception {
        try (Services tcpkit = Services.withCommand()) {
            int port = tcpkit.command().port();
            String cli = Require.tool("redis-cli") + " -h 127.0.0.1 -p " + port;
            // A terminal of 200 columns, so that linenoise need not ask the (absent) terminal its width.
            try (ChildProcess p = ChildProcess.start(Require.tool("script").toString(), "-q", "-c",
                    "stty cols 200 rows 40; " + cli, "/dev/null")) {
                p.awaitStdout("127.0.0.1:" + port + "> ", RUN);
                p.write("PUBLISH ");
                p.awaitStdout("PUBLISH \u001b[0;90;49mchannel message\u001b[0m", RUN);
                p.write("x ");
                p.awaitStdout("PUBLISH x \u001b[0;90;49mmessage\u001b[0m", RUN);
                p.write("\u0015CLIENT KILL ");
                p.awaitStdout("CLIENT KILL \u001b[0;90;49mip:port|[ID client-id]|[USER username]", RUN);
                p.write("\u0003");
                assertThat(p.awaitExit(RUN)).isZero();
            }
        }
    }

    @Test
    void everyCommandAndSubcommandIsDocumented() throws Exception {
        try (Services tcpkit = Services.withCommand(); RespClient c = RespClient.connect(tcpkit.command().port())) {
            for (Command command : CommandService.commands()) {
                CommandDocs.Doc doc = CommandDocs.of(command.lowerName());
                assertThat(doc).as(command.name()).isNotNull();
                Map<String, CommandDocs.Doc> subs = new TreeMap<>();
                doc.subcommands().forEach(e -> subs.put(e.getKey(), e.getValue()));
                assertThat(subs.keySet()).as(command.name())
                        .isEqualTo(new java.util.TreeSet<>(command.subcommands().stream()
                                .map(s -> command.lowerName() + "|" + s).toList()));
            }
            // As Redis: a subcommand by its full name, unknown names left out.
            assertThat(c.call("COMMAND", "DOCS", "CLIENT|ID", "nosuch", "echo")).isEqualTo("*4\r\n"
                    + "$9\r\nclient|id\r\n*8\r\n$7\r\nsummary\r\n$48\r\nReturns the client ID for the current connection\r\n"
                    + "$5\r\nsince\r\n$5\r\n5.0.0\r\n$5\r\ngroup\r\n$10\r\nconnection\r\n$10\r\ncomplexity\r\n$4\r\nO(1)\r\n"
                    + "$4\r\necho\r\n*10\r\n$7\r\nsummary\r\n$21\r\nEcho the given string\r\n$5\r\nsince\r\n$5\r\n1.0.0\r\n"
                    + "$5\r\ngroup\r\n$10\r\nconnection\r\n$10\r\ncomplexity\r\n$4\r\nO(1)\r\n$9\r\narguments\r\n"
                    + "*1\r\n*4\r\n$4\r\nname\r\n$7\r\nmessage\r\n$4\r\ntype\r\n$6\r\nstring\r\n");
        }
    }
}
