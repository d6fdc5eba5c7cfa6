package io.tcpkit.server.chat;

import io.tcpkit.Limits;
import io.tcpkit.server.auth.PasswordHasher;
import io.tcpkit.server.auth.Users;
import io.tcpkit.server.testing.Services;
import io.tcpkit.testing.LineClient;
import io.tcpkit.testing.RespClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A program that publishes into a room speaks under a name it could have taken in the chat:
 * never a registered name that is not its own, never the name of someone present, never a name
 * the chat would refuse. Otherwise people read "[client#ID]".
 */
@Timeout(30)
class ImpersonationTest {
    @TempDir
    Path dir;

    private Services servers;

    @AfterEach
    void stop() {
        servers.close();
    }

    private void start(Users users) throws Exception {
        servers = new Services(users);
        servers.startChat(Limits.DEFAULT);
        servers.startCommand(Limits.DEFAULT);
    }

    private Users users(String... namePassword) throws Exception {
        List<String> lines = new ArrayList<>();
        for (String e : namePassword) {
            String[] f = e.split(" ");
            lines.add(f[0] + " " + PasswordHasher.hash(f[1].toCharArray(), 1000));
        }
        Path file = dir.resolve("users");
        Files.write(file, lines);
        return Users.load(file);
    }

    /** A command connection, set up by commands of three words that each reply +OK. */
    private RespClient program(String... setup) throws Exception {
        RespClient p = servers.commandClient("program");
        for (int i = 0; i < setup.length; i += 3) {
            assertThat(p.call(setup[i], setup[i + 1], setup[i + 2])).isEqualTo("+OK\r\n");
        }
        return p;
    }

    private static long id(RespClient program) throws Exception {
        return (Long) program.command("CLIENT", "ID").value();
    }

    private static void publish(RespClient program, String text, int receivers) throws Exception {
        assertThat(program.call("PUBLISH", "lobby", text)).isEqualTo(":" + receivers + "\r\n");
    }

    @Test
    void aRegisteredNameIsOnlyItsOwners() throws Exception {
        start(users("alice wonderland", "bob builder"));
        LineClient reader = ChatPeers.connect(servers, "reader");
        reader.sendLine("reader");
        reader.expectLine(ChatPeers.LOBBY_PRESENCE);
        RespClient bob = program("AUTH", "bob", "builder", "CLIENT", "SETNAME", "alice");
        publish(bob, "I am alice", 1);
        reader.expectLine("[bob] I am alice");
        assertThat(bob.call("CLIENT", "SETNAME", "ALICE")).isEqualTo("+OK\r\n");
        publish(bob, "really", 1);
        reader.expectLine("[bob] really");
        RespClient alice = program("AUTH", "alice", "wonderland", "CLIENT", "SETNAME", "Alice");
        publish(alice, "it is me", 1);
        reader.expectLine("[Alice] it is me");
        RespClient aliceNoName = program("AUTH", "alice", "wonderland");
        publish(aliceNoName, "me too", 1);
        reader.expectLine("[alice] me too");
    }

    @Test
    void aNameSomeoneInTheChatHoldsIsNotAvailable() throws Exception {
        start(Users.open());
        List<LineClient> room = ChatPeers.joinAll(servers, "carol", "reader");
        LineClient reader = room.get(1);
        RespClient program = program("CLIENT", "SETNAME", "Carol");
        long id = id(program);
        publish(program, "I am carol", 2);
        reader.expectLine("[client#" + id + "] I am carol");
        room.get(0).expectLine("[client#" + id + "] I am carol");
        assertThat(program.call("CLIENT", "SETNAME", "dave")).isEqualTo("+OK\r\n");
        publish(program, "nobody is dave", 2);
        reader.expectLine("[dave] nobody is dave");
        room.get(0).expectLine("[dave] nobody is dave");
        LineClient dave = ChatPeers.join(servers, "dave", room);
        publish(program, "still dave?", 3);
        reader.expectLine("[client#" + id + "] still dave?");
        dave.expectLine("[client#" + id + "] still dave?");
    }

    @Test
    void aNameTheChatWouldRefuseIsNotShown() throws Exception {
        start(Users.open());
        LineClient reader = ChatPeers.joinAll(servers, "reader").get(0);
        for (String name : new String[] {"alice]", "[admin]", "x".repeat(33), "b\u00f8b"}) {
            RespClient program = servers.commandClient("program");
            program.call("CLIENT", "SETNAME", name);
            long id = id(program);
            publish(program, "hello", 1);
            reader.expectLine("[client#" + id + "] hello");
        }
    }
}
