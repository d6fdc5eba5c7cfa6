package io.tcpkit.server.chat;

import io.tcpkit.server.hub.Channel;
import io.tcpkit.Limits;
import io.tcpkit.server.auth.PasswordHasher;
import io.tcpkit.server.auth.Users;
import io.tcpkit.server.testing.Services;
import io.tcpkit.testing.Await;
import io.tcpkit.testing.LineClient;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static io.tcpkit.server.chat.ChatPeers.LOBBY_PRESENCE;
import static io.tcpkit.server.chat.ChatPeers.assertNothingPending;
import static io.tcpkit.server.chat.ChatPeers.join;
import static io.tcpkit.server.chat.ChatPeers.joinAll;
import static io.tcpkit.server.chat.ChatPeers.move;
import static org.assertj.core.api.Assertions.assertThat;

/** The chat's extensions: /commands, rooms, private messages, duplicate names and logins. */
@Timeout(30)
class ChatCommandsTest {
    @TempDir
    Path dir;
    @AutoClose
    private Services servers;

    private void start() throws Exception {
        servers = new Services();
        servers.startChat(Limits.DEFAULT);
    }

    /** With a users file holding alice (password "wonderland") and bob ("builder"). */
    private void startWithUsers() throws Exception {
        Path file = dir.resolve("users");
        Files.writeString(file, "# test users\n"
                + "alice " + PasswordHasher.hash("wonderland".toCharArray(), 1000) + "\n"
                + "bob " + PasswordHasher.hash("builder".toCharArray(), 1000) + "\n", StandardCharsets.UTF_8);
        servers = new Services(Users.load(file));
        servers.startChat(Limits.DEFAULT);
    }

    @Test
    void helpListsTheCommandsToTheAskerOnly() throws Exception {
        start();
        List<LineClient> room = joinAll(servers, "alice", "bob");
        room.get(0).sendLine("/help");
        for (String line : List.of(
                "* /help                 this list",
                "* /rooms                the rooms and how many people are in each",
                "* /join ROOM            move to another room (it is created if needed)",
                "* /who                  who is in your room",
                "* /msg NAME text        say something to one person only",
                "* /me text              act: '* yourname text'",
                "* /login USER PASSWORD  log in as a registered user (takes that name)",
                "* /quit                 leave")) {
            room.get(0).expectLine(line);
        }
        assertNothingPending(room.get(0), room.get(1));
        assertNothingPending(room.get(1), room.get(0));
    }

    @Test
    void joinMovesToAnotherRoomAndMessagesStayInTheirRoom() throws Exception {
        start();
        List<LineClient> lobby = joinAll(servers, "alice", "bob", "carol");
        LineClient alice = lobby.get(0);
        LineClient bob = lobby.get(1);
        LineClient carol = lobby.get(2);

        move(carol, "dev", List.of(alice, bob), List.of());
        LineClient dave = join(servers, "dave", List.of(alice, bob));
        move(dave, "dev", List.of(alice, bob), List.of(carol));

        carol.sendLine("said in dev");
        dave.expectLine("[carol] said in dev");
        alice.sendLine("said in the lobby");
        bob.expectLine("[alice] said in the lobby");
        // Neither room heard the other: the next lines are markers from their own room.
        assertNothingPending(dave, carol);
        assertNothingPending(carol, dave);
        assertNothingPending(bob, alice);
        assertNothingPending(alice, bob);

        carol.sendLine("/join dev");
        carol.expectLine("* you are in dev already");
        carol.sendLine("/join b@d");
        carol.expectLine("* usage: /join ROOM (one word of 1 to 32 letters, digits, '.', '_' or '-')");
        carol.sendLine("/join");
        carol.expectLine("* usage: /join ROOM (one word of 1 to 32 letters, digits, '.', '_' or '-')");

        move(carol, "lobby", List.of(dave), List.of(alice, bob));
    }

