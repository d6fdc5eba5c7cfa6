package io.tcpkit.server.chat;

import io.tcpkit.Limits;
import io.tcpkit.TcpServer;
import io.tcpkit.server.testing.Services;
import io.tcpkit.testing.ChildProcess;
import io.tcpkit.testing.LineClient;
import io.tcpkit.testing.Require;
import io.tcpkit.testing.RespClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static io.tcpkit.server.chat.ChatPeers.assertNothingPending;
import static io.tcpkit.server.chat.ChatPeers.joinAll;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * People and programs share rooms: the chat's lobby is the pub/sub room "lobby". Programs here
 * are the real redis-cli and raw RESP sockets.
 */
@Timeout(30)
class ChatPubSubBridgeTest {
    private Services servers;
    private TcpServer command;
    private final List<ChildProcess> processes = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        servers = new Services();
        servers.startChat(Limits.DEFAULT);
        command = servers.startCommand(Limits.DEFAULT);
    }

    @AfterEach
    void stop() throws Exception {
        processes.forEach(ChildProcess::close);
        servers.close();
    }

    /** redis-cli against the command service, as a child process whose stdout is read line by line. */
    private final class RedisCli {
        final ChildProcess process;

        RedisCli(String... args) throws IOException {
            List<String> command = new ArrayList<>(List.of(Require.tool("redis-cli").toString(), "-h", "127.0.0.1",
                    "-p", String.valueOf(ChatPubSubBridgeTest.this.command.port())));
            command.addAll(List.of(args));
            process = ChildProcess.start(Path.of("."), command);
            processes.add(process);
        }

        void expect(String... expected) throws InterruptedException {
            process.expectLines(LineClient.READ_TIMEOUT, expected);
        }

        int awaitExit() throws InterruptedException {
            return process.awaitExit(LineClient.READ_TIMEOUT);
        }
    }

    @Test
    void redisCliSubscribeFollowsTheLobbyLive() throws Exception {
        RedisCli follower = new RedisCli("SUBSCRIBE", "lobby");
        follower.expect("subscribe", "lobby", "1");
        List<LineClient> room = joinAll(servers, "alice", "bob");
        follower.expect("message", "lobby", "* alice has entered the room");
        follower.expect("message", "lobby", "* bob has entered the room");
        room.get(0).sendLine("hi");
        room.get(1).expectLine("[alice] hi");
        follower.expect("message", "lobby", "[alice] hi");
        room.get(1).sendLine("/me waves");
        room.get(0).expectLine("* bob waves");
        follower.expect("message", "lobby", "* bob waves");
        // Private messages stay private.
        room.get(0).sendLine("/msg bob psst");
        room.get(1).expectLine("[alice -> you] psst");
        room.get(0).expectLine("[you -> bob] psst");
        room.get(1).close();
        room.get(0).expectLine("* bob has left the room");
        follower.expect("message", "lobby", "* bob has left the room");
    }

    @Test
    void redisCliPublishSpeaksInTheLobbyAndPrintsTheReceiverCount() throws Exception {
        List<LineClient> room = joinAll(servers, "alice", "bob");
        RedisCli publish = new RedisCli("PUBLISH", "lobby", "hello");
        publish.expect("2");
        assertThat(publish.awaitExit()).isZero();
        String line = room.get(0).readLine();
        assertThat(line).matches("\\[client#\\d+\\] hello");
        room.get(1).expectLine(line);

        // Control characters from a program are defused for people too.
        RedisCli evil = new RedisCli("PUBLISH", "lobby", "\u001b[2Jboom\u0007");
        evil.expect("2");
        assertThat(evil.awaitExit()).isZero();
        assertThat(room.get(0).readLine()).matches("\\[client#\\d+\\] \\?\\[2Jboom\\?");
        assertNothingPending(room.get(1), room.get(0));
    }

    @Test
    void programsGetWhatProgramsPublishVerbatimAndPeopleTheChatLine() throws Exception {
        List<LineClient> room = joinAll(servers, "alice");
        RedisCli follower = new RedisCli("SUBSCRIBE", "lobby");
        follower.expect("subscribe", "lobby", "1");
        RedisCli publish = new RedisCli("PUBLISH", "lobby", "from a program");
        publish.expect("2");
        follower.expect("message", "lobby", "from a program");
        assertThat(room.get(0).readLine()).matches("\\[client#\\d+\\] from a program");
    }

    @Test
    void rawRespSubscribersGetChatLinesAsExactFramesInEveryRoom() throws Exception {
        RespClient sub = servers.commandClient("sub");
        sub.command("SUBSCRIBE", "dev");
        sub.expectBytes("*3\r\n$9\r\nsubscribe\r\n$3\r\ndev\r\n:1\r\n");
        RespClient psub = servers.commandClient("psub");
        psub.command("PSUBSCRIBE", "*");
        psub.expectBytes("*3\r\n$10\r\npsubscribe\r\n$1\r\n*\r\n:1\r\n");

        List<LineClient> room = joinAll(servers, "alice");
        psub.expectBytes("*4\r\n$8\r\npmessage\r\n$1\r\n*\r\n$5\r\nlobby\r\n$28\r\n* alice has entered the room\r\n");
        room.get(0).sendLine("/join dev");
        room.get(0).expectLine("* The room dev contains: ");
        psub.expectBytes("*4\r\n$8\r\npmessage\r\n$1\r\n*\r\n$5\r\nlobby\r\n$25\r\n* alice has left the room\r\n");
        sub.expectBytes("*3\r\n$7\r\nmessage\r\n$3\r\ndev\r\n$28\r\n* alice has entered the room\r\n");
        psub.expectBytes("*4\r\n$8\r\npmessage\r\n$1\r\n*\r\n$3\r\ndev\r\n$28\r\n* alice has entered the room\r\n");
        room.get(0).sendLine("hi \u001b[1mdev");
        sub.expectBytes("*3\r\n$7\r\nmessage\r\n$3\r\ndev\r\n$18\r\n[alice] hi ?[1mdev\r\n");
        psub.expectBytes("*4\r\n$8\r\npmessage\r\n$1\r\n*\r\n$3\r\ndev\r\n$18\r\n[alice] hi ?[1mdev\r\n");

        // Chat members count as subscribers of their room.
        RespClient admin = servers.commandClient("admin");
        admin.command("PUBSUB", "NUMSUB", "dev", "lobby");
        admin.expectBytes("*4\r\n$3\r\ndev\r\n:2\r\n$5\r\nlobby\r\n:0\r\n");
        admin.command("PUBLISH", "dev", "to all");
        admin.expectBytes(":3\r\n"); // alice, the subscriber and the pattern subscriber
        assertThat(room.get(0).readLine()).matches("\\[client#\\d+\\] to all");
    }

    @Test
    void aProgramWithAClientNameSpeaksUnderThatName() throws Exception {
        List<LineClient> room = joinAll(servers, "alice");
        RespClient robot = servers.commandClient("robot");
        robot.command("CLIENT", "SETNAME", "robot");
        robot.expectBytes("+OK\r\n");
        robot.command("PUBLISH", "lobby", "beep");
        robot.expectBytes(":1\r\n");
        room.get(0).expectLine("[robot] beep");

        // Without a name: "client" and the connection id, as CLIENT ID reports it.
        RespClient anonymous = servers.commandClient("anonymous");
        anonymous.command("CLIENT", "ID");
        String id = anonymous.readLine();
        assertThat(id).matches(":\\d+\r");
        anonymous.command("PUBLISH", "lobby", "boop");
        anonymous.expectBytes(":1\r\n");
        room.get(0).expectLine("[client#" + id.substring(1, id.length() - 1) + "] boop");
    }
}
