package io.tcpkit.server.command;

import io.tcpkit.server.testing.Services;
import io.tcpkit.testing.RespClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** RESET, as Redis: out of subscribed mode, name cleared, logged out. */
@Timeout(30)
class ResetTest {
    @TempDir
    Path dir;

    @Test
    void resetLeavesSubscriptionsAndForgetsTheName() throws Exception {
        try (Services server = Services.withCommand(); RespClient peer = server.commandClient()) {
            assertThat(peer.call("CLIENT", "SETNAME", "worker")).isEqualTo("+OK\r\n");
            assertThat(peer.call("SUBSCRIBE", "news")).isEqualTo("*3\r\n$9\r\nsubscribe\r\n$4\r\nnews\r\n:1\r\n");
            assertThat(peer.call("RESET")).isEqualTo("+RESET\r\n");
            assertThat(peer.call("ECHO", "back to normal")).isEqualTo("$14\r\nback to normal\r\n");
            assertThat(peer.call("CLIENT", "GETNAME")).isEqualTo("$-1\r\n");
            assertThat(peer.call("PUBSUB", "NUMSUB", "news")).isEqualTo("*2\r\n$4\r\nnews\r\n:0\r\n");
        }
    }

    @Test
    void resetLogsOutWithAUsersFile() throws Exception {
        try (Services server = Services.withCommand(Services.users(dir, "alice wonder"));
             RespClient peer = server.commandClient()) {
            assertThat(peer.call("AUTH", "alice", "wonder")).isEqualTo("+OK\r\n");
            assertThat(peer.call("RESET")).isEqualTo("+RESET\r\n");
            assertThat(peer.call("ECHO", "x")).isEqualTo("-NOAUTH Authentication required.\r\n");
        }
    }
}