    @Test
    void roomsAndWhoDescribeTheChat() throws Exception {
        start();
        List<LineClient> lobby = joinAll(servers, "alice", "bob", "carol");
        move(lobby.get(2), "dev", lobby.subList(0, 2), List.of());

        lobby.get(0).sendLine("/rooms");
        lobby.get(0).expectLine("* rooms: dev (1), lobby (2)");
        lobby.get(0).sendLine("/who");
        lobby.get(0).expectLine("* in lobby: alice, bob");
        lobby.get(2).sendLine("/WHO"); // commands ignore case
        lobby.get(2).expectLine("* in dev: carol");
        assertNothingPending(lobby.get(0), lobby.get(1));
    }

    @Test
    void privateMessagesReachOnlyTheirTargetAndTheSenderGetsAConfirmation() throws Exception {
        start();
        List<LineClient> room = joinAll(servers, "alice", "bob", "carol");
        LineClient alice = room.get(0);
        LineClient bob = room.get(1);
        LineClient carol = room.get(2);
        alice.sendLine("/msg bob meet me at noon");
        bob.expectLine("[alice -> you] meet me at noon");
        alice.expectLine("[you -> bob] meet me at noon");
        alice.sendLine("/msg BOB names ignore case");
        bob.expectLine("[alice -> you] names ignore case");
        alice.expectLine("[you -> bob] names ignore case");
        assertNothingPending(alice, carol, bob);

        // Across rooms too.
        move(carol, "dev", List.of(alice, bob), List.of());
        bob.sendLine("/msg carol over here");
        carol.expectLine("[bob -> you] over here");
        bob.expectLine("[you -> carol] over here");

        alice.sendLine("/msg zed hello?");
        alice.expectLine("* nobody called zed is here");
        alice.sendLine("/msg bob");
        alice.expectLine("* usage: /msg NAME text");
        assertNothingPending(alice, bob);
        assertNothingPending(bob, alice);
    }

    @Test
    void meIsAnActionForTheOthers() throws Exception {
        start();
        List<LineClient> room = joinAll(servers, "alice", "bob", "carol");
        room.get(0).sendLine("/me waves hello");
        room.get(1).expectLine("* alice waves hello");
        room.get(2).expectLine("* alice waves hello");
        room.get(0).sendLine("/me");
        room.get(0).expectLine("* usage: /me text");
        assertNothingPending(room.get(1), room.get(0), room.get(2));
    }

    @Test
    void quitSaysByeThenClosesAndTheOthersAreTold() throws Exception {
        start();
        List<LineClient> room = joinAll(servers, "alice", "bob");
        room.get(0).sendLine("/quit");
        room.get(0).expectLine("* bye");
        room.get(0).expectEof();
        room.get(1).expectLine("* alice has left the room");
    }

    @Test
    void anUnknownCommandIsExplainedAndNotRelayed() throws Exception {
        start();
        List<LineClient> room = joinAll(servers, "alice", "bob");
        room.get(0).sendLine("/dance wildly");
        room.get(0).expectLine("* unknown command /dance: try /help");
        room.get(0).sendLine("/");
        room.get(0).expectLine("* unknown command /: try /help");
        assertNothingPending(room.get(0), room.get(1));
        assertNothingPending(room.get(1), room.get(0));
    }

