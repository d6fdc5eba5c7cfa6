package io.tcpkit.server.command;

import io.tcpkit.server.BuildInfo;
import io.tcpkit.server.testing.Services;
import io.tcpkit.testing.RespClient;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static io.tcpkit.testing.RespClient.bulk;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * RESP3 after HELLO 3, byte for byte as Redis 7 writes it: the HELLO map, nulls, verbatim strings,
 * maps, sets, push frames for pub/sub, any command while subscribed; HELLO 2 and RESET go back.
 */
@Timeout(30)
class Resp3Test {
    @AutoClose
    private Services server;

    private RespClient client() throws Exception {
        if (server == null) {
            server = Services.withCommand();
        }
        return server.commandClient();
    }

    /** HELLO's reply in Redis 7's order; {@code map} is "%7" in RESP3 and "*14" in RESP2. */
    private static String hello(String header, int proto, long id) {
        return header + "\r\n" + bulk("server") + bulk("tcpkit") + bulk("version") + bulk(BuildInfo.version())
                + bulk("proto") + ":" + proto + "\r\n" + bulk("id") + ":" + id + "\r\n" + bulk("mode")
                + bulk("standalone") + bulk("role") + bulk("master") + bulk("modules") + "*0\r\n";
    }

    private static long id(RespClient c) throws Exception {
        return (Long) c.value();
    }

    @Test
    void hello3SwitchesToResp3AndAnswersWithAMap() throws Exception {
        try (RespClient c = client()) {
            long id = id(c.command("CLIENT", "ID"));
            assertThat(c.call("HELLO", "3")).isEqualTo(hello("%7", 3, id));
            assertThat(c.call("CLIENT", "GETNAME")).isEqualTo("_\r\n");
            assertThat(c.call("HELLO")).as("no version: stays in RESP3").isEqualTo(hello("%7", 3, id));
            assertThat(c.call("CONFIG", "GET", "databases")).isEqualTo("%1\r\n" + bulk("databases") + bulk("1"));
            assertThat(c.call("COMMAND", "INFO", "nosuch")).isEqualTo("*1\r\n_\r\n");
            assertThat(c.call("PING")).isEqualTo("+PONG\r\n");
            assertThat(c.call("CLIENT", "TRACKING", "on"))
                    .isEqualTo("-ERR unknown subcommand 'TRACKING'. Try CLIENT HELP.\r\n");
            assertThat(c.call("HELLO", "2")).isEqualTo(hello("*14", 2, id));
            assertThat(c.call("CLIENT", "GETNAME")).isEqualTo("$-1\r\n");
            assertThat(c.call("CONFIG", "GET", "databases")).isEqualTo("*2\r\n" + bulk("databases") + bulk("1"));
        }
    }

