package io.tcpkit.server.admin;

import io.tcpkit.server.testing.Tcpkit;
import io.tcpkit.testing.ChildProcess;
import io.tcpkit.testing.Net;
import org.junit.jupiter.api.Test;

import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.tcpkit.server.testing.Tcpkit.STARTUP;
import static org.assertj.core.api.Assertions.assertThat;

/** Each single-service command runs the admin listener too, showing what that service has. */
class SingleServiceAdminProgramTest {

    @Test
    @SuppressWarnings("unchecked")
    void tcpkitChatHasItsOwnAdminListener() throws Exception {
        int adminPort = ProgramAdmin.freePort();
        try (ChildProcess chat = ProgramAdmin.start(adminPort, "chat", "chat", "--port", "0");
             Socket alice = Net.connect(Tcpkit.awaitPort(chat, "chat"))) {
            Net.readLine(alice);
            Net.send(alice, "alice\n");
            Net.readLine(alice);
            Map<String, Object> varz = JsonTree.object(ProgramAdmin.get(adminPort, "/varz").body());
            assertThat((List<Map<String, Object>>) varz.get("services")).extracting(s -> s.get("service"))
                    .containsExactly("chat");
            assertThat(varz.get("chat")).isEqualTo(Map.of("members", 1L, "rooms", 1L));
            assertThat(ProgramAdmin.get(adminPort, "/metrics").body())
                    .contains("\ntcpkit_chat_members 1.0\n", "\ntcpkit_connections_open{service=\"chat\"} 1.0\n")
                    .doesNotContain("service=\"echo\"", "service=\"command\"");
            chat.terminate();
            assertThat(chat.awaitExit(Duration.ofSeconds(30))).isZero();
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void tcpkitEchoHasNoRoomsOrSessions() throws Exception {
        int adminPort = ProgramAdmin.freePort();
        try (ChildProcess echo = ProgramAdmin.start(adminPort, "echo", "echo", "--port", "0");
             Socket client = Net.connect(Tcpkit.awaitPort(echo, "echo"))) {
            Net.send(client, "abc");
            assertThat(Net.read(client, 3)).isEqualTo("abc");
            Map<String, Object> varz = JsonTree.object(ProgramAdmin.get(adminPort, "/varz").body());
            assertThat(varz).doesNotContainKeys("chat", "pubsub");
            Map<String, Object> connz = JsonTree.object(ProgramAdmin.get(adminPort, "/connz").body());
            assertThat((List<Map<String, Object>>) connz.get("connections")).singleElement()
                    .satisfies(c -> assertThat(c).containsEntry("service", "echo").containsEntry("bytes_in", 3L));
            assertThat(JsonTree.object(ProgramAdmin.get(adminPort, "/subsz").body())).containsEntry("total", 0L);
            assertThat(ProgramAdmin.get(adminPort, "/metrics").body())
                    .contains("\ntcpkit_connections_open{service=\"echo\"} 1.0\n").doesNotContain("tcpkit_chat_members");
            echo.terminate();
            assertThat(echo.awaitExit(Duration.ofSeconds(30))).isZero();
        }
    }

    @Test
    void aTakenAdminPortIsOneClearLineAndExitStatusOne() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
             ChildProcess command = Tcpkit.start("command", "--port", "0", "--admin-port", "" + taken.getLocalPort())) {
            assertThat(command.awaitExit(Duration.ofSeconds(30))).isEqualTo(1);
            assertThat(command.stderr()).startsWith("tcpkit: admin: cannot listen on 127.0.0.1:" + taken.getLocalPort() + ": ");
            assertThat(command.stdout()).doesNotContain("listening");
        }
    }
}