    @Test
    void aTakenNameIgnoringCaseIsAskedAgainAndNobodyHearsOfIt() throws Exception {
        start();
        List<LineClient> room = joinAll(servers, "alice", "bob");
        LineClient dup = ChatPeers.connect(servers, "dup");
        for (String name : List.of("alice", "ALICE", "Bob")) {
            dup.sendLine(name);
            dup.expectLine("* the name " + name + " is taken: choose another");
        }
        assertNothingPending(room.get(0), room.get(1));
        assertNothingPending(room.get(1), room.get(0));
        dup.sendLine("carol");
        dup.expectLine(LOBBY_PRESENCE + "alice, bob");
        room.get(0).expectLine("* carol has entered the room");
        room.get(1).expectLine("* carol has entered the room");

        // Not for ever: the fifth taken name ends the connection.
        try (LineClient stubborn = ChatPeers.connect(servers, "stubborn")) {
            for (int i = 1; i < ChatService.MAX_NAME_TRIES; i++) {
                stubborn.sendLine("alice");
                stubborn.expectLine("* the name alice is taken: choose another");
            }
            stubborn.sendLine("alice");
            stubborn.expectLine("* the name alice is taken too: bye");
            stubborn.expectEof();
        }
        assertNothingPending(room.get(0), room.get(1), dup);
        dup.sendLine("/quit");
        dup.expectLine("* bye");
        room.get(0).expectLine("* carol has left the room");
        room.get(1).expectLine("* carol has left the room");

        // Once alice leaves, her name is free again.
        room.get(0).sendLine("/quit");
        room.get(0).expectLine("* bye");
        room.get(0).expectEof();
        room.get(1).expectLine("* alice has left the room");
        join(servers, "Alice", List.of(room.get(1)));
    }

    /** Someone gives the registered name {@code name} (alice's, in some case) and a wrong password. */
    private void impostorIsAskedForThePasswordAndCutOff(String name) throws Exception {
        try (LineClient impostor = ChatPeers.connect(servers, "impostor")) {
            impostor.sendLine(name);
            impostor.expectLine("* " + name + " is a registered name: password?");
            impostor.sendLine("guess");
            impostor.expectLine("* wrong password for " + name);
            impostor.expectEof();
        }
    }

    /** alice with her password, into the lobby where {@code guest} alone is. */
    private LineClient aliceLogsIn(LineClient guest) throws Exception {
        LineClient alice = ChatPeers.connect(servers, "alice");
        alice.sendLine("alice");
        alice.expectLine("* alice is a registered name: password?");
        alice.sendLine("wonderland");
        alice.expectLine(LOBBY_PRESENCE + "guest");
        guest.expectLine("* alice has entered the room"); // and nothing about an impostor before it
        return alice;
    }

    @Test
    void aRegisteredNameAsksForItsPasswordAndAWrongOneDisconnects() throws Exception {
        startWithUsers();
        LineClient guest = join(servers, "guest", List.of());
        impostorIsAskedForThePasswordAndCutOff("alice");
        LineClient alice = aliceLogsIn(guest);
        alice.sendLine("it is me");
        guest.expectLine("[alice] it is me");
    }

    @Test
    void aRegisteredNameIsReservedWhateverItsCase() throws Exception {
        startWithUsers();
        LineClient guest = join(servers, "guest", List.of());
        impostorIsAskedForThePasswordAndCutOff("ALICE");
        assertThat(servers.hub.subscribers(Channel.of("lobby"))).isEqualTo(1);
        // The owner can still come in under her name.
        aliceLogsIn(guest);
    }

    @Test
    void loginRenamesAGuestAndAnnouncesItToEveryone() throws Exception {
        startWithUsers();
        List<LineClient> room = joinAll(servers, "guest1", "carol");
        LineClient guest = room.get(0);
        LineClient carol = room.get(1);
        guest.sendLine("/login bob wrong");
        guest.expectLine("* wrong user or password");
        guest.sendLine("/login bob");
        guest.expectLine("* usage: /login USER PASSWORD");
        assertNothingPending(guest, carol);

        guest.sendLine("/login bob builder");
        guest.expectLine("* guest1 is now known as bob");
        carol.expectLine("* guest1 is now known as bob");
        guest.sendLine("hello as bob");
        carol.expectLine("[bob] hello as bob");
        carol.sendLine("/who");
        carol.expectLine("* in lobby: bob, carol");

        // The old name is free, the new one is taken.
        LineClient another = ChatPeers.connect(servers, "guest1");
        another.sendLine("guest1");
        another.expectLine(LOBBY_PRESENCE + "bob, carol");
        guest.expectLine("* guest1 has entered the room");
        carol.expectLine("* guest1 has entered the room");
        try (LineClient other = ChatPeers.connect(servers, "other")) {
            other.sendLine("bob");
            other.expectLine("* bob is a registered name: password?");
            other.sendLine("builder");
            other.expectLine("* the name bob is taken: choose another");
            // Logged in as bob by the password, so the name bob (if it frees) would need none; another name:
            other.sendLine("bob2");
            other.expectLine(LOBBY_PRESENCE + "bob, carol, guest1");
            for (LineClient p : List.of(guest, carol, another)) {
                p.expectLine("* bob2 has entered the room");
            }
        }
    }

