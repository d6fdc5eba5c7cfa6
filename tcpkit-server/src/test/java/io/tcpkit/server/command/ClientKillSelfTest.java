package io.tcpkit.server.command;

import io.tcpkit.testing.RespClient;
import io.tcpkit.server.testing.Services;
import io.tcpkit.testing.Await;
import io.tcpkit.testing.Net;
import io.tcpkit.CloseReason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** CLIENT KILL of one's own connection: Redis replies, then closes. */
@Timeout(30)
class ClientKillSelfTest {

    @Test
    void killingOneselfByIdRepliesThenCloses() throws Exception {
        try (Services server = Services.withCommand(); RespClient peer = server.commandClient()) {
            long id = (Long) peer.command("CLIENT", "ID").value();
            assertThat(peer.call("CLIENT", "KILL", "ID", Long.toString(id))).as("SKIPME yes by default").isEqualTo(":0\r\n");
            // Pipelined behind the kill: never run.
            peer.send(RespClient.encode("CLIENT", "KILL", "ID", Long.toString(id), "SKIPME", "no") + RespClient.encode("PING"));
            assertThat(peer.readToEnd()).isEqualTo(":1\r\n");
            Await.until("the kill to be counted", Duration.ofSeconds(10), () -> Net.closed(server.command(), CloseReason.KILLED) == 1);
        }
    }

    @Test
    void killingOneselfByAddressRepliesThenCloses() throws Exception {
        try (Services server = Services.withCommand(); RespClient peer = server.commandClient(); RespClient other = server.commandClient()) {
            String self = "127.0.0.1:" + peer.localPort();
            peer.send(RespClient.encode("CLIENT", "KILL", self));
            assertThat(peer.readToEnd()).isEqualTo("+OK\r\n");
            assertThat(other.call("PING")).isEqualTo("+PONG\r\n");
            Await.until("the killed session to end", Duration.ofSeconds(10), () -> server.sessions.size() == 1);
            assertThat(other.call("CLIENT", "KILL", "USER", "default", "SKIPME", "no")).isEqualTo(":1\r\n");
            assertThat(other.readToEnd()).isEmpty();
        }
    }
}
