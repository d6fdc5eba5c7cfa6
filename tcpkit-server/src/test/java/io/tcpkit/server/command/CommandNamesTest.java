package io.tcpkit.server.command;

import io.tcpkit.testing.RespClient;
import io.tcpkit.server.testing.Services;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Command and subcommand names are read once, ASCII case only (as Redis): the user's rules, the
 * dispatch and CLIENT LIST all see the same name, and what a client writes there cannot become
 * another command or another line of CLIENT LIST.
 */
@Timeout(30)
class CommandNamesTest {
    @TempDir
    Path dir;

    /** Text as the UTF-8 bytes a client sends, in RespPeer's one-char-per-byte form. */
    private static String utf8(String s) {
        return latin1(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void unicodeCaseMappingCannotGetPastADenial() throws Exception {
        try (Services server = Services.withCommand(Services.users(dir,
                "eve pw all -pubsub|channels -command|list -client|list -acl"));
             RespClient eve = server.commandClient()) {
            assertThat(eve.call("AUTH", "eve", "pw")).isEqualTo("+OK\r\n");
            String noperm = "-NOPERM User eve has no permissions to run the '%s' command\r\n";
            assertThat(eve.call("PUBSUB", "channels")).isEqualTo(noperm.formatted("pubsub|channels"));
            assertThat(eve.call("PuBsUb", "ChAnNeLs")).isEqualTo(noperm.formatted("pubsub|channels"));
            // Java upper-cases U+017F (long s) to 'S' and U+0131 (dotless i) to 'I'; Redis does neither.
            String channelLongS = utf8("CHANNEL\u017f");
            assertThat(eve.call("PUBSUB", channelLongS))
                    .isEqualTo("-ERR unknown subcommand '" + channelLongS + "'. Try PUBSUB HELP.\r\n");
            String listLigature = utf8("l\u0131\ufb06");
            assertThat(eve.call("COMMAND", listLigature))
                    .isEqualTo("-ERR unknown subcommand '" + listLigature + "'. Try COMMAND HELP.\r\n");
            assertThat(eve.call("CLIENT", utf8("l\u0131st")))
                    .isEqualTo("-ERR unknown subcommand '" + utf8("l\u0131st") + "'. Try CLIENT HELP.\r\n");
            assertThat(eve.call("ACL", utf8("WHO\u0131AM\u0131"))).startsWith("-ERR unknown subcommand");
            assertThat(eve.call("ACL", "whoami")).isEqualTo(noperm.formatted("acl|whoami"));
            // The sibling for names: HELP and COMMAND INFO find commands by ASCII case only.
            assertThat(eve.call("HELP", utf8("p\u0131ng"))).startsWith("-ERR no such command");
            assertThat(eve.call("HELP", "pInG")).isEqualTo("*1\r\n+PING [message] - Reply PONG, or the message.\r\n");
            assertThat(eve.call("PING")).isEqualTo("+PONG\r\n");
        }
    }

    @Test
    void clientListShowsOnlyRealCommandNames() throws Exception {
        try (Services server = Services.withCommand(); RespClient forger = server.commandClient();
             RespClient reader = server.commandClient()) {
            String fake = "x\nid=1 addr=10.0.0.1:6379 name=admin";
            assertThat(forger.call("CLIENT", fake)).startsWith("-ERR unknown subcommand 'x id=1 addr=10.0.0.1:6379");
            String list = (String) reader.command("CLIENT", "LIST").value();
            assertThat(list.split("\n")).hasSize(2);
            assertThat(list).doesNotContain("10.0.0.1").contains(" cmd=NULL ").contains(" cmd=client|list ");
            forger.call("NOSUCH\nid=1", "x");
            assertThat((String) reader.command("CLIENT", "LIST").value()).doesNotContain("id=1 ").contains(" cmd=NULL ");
            forger.call("client", "getname");
            assertThat((String) reader.command("CLIENT", "LIST").value()).contains(" cmd=client|getname ");
            forger.call("PUBSUB");
            assertThat((String) reader.command("CLIENT", "LIST").value()).contains(" cmd=pubsub ");
        }
    }

    @Test
    void namesAndLibraryFieldsRefuseWhatWouldSplitALine() throws Exception {
        try (Services server = Services.withCommand(); RespClient peer = server.commandClient()) {
            String refused = "-ERR Client names cannot contain spaces, newlines or special characters.\r\n";
            for (String bad : new String[] {"a b", "a\nid=9", "tab\there", "nul\u0000", "caf\u00c3\u00a9", "\u007f"}) {
                assertThat(peer.call("CLIENT", "SETNAME", bad)).as("SETNAME %s", bad).isEqualTo(refused);
                assertThat(peer.call("HELLO", "2", "SETNAME", bad)).as("HELLO SETNAME %s", bad).isEqualTo(refused);
            }
            assertThat(peer.call("CLIENT", "SETINFO", "lib-name", "a b"))
                    .isEqualTo("-ERR lib-name cannot contain spaces, newlines or special characters.\r\n");
            assertThat(peer.call("CLIENT", "SETINFO", "LIB-VER", "1\n2"))
                    .isEqualTo("-ERR LIB-VER cannot contain spaces, newlines or special characters.\r\n");
            assertThat(peer.call("CLIENT", "SETINFO", "lib-what", "a b")).isEqualTo("-ERR Unrecognized option 'lib-what'\r\n");
            assertThat(peer.call("CLIENT", "SETNAME", "ok!~")).isEqualTo("+OK\r\n");
            assertThat(peer.call("CLIENT", "GETNAME")).isEqualTo("$4\r\nok!~\r\n");
            assertThat(peer.call("CLIENT", "SETNAME", "")).isEqualTo("+OK\r\n");
            assertThat(peer.call("CLIENT", "GETNAME")).isEqualTo("$-1\r\n");
        }
    }

    @Test
    void integersAreReadAsRedisReadsThem() throws Exception {
        try (Services server = Services.withCommand(); RespClient peer = server.commandClient()) {
            String notInteger = "-ERR value is not an integer or out of range\r\n";
            assertThat(peer.call("SELECT", "0")).isEqualTo("+OK\r\n");
            for (String bad : new String[] {"00", "-0", "+0", " 0", "0 ", "", "0x0", "9223372036854775808"}) {
                assertThat(peer.call("SELECT", bad)).as("SELECT '%s'", bad).isEqualTo(notInteger);
            }
            assertThat(peer.call("SELECT", "2147483648"))
                    .isEqualTo("-ERR value is out of range, value must between -2147483648 and 2147483647\r\n");
            assertThat(peer.call("SELECT", "-1")).isEqualTo("-ERR DB index is out of range\r\n");
            assertThat(peer.call("SELECT", "2147483647")).isEqualTo("-ERR DB index is out of range\r\n");
            assertThat(peer.call("HELLO", "02")).isEqualTo("-ERR Protocol version is not an integer or out of range\r\n");
            assertThat(peer.call("HELLO", "-0")).isEqualTo("-ERR Protocol version is not an integer or out of range\r\n");
            assertThat(peer.call("HELLO", "9223372036854775807")).isEqualTo("-NOPROTO unsupported protocol version\r\n");
            assertThat(peer.call("CLIENT", "KILL", "ID", "01")).isEqualTo("-ERR client-id should be greater than 0\r\n");
        }
    }

    @Test
    void unknownCommandsAreQuotedByteForByteAsRedisQuotesThem() throws Exception {
        try (Services server = Services.withCommand(); RespClient peer = server.commandClient()) {
            assertThat(peer.call("N\u00ffO\u0000SUCH", "a\u0000b", "\u00fe"))
                    .isEqualTo("-ERR unknown command 'N\u00ffO', with args beginning with: 'a' '\u00fe' \r\n");
            String longName = "x".repeat(200);
            String longArg = "y".repeat(200);
            assertThat(peer.call(longName, longArg, "z"))
                    .isEqualTo("-ERR unknown command '" + "x".repeat(128) + "', with args beginning with: '"
                            + "y".repeat(128) + "' \r\n");
            assertThat(peer.call("nosuch", "a\r\nb")).isEqualTo("-ERR unknown command 'nosuch', with args beginning with: 'a  b' \r\n");
        }
    }

    private static byte[] latin1(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    private static String latin1(byte[] b) {
        return new String(b, java.nio.charset.StandardCharsets.ISO_8859_1);
    }
}