    @Test
    void aUserNameThatIsNoChatNameLogsInButKeepsTheChatName() throws Exception {
        Path file = dir.resolve("users");
        Files.writeString(file, "j.doe " + PasswordHasher.hash("secret".toCharArray(), 1000) + "\n", StandardCharsets.UTF_8);
        servers = new Services(Users.load(file));
        servers.startChat(Limits.DEFAULT);
        List<LineClient> room = joinAll(servers, "guest1", "carol");
        room.get(0).sendLine("/login j.doe secret");
        room.get(0).expectLine("* logged in as j.doe; your chat name stays guest1 (chat names are 1 to 32 letters and digits)");
        room.get(1).sendLine("/who");
        room.get(1).expectLine("* in lobby: guest1, carol");
        assertNothingPending(room.get(0), room.get(1));
        assertThat(servers.sessions.list().stream().filter(s -> s.name().equals("guest1")).findFirst().orElseThrow()
                .user().name()).isEqualTo("j.doe");
    }

    @Test
    void roomsAreToldApartIgnoringCaseAndARoomIsOneWord() throws Exception {
        start();
        List<LineClient> lobby = joinAll(servers, "alice", "bob");
        LineClient alice = lobby.get(0);
        LineClient bob = lobby.get(1);
        alice.sendLine("/join Dev");
        alice.expectLine("* The room dev contains: ");
        bob.expectLine("* alice has left the room");
        bob.sendLine("/join DEV");
        bob.expectLine("* The room dev contains: alice");
        alice.expectLine("* bob has entered the room");
        alice.sendLine("/join dEV");
        alice.expectLine("* you are in dev already");

        alice.sendLine("/join bad room!");
        alice.expectLine("* usage: /join ROOM (one word of 1 to 32 letters, digits, '.', '_' or '-')");
        alice.sendLine("/who");
        alice.expectLine("* in dev: alice, bob");
        assertNothingPending(alice, bob);
    }

    /**
     * CLIENT LIST's idle counts from a chat user's last line or command. Shown without a clock
     * window: after quiet time, the idle measured once the line has arrived is at most the time
     * since just before it was sent (it was the whole quiet time before). Idle is kept in whole
     * seconds, never overstated, so the quiet time shows as a second.
     */
    @Test
    void chatLinesAndCommandsResetClientListsIdle() throws Exception {
        start();
        List<LineClient> room = joinAll(servers, "alice", "bob");
        Await.until("alice and bob quiet for a second",
                () -> idle("alice").toSeconds() >= 1 && idle("bob").toSeconds() >= 1);
        long before = System.nanoTime();
        room.get(0).sendLine("hello");
        room.get(1).expectLine("[alice] hello");
        Duration alice = idle("alice");
        assertThat(alice).isLessThanOrEqualTo(Duration.ofNanos(System.nanoTime() - before));

        before = System.nanoTime();
        room.get(1).sendLine("/who");
        room.get(1).expectLine("* in lobby: alice, bob");
        Duration bob = idle("bob");
        assertThat(bob).as("a command too").isLessThanOrEqualTo(Duration.ofNanos(System.nanoTime() - before));
    }

    private Duration idle(String name) {
        return servers.sessions.list().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow().idle();
    }

    @Test
    void loginWithoutAUsersFileSaysThereAreNoUsers() throws Exception {
        start();
        List<LineClient> room = joinAll(servers, "alice", "bob");
        room.get(0).sendLine("/login alice secret");
        room.get(0).expectLine("* there are no registered users here");
        assertNothingPending(room.get(1), room.get(0));
    }
}
