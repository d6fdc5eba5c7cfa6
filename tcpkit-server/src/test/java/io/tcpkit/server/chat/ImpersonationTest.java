package io.tcpkit.server.chat;

import io.tcpkit.Limits;
import io.tcpkit.server.auth.PasswordHasher;
import io.tcpkit.server.auth.Users;
import io.tcpkit.server.hub.HubServers;
import io.tcpkit.server.hub.Peer;
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

    private HubServers servers;

    @AfterEach
    void stop() {
        servers.close();
    }

    private void start(Users users) throws Exception {
        servers = new HubServers(users);
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

    /** A command connection that says: RESP in, replies checked. */
    private Peer program(String... setup) throws Exception {
        Peer p = servers.commandPeer("program");
        for (int i = 0; i < setup.length; i += 3) {
            p.sendCommand(setup[i], setup[i + 1], setup[i + 2]);
            p.expectBytes("+OK\r\n");
        }
        return p;
    }

    private static long id(Peer program) throws Exception {
        program.sendCommand("CLIENT", "ID");
        String reply = program.readLine();
        return Long.parseLong(reply.substring(1).strip());
    }

    private static void publish(Peer program, String text, int receivers) throws Exception {
        program.sendCommand("PUBLISH", "lobby", text);
        program.expectBytes(":" + receivers + "\r\n");
    }

    @Test
    void aRegisteredNameIsOnlyItsOwners() throws Exception {
        start(users("alice wonderland", "bob builder"));
        Peer reader = ChatPeers.connect(servers, "reader");
        reader.sendLine("reader");
        reader.expectLine(ChatPeers.LOBBY_PRESENCE);
        Peer bob = program("AUTH", "bob", "builder", "CLIENT", "SETNAME", "alice");
        publish(bob, "I am alice", 1);
        reader.expectLine("[bob] I am alice");
        bob.sendCommand("CLIENT", "SETNAME", "ALICE");
        bob.expectBytes("+OK\r\n");
        publish(bob, "really", 1);
        reader.expectLine("[bob] really");
        Peer alice = program("AUTH", "alice", "wonderland", "CLIENT", "SETNAME", "Alice");
        publish(alice, "it is me", 1);
        reader.expectLine("[Alice] it is me");
        Peer aliceNoName = program("AUTH", "alice", "wonderland");
        publish(aliceNoName, "me too", 1);
        reader.expectLine("[alice] me too");
    }

    @Test
    void aNameSomeoneInTheChatHoldsIsNotAvailable() throws Exception {
        start(Users.open());
        List<Peer> room = ChatPeers.joinAll(servers, "carol", "reader");
        Peer reader = room.get(1);
        Peer program = program("CLIENT", "SETNAME", "Carol");
        long id = id(program);
        publish(program, "I am carol", 2);
        reader.expectLine("[client#" + id + "] I am carol");
        room.get(0).expectLine("[client#" + id + "] I am carol");
        program.sendCommand("CLIENT", "SETNAME", "dave");
        program.expectBytes("+OK\r\n");
        publish(program, "nobody is dave", 2);
        reader.expectLine("[dave] nobody is dave");
        room.get(0).expectLine("[dave] nobody is dave");
        Peer dave = ChatPeers.join(servers, "dave", room);
        publish(program, "still dave?", 3);
        reader.expectLine("[client#" + id + "] still dave?");
        dave.expectLine("[client#" + id + "] still dave?");
    }

    @Test
    void aNameTheChatWouldRefuseIsNotShown() throws Exception {
        start(Users.open());
        Peer reader = ChatPeers.joinAll(servers, "reader").get(0);
        for (String name : new String[] {"alice]", "[admin]", "x".repeat(33), "b\u00f8b"}) {
            Peer program = servers.commandPeer("program");
            program.sendCommand("CLIENT", "SETNAME", name);
            program.readLine();
            long id = id(program);
            publish(program, "hello", 1);
            reader.expectLine("[client#" + id + "] hello");
        }
    }
}
