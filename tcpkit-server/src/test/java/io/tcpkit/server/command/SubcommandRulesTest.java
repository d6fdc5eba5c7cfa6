package io.tcpkit.server.command;

import io.tcpkit.server.testing.Services;
import io.tcpkit.testing.RespClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Users-file rules that name a subcommand ("client|list") allow just that subcommand. */
@Timeout(30)
class SubcommandRulesTest {
    @TempDir
    Path dir;

    @Test
    void aSubcommandRuleAllowsThatSubcommandOnly() throws Exception {
        try (Services server = Services.withCommand(Services.users(dir, "watcher eyes ping client|list"));
             RespClient peer = server.commandClient()) {
            assertThat(peer.call("AUTH", "watcher", "eyes")).isEqualTo("+OK\r\n");
            assertThat(peer.call("CLIENT", "LIST")).startsWith("$").contains("user=watcher");
            assertThat(peer.call("CLIENT", "KILL", "ID", "1"))
                    .isEqualTo("-NOPERM User watcher has no permissions to run the 'client|kill' command\r\n");
            assertThat(peer.call("CLIENT", "ID"))
                    .isEqualTo("-NOPERM User watcher has no permissions to run the 'client|id' command\r\n");
            assertThat(peer.call("PING")).isEqualTo("+PONG\r\n");
        }
    }

    /** The subcommands rules may name are the ones the commands answer to, so passwd's check cannot drift. */
    @Test
    void theSubcommandsRulesMayNameAreTheOnesTheCommandsDispatch() throws Exception {
        try (Services server = Services.withCommand(); RespClient peer = server.commandClient()) {
            for (Command c : CommandService.commands()) {
                for (String sub : c.subcommands()) {
                    assertThat(peer.call(c.name(), sub)).as(c.name() + " " + sub).doesNotStartWith("-ERR unknown subcommand");
                    assertThat(CommandService.isCommandName(c.lowerName() + "|" + sub)).isTrue();
                }
                if (c.hasSubcommands()) {
                    assertThat(peer.call(c.name(), "NOSUCHSUB")).startsWith("-ERR unknown subcommand");
                    assertThat(CommandService.isCommandName(c.lowerName() + "|nosuchsub")).isFalse();
                }
                assertThat(CommandService.isCommandName(c.lowerName())).isTrue();
            }
            assertThat(CommandService.isCommandName("pnig")).isFalse();
            assertThat(CommandService.isCommandName("ping|x")).isFalse();
            assertThat(CommandService.isCommandName("CLIENT|Kill")).isTrue();
        }
    }
}