    @Test
    void clientInfoAndListAreVerbatimStringsThatSayResp3() throws Exception {
        try (RespClient c = client()) {
            c.call("HELLO", "3");
            String info = c.call("CLIENT", "INFO");
            String text = (String) RespClient.values(info.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1)).get(0);
            assertThat(info).isEqualTo("=" + text.length() + "\r\n" + text + "\r\n");
            assertThat(text).startsWith("txt:id=").contains(" resp=3 ").endsWith("\n");
            assertThat(c.call("CLIENT", "LIST")).startsWith("=").contains(" resp=3 ");
            assertThat(c.call("INFO", "server")).startsWith("=").contains("txt:# Server\r\n");
        }
    }

    @Test
    void pubSubInResp3UsesPushFramesAndAllowsEveryCommand() throws Exception {
        try (RespClient sub = client(); RespClient old = client(); RespClient pub = client()) {
            sub.call("HELLO", "3");
            assertThat(sub.call("UNSUBSCRIBE")).isEqualTo(">3\r\n" + bulk("unsubscribe") + "_\r\n:0\r\n");
            assertThat(sub.call("SUBSCRIBE", "news")).isEqualTo(">3\r\n" + bulk("subscribe") + bulk("news") + ":1\r\n");
            assertThat(sub.call("PSUBSCRIBE", "n*")).isEqualTo(">3\r\n" + bulk("psubscribe") + bulk("n*") + ":2\r\n");
            assertThat(old.call("SUBSCRIBE", "news")).isEqualTo("*3\r\n" + bulk("subscribe") + bulk("news") + ":1\r\n");
            // While subscribed, RESP3 runs anything and PING is an ordinary PONG.
            assertThat(sub.call("ECHO", "still here")).isEqualTo(bulk("still here"));
            assertThat(sub.call("PING")).isEqualTo("+PONG\r\n");
            assertThat(sub.call("CLIENT", "GETNAME")).isEqualTo("_\r\n");
            assertThat(old.call("PING")).isEqualTo("*2\r\n" + bulk("pong") + bulk(""));
            assertThat(old.call("ECHO", "x")).startsWith("-ERR Can't execute 'echo'");

            assertThat(pub.call("PUBLISH", "news", "hi")).isEqualTo(":3\r\n");
            sub.expectBytes(">3\r\n" + bulk("message") + bulk("news") + bulk("hi"));
            sub.expectBytes(">4\r\n" + bulk("pmessage") + bulk("n*") + bulk("news") + bulk("hi"));
            old.expectBytes("*3\r\n" + bulk("message") + bulk("news") + bulk("hi"));

            assertThat(sub.call("UNSUBSCRIBE", "news")).isEqualTo(">3\r\n" + bulk("unsubscribe") + bulk("news") + ":1\r\n");
            assertThat(sub.call("RESET")).isEqualTo("+RESET\r\n");
            assertThat(sub.call("CLIENT", "GETNAME")).as("RESET goes back to RESP2").isEqualTo("$-1\r\n");
        }
    }

    @Test
    void aResp3AndAResp2SubscriberShareOneFramePerProtocol() throws Exception {
        io.tcpkit.server.hub.Message m = io.tcpkit.server.hub.Message.published(
                io.tcpkit.server.hub.Channel.of("r".getBytes()), "p", "x".getBytes());
        assertThat(m.push()).isSameAs(m.push());
        assertThat(new String(m.push(), java.nio.charset.StandardCharsets.ISO_8859_1))
                .isEqualTo(">3\r\n" + bulk("message") + bulk("r") + bulk("x"));
        assertThat(new String(m.resp(), java.nio.charset.StandardCharsets.ISO_8859_1))
                .isEqualTo("*3\r\n" + bulk("message") + bulk("r") + bulk("x"));
    }

    @Test
    void hello3WithAuthAndSetnameLogsInNamesAndSwitches(@TempDir Path dir) throws Exception {
        server = Services.withCommand(Services.users(dir, "alice wonder"));
        try (RespClient c = server.commandClient()) {
            assertThat(c.call("HELLO", "3", "AUTH", "alice", "wrong", "SETNAME", "app"))
                    .isEqualTo("-WRONGPASS invalid username-password pair or user is disabled.\r\n");
            assertThat(c.call("HELLO", "3", "AUTH", "alice", "wonder", "SETNAME", "bad name"))
                    .isEqualTo("-ERR Client names cannot contain spaces, newlines or special characters.\r\n");
            assertThat(c.call("CLIENT", "GETNAME")).as("no switch after a failed HELLO").isEqualTo("$-1\r\n");
            String reply = c.call("HELLO", "3", "AUTH", "alice", "wonder", "SETNAME", "app");
            assertThat(reply).startsWith("%7\r\n").contains(bulk("proto") + ":3\r\n");
            assertThat(c.call("CLIENT", "GETNAME")).isEqualTo(bulk("app"));
            assertThat(c.call("ACL", "WHOAMI")).isEqualTo(bulk("alice"));
        }
    }
}
